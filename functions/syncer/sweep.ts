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
import { sweepTenant } from "../../lib/sync/sweep.js";
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
  let tenants = 0;
  let calls = 0;
  let failedTenants = 0;
  let cursor: string | undefined;
  do {
    const page = await d.store.tenants.listEnabled({ limit: 50, ...(cursor ? { cursor } : {}) });
    for (const tenant of page.tenants) {
      if (context.getRemainingTimeInMillis() < SAFETY_MS)
        return { tenants, calls, failedTenants, complete: false };
      try {
        const rt = await d.runtimeFor(tenant.tenantId);
        if (!rt) continue;
        const res = await sweepTenant({ ledger: d.store.ledger, flush: syncer.flush }, rt);
        calls += res.reduce((a, r) => a + r.calls, 0);
        tenants++;
      } catch (err) {
        failedTenants++;
        logger.error("sweep failed for tenant", { tenantId: tenant.tenantId, detail: String(err) });
      }
    }
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return { tenants, calls, failedTenants, complete: true };
}

export const sweepHandler = middy(run).use(injectLambdaContext(powertools)).use(logMetrics(metrics));
