/**
 * EventBridge schedule (every 15 minutes) → the health points of every enabled
 * tenant (lib/health/run-tick.ts), as EMF metrics the per-tenant alarms read.
 * Thin: the signals are decided in lib/health.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { ScheduledEvent } from "aws-lambda";
import { type HealthTickResult, runHealthTick } from "../../lib/health/run-tick.js";
import { powertoolsHandler } from "../../lib/runtime/handler-stack.js";
import type { HealthDeps } from "./health-deps.js";

export function makeHandler(deps: HealthDeps) {
  const { metrics, log } = deps.obs;
  return powertoolsHandler(
    deps.obs,
    async (_event: ScheduledEvent): Promise<HealthTickResult> =>
      runHealthTick({
        store: deps.store,
        emit: (p) => {
          // One blob per dimension set (tenant, or tenant × kind), as the backlog metric always was.
          const single = metrics.singleMetric();
          single.addDimensions(p.dimensions);
          single.addMetric(p.name, p.unit === "Count" ? MetricUnit.Count : MetricUnit.NoUnit, p.value);
        },
        emitFleet: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
        clock: deps.clock ?? Date.now,
        allowances: deps.settings,
        concurrency: deps.settings.concurrency,
        log,
      }),
  );
}
