/**
 * The tenant config of the suites that drive the syncer's own code (coa-push, the mapping)
 * against the live Tryton: "acme-tryton", one company per live company given.
 */
import { parseTenantConfig, type TenantConfig, type TenantConfigInput } from "../../../lib/config/tenant.js";
import { LIVE, type LiveCompany } from "./tryton-live.js";

/** Its posting defaults, by account code; not liveDefaults (2300, 6000): these suites have always posted with these. */
const tenantDefaults = (c: LiveCompany) => ({
  cardLiability: c.account("2100"),
  accountsPayable: c.account("2000"),
  bank: c.account("1000"),
  reimbursementsPayable: c.account("2000"),
  cashbackIncome: c.account("4900"),
  defaultExpense: c.account("6100"),
});

export function liveTenantConfig(
  companies: LiveCompany[],
  entities?: TenantConfigInput["entities"],
): TenantConfig {
  return parseTenantConfig({
    tenantId: "acme-tryton",
    displayName: "Acme (Tryton)",
    ramp: { remoteProviderName: "Tryton" },
    erp: { kind: "tryton", url: LIVE.url, database: LIVE.database, username: LIVE.username },
    companies: companies.map((c) => ({
      key: c.key,
      erpCompanyId: String(c.id),
      currency: c.currency,
      defaults: tenantDefaults(c),
    })),
    ...(entities ? { entities } : {}),
  });
}
