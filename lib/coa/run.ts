/**
 * coa-push per tenant, as the handler and the ops CLI run it: load the tenant,
 * build its Ramp client and ERP adapter (factories passed in: no AWS here), push,
 * store the connection id when it changed. For the daily schedule, every enabled
 * tenant is pushed with a random stagger so uploads across customers do not all
 * start on the same second (the guide: stagger bulk CoA uploads; docs/ramp-api.md, Guide "Chart of accounts"); each tenant's
 * own rate limiter paces its calls.
 */
import type { TenantConfig } from "../config/tenant.js";
import { ServiceError } from "../domain/errors.js";
import type { RampLogger } from "../domain/logger.js";
import { type Sleep, sleep as timerSleep } from "../domain/time.js";
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

/** Start offsets in [0, windowMs) per tenant, in the order they should start. */
export function staggerOffsets(
  tenantIds: readonly string[],
  windowMs: number,
  random: () => number = Math.random,
): Array<{ tenantId: string; offsetMs: number }> {
  return tenantIds
    .map((tenantId) => ({ tenantId, offsetMs: Math.floor(random() * Math.max(0, windowMs)) }))
    .sort((a, b) => a.offsetMs - b.offsetMs);
}

export interface ScheduledRunOptions {
  /** Spread the tenants' start times over this window. */
  windowMs: number;
  random?: () => number;
  sleep?: Sleep;
  /** Stop starting new tenants (and stop the current one cleanly) when this says so. */
  shouldStop?: () => boolean;
}

export interface ScheduledRunResult {
  pushed: Array<{ tenantId: string; writeCalls: number; failures: number; complete: boolean }>;
  failed: Array<{ tenantId: string; error: string }>;
  /** Tenants not started because time ran out: the next run (or an on-demand message) covers them. */
  skipped: string[];
}

/** One tenant failing never stops the others. */
export async function pushEnabledTenants(
  deps: TenantPushDeps,
  opts: ScheduledRunOptions,
): Promise<ScheduledRunResult> {
  const ids: string[] = [];
  const out: ScheduledRunResult = { pushed: [], failed: [], skipped: [] };
  let cursor: string | undefined;
  do {
    const page = await deps.tenants.listEnabled({ cursor });
    ids.push(...page.tenants.map((t) => t.tenantId));
    for (const bad of page.invalid) out.failed.push({ tenantId: bad.tenantId, error: bad.error });
    cursor = page.cursor;
  } while (cursor);
  const sleep = opts.sleep ?? timerSleep;
  let elapsed = 0;
  for (const { tenantId, offsetMs } of staggerOffsets(ids, opts.windowMs, opts.random)) {
    if (opts.shouldStop?.()) {
      out.skipped.push(tenantId);
      continue;
    }
    if (offsetMs > elapsed) {
      await sleep(offsetMs - elapsed);
      elapsed = offsetMs;
    }
    try {
      const r = await pushTenant(deps, tenantId, { shouldStop: opts.shouldStop });
      out.pushed.push({
        tenantId,
        writeCalls: r.report.writeCalls,
        failures: r.report.failures.length,
        complete: r.report.complete,
      });
    } catch (err) {
      out.failed.push({ tenantId, error: err instanceof Error ? err.message : String(err) });
      deps.logger?.error("coa push failed", {
        tenantId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return out;
}
