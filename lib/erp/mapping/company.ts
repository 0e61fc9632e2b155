/**
 * Which ERP company an object posts to, and the guard that every remote id a
 * posting names belongs to that company (a line coded against another
 * subsidiary's account must fail visibly, not post cross-company).
 */
import type { CompanyConfig, TenantConfig } from "../../config/tenant.js";
import { type ErpErrorCode, userError } from "../port.js";
import { splitRemoteId } from "../remote-id.js";

/** entityId null → the first company (single-entity businesses); unmapped entity → user-actionable. */
export function resolveCompany(cfg: TenantConfig, entityId: string | null): CompanyConfig {
  if (entityId === null) {
    const first = cfg.companies[0];
    if (!first)
      throw userError(
        "MISSING_MAPPING",
        "No ERP company configured",
        "Add an ERP company in the integration settings, then retry.",
      );
    return first;
  }
  const link = cfg.entities.find((e) => e.rampEntityId === entityId);
  const company = link ? cfg.companies.find((c) => c.key === link.companyKey) : undefined;
  if (!company) {
    throw userError(
      "MISSING_MAPPING",
      `Ramp entity ${entityId} is not linked to an ERP company`,
      `Link entity ${entityId} to an ERP company in the integration settings, then retry.`,
    );
  }
  return company;
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
