/**
 * What Ramp should hold, derived from the ERP's coding surface. Only active ERP
 * items are desired: an account or option the ERP deactivated disappears from the
 * desired surface and the planner removes (or hides) it in Ramp.
 */
import type { CodingSurface } from "../erp/port.js";
import type { DesiredSurface } from "./types.js";

export interface DesiredOptions {
  /**
   * Scope items to their company with `entity_remote_ids: [<company key>]`. On for
   * multi-company tenants (Ramp entities are linked to companies by that key); off for
   * a single company, whose items apply to the whole business.
   */
  scopeToEntities: boolean;
  taxCodeFieldName?: string;
}

export function desiredFromSurface(surface: CodingSurface, opts: DesiredOptions): DesiredSurface {
  const scope = (companyKey: string) => (opts.scopeToEntities ? [companyKey] : null);
  return {
    glAccounts: surface.glAccounts
      .filter((a) => a.active)
      .map((a) => ({
        remoteId: a.remoteId,
        name: a.name,
        code: a.code,
        classification: a.classification,
        entityRemoteIds: scope(a.companyKey),
      })),
    fields: surface.fields.map((f) => ({
      remoteId: f.remoteId,
      name: f.name,
      options: f.options
        .filter((o) => o.active)
        .map((o) => ({
          remoteId: o.remoteId,
          value: o.value,
          code: o.code,
          entityRemoteIds: scope(o.companyKey),
        })),
    })),
    vendors: surface.vendors
      .filter((v) => v.active)
      .map((v) => ({
        remoteId: v.remoteId,
        name: v.name,
        code: v.code,
        entityRemoteIds: scope(v.companyKey),
      })),
    taxRates: surface.taxRates
      .filter((r) => r.active)
      .map((r) => ({
        remoteId: r.remoteId,
        name: r.name,
        rate: r.rate,
        glAccountRemoteId: r.glAccountRemoteId,
      })),
    taxCodes: surface.taxCodes
      .filter((c) => c.active)
      .map((c) => ({
        remoteId: c.remoteId,
        name: c.name,
        taxRateRemoteIds: c.taxRateRemoteIds,
        entityRemoteIds: scope(c.companyKey),
      })),
    taxCodeFieldName: opts.taxCodeFieldName ?? "Tax Code",
  };
}

/** The snapshot to store after a successful push: the remote ids now uploaded. */
export function snapshotOf(desired: DesiredSurface) {
  return {
    glAccounts: desired.glAccounts.map((a) => a.remoteId),
    fieldOptions: Object.fromEntries(
      desired.fields.map((f) => [f.remoteId, f.options.map((o) => o.remoteId)]),
    ),
    vendors: desired.vendors.map((v) => v.remoteId),
    taxRates: desired.taxRates.map((r) => r.remoteId),
    taxCodes: desired.taxCodes.map((c) => c.remoteId),
  };
}
