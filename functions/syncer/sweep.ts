/**
 * The scheduled report sweep (EventBridge, every few minutes): for every enabled
 * tenant, flush every report stream with rows waiting and replay intents left
 * open by a crash (lib/sync/sweep.ts). Thin; stops early when the Lambda is
 * about to time out — the next run carries on.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { envOnce, SyncerEnvSchema } from "../../lib/config/env.js";
import { createLogger, createMetrics, rampLoggerOf } from "../../lib/runtime/observability.js";
import { sweepAll } from "../../lib/sync/sweep.js";
import { createSyncer } from "../../lib/sync/syncer.js";
import { buildSyncerDeps, type SyncerRuntimeDeps } from "./deps.js";
import type { SyncerOverrides } from "./handler.js";
import { syncMetricsOf } from "./observability.js";

const powertools = createLogger("sync-sweep");
const logger = rampLoggerOf(powertools);
const metrics = createMetrics("sync-sweep");
const env = envOnce(SyncerEnvSchema);
let deps: SyncerRuntimeDeps | undefined;
let overrides: SyncerOverrides = {};
const SAFETY_MS = 20_000;

/** Tests and the local runtime hand in their own dependencies (and crash hook / clock). */
export function configureSweep(d: SyncerRuntimeDeps | undefined, o: SyncerOverrides = {}): void {
  deps = d;
  overrides = o;
}

async function run(_event: unknown, context: Pick<Context, "awsRequestId" | "getRemainingTimeInMillis">) {
  deps ??= buildSyncerDeps(env(), logger);
  const d = deps;
  const syncer = createSyncer({
    store: d.store,
    runtimeFor: d.runtimeFor,
    owner: d.newOwner(context.awsRequestId),
    logger,
    metrics: syncMetricsOf(metrics),
    ...(overrides.settings ? { settings: overrides.settings } : {}),
    ...(overrides.crash ? { crash: overrides.crash } : {}),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });
  return sweepAll({
    tenants: d.store.tenants,
    ledger: d.store.ledger,
    runtimeFor: d.runtimeFor,
    flush: syncer.flush,
    shouldStop: () => context.getRemainingTimeInMillis() < SAFETY_MS,
    log: logger,
  });
}

export const sweepHandler = middy(run).use(injectLambdaContext(powertools)).use(logMetrics(metrics));
