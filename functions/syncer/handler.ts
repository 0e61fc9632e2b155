/**
 * Syncer Lambda (SQS work and priority queues): thin. The whole batch goes
 * through lib/sync (so ERP writes can be batched and reports gathered), then
 * Powertools' BatchProcessor turns each record's disposition into the partial
 * batch response: `retry` and `poison` records are failed (SQS redelivers them
 * after the visibility timeout; a poison message lands in the DLQ after
 * maxReceiveCount, with a log line naming it), everything else is acked.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { envOnce, SyncerEnvSchema } from "../../lib/config/env.js";
import { createLogger, createMetrics, rampLoggerOf } from "../../lib/runtime/observability.js";
import type { CrashHook } from "../../lib/sync/crash-points.js";
import { createSyncer, type MessageResult, type SyncerSettings } from "../../lib/sync/syncer.js";
import { buildSyncerDeps, type SyncerRuntimeDeps } from "./deps.js";
import { syncMetricsOf } from "./observability.js";

const powertools = createLogger("syncer");
const logger = rampLoggerOf(powertools);
const metrics = createMetrics("syncer");
const env = envOnce(SyncerEnvSchema);
let deps: SyncerRuntimeDeps | undefined;
/** What tests and the local runtime may set besides the dependencies. */
export interface SyncerOverrides {
  settings?: Partial<SyncerSettings>;
  crash?: CrashHook;
  /** The clock leases and flush ages are measured with (the store's, in tests that move time). */
  clock?: () => number;
}
let overrides: SyncerOverrides = {};

/** Tests and the local runtime hand in their own dependencies (and settings / crash hook / clock). */
export function configureSyncer(d: SyncerRuntimeDeps | undefined, o: SyncerOverrides = {}): void {
  deps = d;
  overrides = o;
}

/** Thrown for a record SQS must see as failed; the message says why. */
export class RecordNotDone extends Error {
  override name = "RecordNotDone";
}

async function run(event: SQSEvent, context: Pick<Context, "awsRequestId">) {
  // Configured deps (tests, local runtime) bring their settings; otherwise the environment decides the lease.
  const leaseMs = deps ? undefined : env().LEASE_MS;
  deps ??= buildSyncerDeps(env(), logger);
  const syncer = createSyncer({
    store: deps.store,
    runtimeFor: deps.runtimeFor,
    owner: deps.newOwner(context.awsRequestId),
    logger,
    metrics: syncMetricsOf(metrics),
    settings: { ...(leaseMs ? { leaseMs } : {}), ...overrides.settings },
    ...(overrides.crash ? { crash: overrides.crash } : {}),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });
  const { results } = await syncer.processMessages(
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
  );
  const byId = new Map<string, MessageResult>(results.map((r) => [r.messageId, r]));
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const r = byId.get(record.messageId);
      if (!r) throw new RecordNotDone("record not processed");
      if (r.disposition === "poison") throw new RecordNotDone(`poison message: ${r.error ?? "invalid"}`);
      if (r.disposition === "retry") {
        const why = r.outcome?.status === "retry" ? r.outcome.reason : "transient failure";
        throw new RecordNotDone(`retry later: ${why}`);
      }
    },
    processor,
    // Every record failing is an ordinary outcome here (e.g. the ERP is down): answer, don't throw.
    { throwOnFullBatchFailure: false },
  );
}

export const handler = middy(run).use(injectLambdaContext(powertools)).use(logMetrics(metrics));
