/**
 * The exactly-once protocol end to end: the syncer and sweep Lambdas run as AWS
 * runs them (an SQS event source mapping over fauxqs with partial batch
 * failures and a DLQ; EventBridge-style scheduled invocations), on DynamoDB
 * Local, against the Ramp sandbox over HTTP and an ERP (the journal, or the
 * live Tryton). Time in the ledger is the harness's clock, shared by the
 * handlers, so a test can move it past a lease.
 *
 * The read-backs the protocol assertions need: ERP records per reference, every
 * sync call Ramp accepted, and each object's sync history in Ramp.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { makeHandler as makeSyncerHandler } from "../../functions/syncer/make-handler.js";
import { makeHandler as makeSweepHandler } from "../../functions/syncer/make-sweep.js";
import type { CrashHook, CrashPoint } from "../../lib/sync/crash-points.js";
import { InjectedCrash } from "../../lib/sync/crash-points.js";
import type { TenantRuntime, WorkItem } from "../../lib/sync/process-item.js";
import type { SweepAllResult } from "../../lib/sync/sweep.js";
import type { SyncerSettings } from "../../lib/sync/syncer.js";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import { invoke, type LambdaHandler } from "../../local/runtime/lambda-context.js";
import type { LocalQueue, LocalSqs } from "../../local/runtime/local-sqs.js";
import { invokeScheduled } from "../../local/runtime/scheduled-event.js";
import { asRecords, type Harness, TENANT } from "../integration/syncer-harness.js";
import { testObservability } from "../support/observability.js";
import { sendBodies } from "../support/sqs-local.js";

/** The syncer and sweep Lambdas of one test, built by `wire` with the harness's parts (a warm container's deps). */
export interface Lambdas {
  syncer: { handler: LambdaHandler<SQSEvent, SQSBatchResponse> };
  sweep: { handler: LambdaHandler<unknown, SweepAllResult> };
}

const unwired = async () => {
  throw new Error("wire() the Lambdas first");
};

/** Both Lambdas, to be wired to a harness by `wire` before they are invoked. */
export async function loadLambdas(): Promise<Lambdas> {
  return { syncer: { handler: unwired }, sweep: { handler: unwired } };
}

/** A crash hook that fires once, at one point (the worker "dies" there), then lets everything through. */
export function crashOnce(point: CrashPoint): CrashHook & { fired: number } {
  const hook = ((p: CrashPoint) => {
    if (p === point && hook.fired === 0) {
      hook.fired++;
      throw new InjectedCrash(p);
    }
  }) as unknown as CrashHook & { fired: number };
  hook.fired = 0;
  return hook;
}

export interface Wiring {
  rt?: () => Promise<TenantRuntime>;
  crash?: CrashHook;
  settings?: Partial<SyncerSettings>;
}

/** Hands the harness's store, tenant runtime and clock to both Lambdas (a warm container's deps). */
export async function wire(l: Lambdas, h: Harness, w: Wiring = {}): Promise<void> {
  const put = await h.store.tenants.put({ ...h.tenant, version: 0 });
  if (!put.ok) throw new Error(`tenant put failed: ${put.reason}`);
  let n = 0;
  const rt = w.rt ?? h.rt;
  const deps = {
    store: h.store,
    runtimeFor: async (id: string) => (id === TENANT ? rt() : null),
    newOwner: (requestId?: string) => `${requestId ?? "local"}:${++n}`,
  };
  const clock = () => h.clock.now;
  const o = {
    settings: { takeoverGraceMs: 0, ...w.settings },
    clock,
    ...(w.crash ? { crash: w.crash } : {}),
  };
  l.syncer.handler = makeSyncerHandler({ ...deps, ...o, obs: testObservability("syncer") });
  l.sweep.handler = makeSweepHandler({ ...deps, ...o, obs: testObservability("sync-sweep") });
}

export interface Queue {
  q: LocalQueue;
  client: SQSClient;
  /** Sends the bodies and runs the event source mapping until the queue is empty (processed or DLQ'd). */
  deliver(bodies: readonly string[]): Promise<void>;
}

/**
 * The work queue's timings. Short by default so a crashed batch comes back fast; an ERP whose
 * first write is slow (Tryton on a fresh database: > 2 s) needs a function timeout above it, or
 * the invocation is cut off mid-batch and keeps writing after the drain has returned.
 */
export interface WorkQueueTimings {
  visibilityTimeoutS: number;
  functionTimeoutMs: number;
}

export async function workQueue(
  sqs: LocalSqs,
  l: Lambdas,
  name: string,
  t: WorkQueueTimings = { visibilityTimeoutS: 2, functionTimeoutMs: 2_000 },
): Promise<Queue> {
  const q = await sqs.createQueue(`${name}-${Date.now()}`, {
    visibilityTimeoutS: t.visibilityTimeoutS,
    dlq: { maxReceiveCount: 5 },
  });
  const client = sqs.client();
  return {
    q,
    client,
    async deliver(bodies) {
      await sendBodies(client, q.url, bodies);
      const esm = eventSourceMapping({
        client,
        queueUrl: q.url,
        handler: l.syncer.handler as never,
        batchSize: 10,
        functionTimeoutMs: t.functionTimeoutMs,
        reportBatchItemFailures: true,
      });
      await esm.start();
      try {
        // Long enough for a batch's redeliveries up to the DLQ (5 receives) at the slowest timings.
        await esm.drain({
          timeoutMs: Math.max(60_000, 6 * (t.visibilityTimeoutS * 1_000 + t.functionTimeoutMs)),
        });
      } finally {
        await esm.stop();
      }
    },
  };
}

export const bodiesOf = (items: readonly WorkItem[]) => asRecords(items).map((r) => r.body);

/** The scheduled sweep, once. */
export const sweepOnce = (l: Lambdas) =>
  invokeScheduled(l.sweep.handler as never, {
    rule: "sync-sweep",
    time: new Date(),
    function: { timeoutMs: 60_000 },
  }) as Promise<{ tenants: number; calls: number; failedTenants: number; complete: boolean }>;

/** One direct invocation of the syncer Lambda with an SQS event of these bodies (as one delivery). */
export function invokeSyncer(l: Lambdas, bodies: readonly string[], receiveCount = 1) {
  const event: SQSEvent = {
    Records: bodies.map((body, i) => ({
      messageId: `direct-${receiveCount}-${i}`,
      receiptHandle: `rh-${receiveCount}-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: "local",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:work",
      awsRegion: "us-east-1",
    })),
  };
  return invoke(l.syncer.handler as never, event, { timeoutMs: 60_000 }) as Promise<{
    batchItemFailures: Array<{ itemIdentifier: string }>;
  }>;
}

/**
 * What exactly-once means for these objects, checked against the ERP and Ramp:
 * one ERP record under each reference (unless `noRecord`), the ledger MARKED
 * with that record, Ramp showing it synced with that reference, one "synced"
 * event in the object's Ramp history, and one appearance across every sync call.
 */
export async function expectExactlyOnce(
  h: Harness,
  items: readonly WorkItem[],
  expect: typeof import("vitest").expect,
  refCount: (kind: string, rampId: string) => Promise<number>,
): Promise<void> {
  const calls = await h.syncCalls();
  const told = new Map<string, number>();
  for (const c of calls) for (const id of c.successful) told.set(id, (told.get(id) ?? 0) + 1);
  for (const it of items) {
    const what = `${it.kind} ${it.rampId}`;
    const row = await h.store.ledger.get(TENANT, it.kind, it.rampId);
    expect(row?.state, `${what}: ${row?.message ?? ""}`).toBe("MARKED");
    expect(await refCount(it.kind, it.rampId), `${what}: ERP records under its reference`).toBe(1);
    const o = (await h.object(it.rampId)) as Awaited<ReturnType<Harness["object"]>> & {
      sync: { history: Array<{ event: string }> };
    };
    expect(o.sync.status, what).toBe("SYNCED");
    expect(o.sync.reference_id, what).toBe(row?.erpRef);
    expect(o.sync.history.filter((e) => e.event === "synced").length, `${what}: synced events`).toBe(1);
    expect(told.get(it.rampId), `${what}: sync calls naming it`).toBe(1);
  }
}
