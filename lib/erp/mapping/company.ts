/**
 * Which ERP company an object posts to, and the guard that every remote id a
 * posting names belongs to that company (a line coded against another
 * subsidiary's account must fail visibly, not post cross-company).
 */
import type { CompanyConfig, TenantConfig } from "../../config/tenant.js";
import { type ErpErrorCode, userError } from "../port.js";
import { splitRemoteId } from "../remote-id.js";

/** Ramp entity id → its name in Ramp (GET /entities), for messages; absent = ids only. */
export type EntityNames = ReadonlyMap<string, string>;

/**
 * The company an object of Ramp entity `entityId` posts to:
 * - no entity (single-entity businesses, objects Ramp gives no entity) → the first company;
 * - an entity the tenant's `entities` map links → that company;
 * - any other entity of a tenant with exactly one company → that company: a one-company
 *   tenant has nowhere else to post, so it needs no entity map (a business whose Ramp
 *   entities are all one legal company, or one that added an entity later);
 * - any other entity of a tenant with several companies → user-actionable, naming the
 *   entity (and its Ramp name, when `names` knows it) and the setting that fixes it.
 */
export function resolveCompany(
  cfg: Pick<TenantConfig, "companies" | "entities">,
  entityId: string | null,
  names?: EntityNames,
): CompanyConfig {
  const first = cfg.companies[0];
  if (!first)
    throw userError(
      "MISSING_MAPPING",
      "No ERP company configured",
      "Add an ERP company in the integration settings, then retry.",
    );
  if (entityId === null) return first;
  const link = cfg.entities.find((e) => e.rampEntityId === entityId);
  const company = link ? cfg.companies.find((c) => c.key === link.companyKey) : undefined;
  if (company) return company;
  if (!link && cfg.companies.length === 1) return first;
  throw unmappedEntityError(cfg, entityId, names?.get(entityId));
}

function unmappedEntityError(cfg: Pick<TenantConfig, "companies">, entityId: string, name?: string) {
  const keys = cfg.companies.map((c) => c.key).join(", ");
  return userError(
    "MISSING_MAPPING",
    `Ramp entity ${entityId}${name ? ` (${name})` : ""} is not linked to an ERP company`,
    `Link entity ${entityId} to one of this business's ERP companies (${keys}) in the integration ` +
      `settings — the tenant's "entities" setting; ramp-erp-sync tenants show lists the entities ` +
      "and companies — then retry.",
  );
}

/** Throws user-actionable when `remoteId` is scoped to another company than `companyKey`. */
export function assertOwnedBy(
  remoteId: string,
  companyKey: string,
  code: ErpErrorCode,
  what: string,
): string {
  const owner = splitRemoteId(remoteId)?.companyKey ?? null;
  if (owner !== companyKey) {
    throw userError(
      code,
      `${what} "${remoteId}" belongs to ${owner === null ? "no ERP company" : `company ${owner}`}, not ${companyKey}`,
      `Re-code it in Ramp with a ${what.toLowerCase()} of the entity's company (${companyKey}), then retry.`,
    );
  }
  return remoteId;
}
