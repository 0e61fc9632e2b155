/**
 * Which ERP company each Ramp object belongs to, decided the way the syncer
 * decides it (lib/erp/mapping resolveCompany: no entity → the first company,
 * a mapped entity → its company), and that company's default expense account
 * (what an uncoded line posts to). An entity mapped to no company cannot post:
 * null, and its objects are counted under no company.
 */
import type { TenantConfig } from "../config/tenant.js";
import { resolveCompany } from "../erp/mapping/company.js";

export interface CompanyOfObject {
  key: string;
  defaultExpense: string;
}

export function companyResolver(
  tenant: Pick<TenantConfig, "companies" | "entities">,
): (entityId: string | null) => CompanyOfObject | null {
  const memo = new Map<string | null, CompanyOfObject | null>();
  return (entityId) => {
    if (!memo.has(entityId)) {
      let c: CompanyOfObject | null = null;
      try {
        const company = resolveCompany(tenant as TenantConfig, entityId);
        c = { key: company.key, defaultExpense: company.defaults.defaultExpense };
      } catch {
        // Unmapped entity: the syncer fails such objects as user-actionable; nothing posts.
      }
      memo.set(entityId, c);
    }
    return memo.get(entityId) ?? null;
  };
}
