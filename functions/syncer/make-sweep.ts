/**
 * The scheduled report sweep (EventBridge, every minute): for every enabled
 * tenant, flush every report stream with rows waiting and replay intents left
 * open by a crash (lib/sync/sweep.ts sweepAll). Thin; stops early when the
 * Lambda is about to time out — the next run carries on.
 */
import { powertoolsHandler } from "../../lib/runtime/handler-stack.js";
import { type SweepAllResult, sweepAll } from "../../lib/sync/sweep.js";
import { type SyncerDeps, syncerFor } from "./deps.js";
import { syncMetricsOf } from "./observability.js";

/** Leave this much of the Lambda's time to finish the tenant in hand. */
const SAFETY_MS = 20_000;

export function makeHandler(deps: SyncerDeps) {
  const metrics = syncMetricsOf(deps.obs.metrics);
  return powertoolsHandler(deps.obs, async (_event: unknown, context): Promise<SweepAllResult> => {
    const syncer = syncerFor(deps, metrics, context.awsRequestId);
    return sweepAll({
      tenants: deps.store.tenants,
      ledger: deps.store.ledger,
      runtimeFor: deps.runtimeFor,
      flush: syncer.flush,
      shouldStop: () => context.getRemainingTimeInMillis() < SAFETY_MS,
      log: deps.obs.log,
    });
  });
}
