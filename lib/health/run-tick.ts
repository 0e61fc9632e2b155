/**
 * The health tick (every 15 minutes, functions/poller/health.ts): for every
 * enabled tenant, one Query of its open work, then its points (signals.ts);
 * last, the heartbeat (`HealthTenantsObserved`), which the "health tick
 * stopped" alarm reads with missing data = breaching. A tenant whose read
 * fails is logged and never stops the others; once every tenant has been
 * tried the tick throws, so the function's error alarm names the failure.
 */
import { type RampLogger, silentLogger } from "../domain/logger.js";
import { enabledTenantPages } from "../poll/enabled-pages.js";
import { mapLimit } from "../sync/limit.js";
import type { SyncMetrics } from "../sync/metrics.js";
import { HEALTH_METRICS } from "./metrics.js";
import type { HealthStore } from "./ports.js";
import { type HealthAllowances, tenantHealth } from "./signals.js";

export interface HealthTickDeps {
  store: HealthStore;
  /** Where the points go (EMF on Lambda): a point's `tenantId`/`kind` are its dimensions. */
  metrics: SyncMetrics;
  clock: () => number;
  allowances: HealthAllowances;
  concurrency: number;
  pageLimit?: number;
  log?: RampLogger;
}

export interface HealthTickResult {
  tenants: number;
  points: number;
  failed: Array<{ tenantId: string; error: string }>;
  invalid: number;
}

export async function runHealthTick(deps: HealthTickDeps): Promise<HealthTickResult> {
  const log = deps.log ?? silentLogger;
  const out: HealthTickResult = { tenants: 0, points: 0, failed: [], invalid: 0 };
  for await (const page of enabledTenantPages(deps.store.tenants, deps.pageLimit)) {
    out.invalid += page.invalid.length;
    await mapLimit(page.tenants, deps.concurrency, async (tenant) => {
      try {
        const work = await deps.store.openWork.read(tenant.tenantId);
        const points = tenantHealth(
          { tenant, work, storedAt: page.storedAt?.[tenant.tenantId], now: deps.clock() },
          deps.allowances,
        );
        for (const p of points) deps.metrics.add(p.name, p.unit, p.value, p.dimensions);
        out.points += points.length;
        out.tenants++;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        out.failed.push({ tenantId: tenant.tenantId, error });
        log.error("health: tenant not measured", { tenantId: tenant.tenantId, error });
      }
    });
  }
  // Fleet-level, no tenant dimension: the heartbeat.
  deps.metrics.add(HEALTH_METRICS.tenantsObserved, "Count", out.tenants);
  log.info("health tick", {
    tenants: out.tenants,
    points: out.points,
    failed: out.failed.length,
    invalid: out.invalid,
  });
  if (out.failed.length) {
    throw new Error(
      `health: ${out.failed.length} tenant(s) not measured (first: ${out.failed[0]?.tenantId})`,
    );
  }
  return out;
}
