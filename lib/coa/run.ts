/**
 * coa-push per tenant, as the handler and the ops CLI run it: load the tenant,
 * build its Ramp client and ERP adapter (factories passed in: no AWS here), push,
 * store the connection id when it changed. Which tenants are pushed when (the
 * daily fleet, bulk onboarding) is lib/coa/fleet.ts: one staggered queue message
 * each; each tenant's own rate limiter paces its calls.
 */
import type { TenantConfig } from "../config/tenant.js";
import { ServiceError } from "../domain/errors.js";
import type { RampLogger } from "../domain/logger.js";
import type { ErpPort } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import type { Tenants } from "../store/tenants.js";
import { type CoaPushResult, type ManualVendorLinkStore, pushCoa, type SnapshotStore } from "./push.js";

export interface TenantPushDeps {
  tenants: Pick<Tenants, "get" | "put" | "listEnabled">;
  snapshots?: SnapshotStore;
  /** Manual vendor links (lib/store/vendor-links.ts), decided with `ops vendors link`. */
  vendorLinks?: ManualVendorLinkStore;
  rampFor: (tenant: TenantConfig) => RampClient | Promise<RampClient>;
  erpFor: (tenant: TenantConfig) => Promise<ErpPort>;
  logger?: RampLogger;
}

class UnknownTenantError extends ServiceError {
  override name = "UnknownTenantError";
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} is not configured`);
  }
}

export async function loadTenant(
  deps: Pick<TenantPushDeps, "tenants">,
  tenantId: string,
): Promise<TenantConfig> {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new UnknownTenantError(tenantId);
  return tenant;
}

/** Stores a (new) connection id in the tenant config, retrying once on a concurrent edit. */
export async function storeConnectionId(
  tenants: Pick<Tenants, "get" | "put">,
  tenantId: string,
  connectionId: string | null,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await tenants.get(tenantId);
    if (!cur) throw new UnknownTenantError(tenantId);
    if (cur.ramp.connectionId === connectionId) return;
    const res = await tenants.put({ ...cur, ramp: { ...cur.ramp, connectionId } });
    if (res.ok) return;
  }
  throw new Error(`tenant ${tenantId}: could not store connection id after concurrent edits`);
}

export async function pushTenant(
  deps: TenantPushDeps,
  tenantId: string,
  opts: { shouldStop?: () => boolean; optionRemoval?: "hide" | "delete" } = {},
): Promise<CoaPushResult> {
  const tenant = await loadTenant(deps, tenantId);
  const erp = await deps.erpFor(tenant);
  try {
    return await pushCoa(
      {
        client: await deps.rampFor(tenant),
        erp,
        snapshots: deps.snapshots,
        vendorLinks: deps.vendorLinks,
        logger: deps.logger,
        onConnectionId: (id) => storeConnectionId(deps.tenants, tenantId, id),
      },
      { tenant, ...opts },
    );
  } finally {
    await erp.close();
  }
}
