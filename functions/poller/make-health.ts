/**
 * EventBridge schedule (every 15 minutes) → the health points of every enabled
 * tenant (lib/health/run-tick.ts), as EMF metrics the per-tenant alarms read.
 * Thin: the signals are decided in lib/health.
 */
import type { ScheduledEvent } from "aws-lambda";
import { type HealthTickResult, runHealthTick } from "../../lib/health/run-tick.js";
import { powertoolsHandler } from "../../lib/runtime/handler-stack.js";
import { syncMetricsOf } from "../syncer/observability.js";
import type { HealthDeps } from "./health-deps.js";

export function makeHandler(deps: HealthDeps) {
  // One EMF blob per dimension set (tenant, or tenant × kind), as every dimensioned metric.
  const metrics = syncMetricsOf(deps.obs.metrics);
  return powertoolsHandler(
    deps.obs,
    async (_event: ScheduledEvent): Promise<HealthTickResult> =>
      runHealthTick({
        store: deps.store,
        metrics,
        clock: deps.clock ?? Date.now,
        allowances: deps.settings,
        concurrency: deps.settings.concurrency,
        log: deps.obs.log,
      }),
  );
}
