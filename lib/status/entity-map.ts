/**
 * Ramp's entities beside the tenant's entity map, as `ops tenants show` lists
 * them: where each entity's objects post, by the same rule the syncer applies
 * (lib/erp/mapping/company.ts resolveCompany) — mapped, the one company by
 * default, or unmapped (its objects fail until linked). An entity the map names
 * but Ramp no longer lists is shown too: a stale link is worth seeing. Pure.
 */
import type { TenantConfig } from "../config/tenant.js";
import type { RampEntity } from "../ramp/model.js";

export type EntityMapping = "mapped" | "default (one company)" | "unmapped" | "not in Ramp";

export interface EntityRow {
  entityId: string;
  name: string | null;
  currency: string | null;
  /** The company key its objects post to; null when they fail (unmapped). */
  companyKey: string | null;
  mapping: EntityMapping;
}

export function entityRows(
  tenant: Pick<TenantConfig, "companies" | "entities">,
  rampEntities: readonly RampEntity[],
): EntityRow[] {
  const links = new Map(tenant.entities.map((e) => [e.rampEntityId, e.companyKey]));
  const only = tenant.companies.length === 1 ? (tenant.companies[0]?.key ?? null) : null;
  const rows: EntityRow[] = rampEntities.map((e) => {
    const linked = links.get(e.id);
    const base = { entityId: e.id, name: e.name, currency: e.currency };
    if (linked) return { ...base, companyKey: linked, mapping: "mapped" };
    if (only) return { ...base, companyKey: only, mapping: "default (one company)" };
    return { ...base, companyKey: null, mapping: "unmapped" };
  });
  const listed = new Set(rampEntities.map((e) => e.id));
  for (const [entityId, companyKey] of links) {
    if (!listed.has(entityId))
      rows.push({ entityId, name: null, currency: null, companyKey, mapping: "not in Ramp" });
  }
  return rows;
}

/** The company column: the key, how it was chosen when not by the map, or "unmapped". */
export function entityCompanyText(r: EntityRow): string {
  switch (r.mapping) {
    case "mapped":
      return r.companyKey ?? "-";
    case "default (one company)":
      return `${r.companyKey} — default (one company)`;
    case "unmapped":
      return "unmapped — its objects fail until linked (entities setting)";
    case "not in Ramp":
      return `${r.companyKey} — mapped, but Ramp lists no such entity`;
  }
}
