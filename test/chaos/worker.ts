/**
 * One chaos worker process: the real syncer and sweep Lambdas, wired as in
 * production (functions/syncer/deps.ts builds the store, Ramp clients and ERP
 * adapters from the environment, as the Lambda entries do: DynamoDB Local, Secrets Manager stand-in),
 * consuming the work queue through the local event source mapping and sweeping
 * every second, with lease, takeover grace and report lock compressed.
 *
 * Armed with a window (a protocol step boundary, lib/sync/crash-points.ts, or a
 * point inside an ERP write, lib/erp/crash-points.ts), the worker lets `skip`
 * passes through, then at the next one tells the harness on fd 3 and freezes the
 * whole process (Atomics.wait: no timer, no in-flight answer runs again) until
 * the harness SIGKILLs it. Unarmed, it drains: it exits once the queue stayed
 * empty and a sweep found nothing more to report.
 */
import { writeSync } from "node:fs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { z } from "zod";

const Config = z.object({
  env: z.record(z.string(), z.string()),
  queueUrl: z.string(),
  arm: z.object({ window: z.string(), skip: z.number().int().min(0) }).nullable(),
  settings: z.object({
    leaseMs: z.number(),
    takeoverGraceMs: z.number(),
    lockLeaseMs: z.number(),
  }),
  functionTimeoutMs: z.number(),
  batchSize: z.number(),
  concurrency: z.number(),
  maxBatchingWindowMs: z.number(),
  sweepEveryMs: z.number(),
});
const cfg = Config.parse(JSON.parse(process.env.CHAOS_WORKER ?? "{}"));
Object.assign(process.env, cfg.env);

const tell = (msg: Record<string, unknown>) => writeSync(3, `${JSON.stringify(msg)}\n`);
const frozen = new Int32Array(new SharedArrayBuffer(4));
let passes = 0;
/** The armed window: tell the harness, then freeze for good (the SIGKILL lands here). */
function at(point: string, ids: readonly string[]) {
  if (!cfg.arm || point !== cfg.arm.window) return;
  if (passes++ < cfg.arm.skip) return;
  tell({ event: "window", point, ids });
  for (;;) Atomics.wait(frozen, 0, 0);
}

const { FUNCTIONS } = await import("../../infra/functions.js");
const { fromEnvironment } = await import("../../lib/runtime/handler-parts.js");
const { syncerDeps } = await import("../../functions/syncer/deps.js");
const syncer = await import("../../functions/syncer/make-handler.js");
const sweep = await import("../../functions/syncer/make-sweep.js");
const { eventSourceMapping } = await import("../../local/runtime/event-source-mapping.js");
const { invokeScheduled } = await import("../../local/runtime/scheduled-event.js");
const { localSqsClientConfig } = await import("../../local/runtime/local-sqs.js");

// Production wiring (the Lambda entries' `makeHandler(syncerDeps(fromEnvironment(…)))`) plus the armed hooks.
const extras = {
  erpCrash: (point: string, info: { refs: readonly string[] }) => at(point, info.refs),
  settings: {
    ...cfg.settings,
    // Reports go out at the end of each batch, so the report windows are reached in the syncer too.
    flush: { maxItems: 5_000, maxAgeMs: 0, buttonMaxItems: 100, buttonMaxAgeMs: 0 },
  },
  crash: (point: string, info: { ids: string[] }) => at(point, info.ids),
};
// One set of dependencies for both, as before: one tenant runtime (one ERP session, one coding read) per
// child, so each short-lived worker reaches its armed window as soon as it did with configureSyncer/Sweep.
const deps = syncerDeps(fromEnvironment(FUNCTIONS.syncer), extras);
const syncerHandler = syncer.makeHandler(deps);
const sweepHandler = sweep.makeHandler(deps);

const client = new SQSClient(localSqsClientConfig(process.env.AWS_ENDPOINT_URL_SQS ?? ""));
const esm = eventSourceMapping({
  client,
  queueUrl: cfg.queueUrl,
  handler: syncerHandler as never,
  batchSize: cfg.batchSize,
  concurrency: cfg.concurrency,
  maxBatchingWindowMs: cfg.maxBatchingWindowMs,
  functionTimeoutMs: cfg.functionTimeoutMs,
  reportBatchItemFailures: true,
  pollWaitS: 1,
});
const sweepOnce = () =>
  invokeScheduled(sweepHandler as never, {
    rule: "sync-sweep",
    time: new Date(),
    function: { timeoutMs: 60_000 },
  }) as Promise<{ calls: number; complete: boolean }>;

await esm.start();
tell({ event: "ready" });
let sweeping = true;
void (async () => {
  while (sweeping) {
    await sweepOnce().catch((err: unknown) => tell({ event: "sweep-error", error: String(err) }));
    await new Promise((r) => setTimeout(r, cfg.sweepEveryMs));
  }
})();

if (!cfg.arm) {
  // Drain: the queue empty (nothing in flight either) for a while, then sweeps until one reports nothing.
  await esm.drain({ idleMs: 1_500, timeoutMs: 240_000 });
  sweeping = false;
  for (let i = 0; i < 5; i++) if ((await sweepOnce()).calls === 0) break;
  await esm.stop();
  tell({ event: "drained", stats: esm.stats });
  process.exit(0);
}
