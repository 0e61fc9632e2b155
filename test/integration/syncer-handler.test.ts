/**
 * The syncer and sweep Lambdas as AWS runs them, through the local harness: an
 * SQS event source mapping over fauxqs (batches, partial batch failures,
 * visibility timeout, redrive to the DLQ) invoking functions/syncer/handler.ts,
 * and an EventBridge schedule invoking functions/syncer/sweep.ts — against the
 * Ramp sandbox over HTTP, DynamoDB Local and the journal ERP.
 *
 * - a malformed (poison) message is failed on every delivery, lands in the DLQ
 *   after maxReceiveCount with a log line naming it, while the rest of its
 *   batch syncs;
 * - an ERP outage fails items transiently: SQS redelivers them after the
 *   visibility timeout, on the Nth attempt they are reported to Ramp as
 *   transient ("We'll retry shortly") and acked; once the ERP is back the next
 *   cycle syncs them.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Context, SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { makeHandler as makeSyncerHandler } from "../../functions/syncer/make-handler.js";
import { makeHandler as makeSweepHandler } from "../../functions/syncer/make-sweep.js";
import { externalRef } from "../../lib/domain/kinds.js";
import { type ErpPort, transientError } from "../../lib/erp/port.js";
import type { TenantRuntime } from "../../lib/sync/process-item.js";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { invokeScheduled } from "../../local/runtime/scheduled-event.js";
import { testObservability } from "../support/observability.js";
import { sendBodies } from "../support/sqs-local.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let sqs: LocalSqs;
let handler: ReturnType<typeof makeSyncerHandler>;
let sweepHandler: ReturnType<typeof makeSweepHandler>;
let h: Harness;

beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(async () => {
  await sqs?.stop();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
});

/**
 * Captures the Lambdas' log lines as Powertools would print them (its JSON, with the
 * redacting replacer) instead of printing them.
 */
function captureLogs(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  type Printer = {
    getJsonReplacer(): (key: string, value: unknown) => unknown;
  };
  type Item = { prepareForPrint(): void; getAttributes(): Record<string, unknown> };
  vi.spyOn(
    Logger.prototype as unknown as { printLog: (level: number, log: Item) => void },
    "printLog",
  ).mockImplementation(function (this: Printer, _level: number, log: Item) {
    log.prepareForPrint();
    lines.push(
      JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as Record<string, unknown>,
    );
  });
  return lines;
}

/** Hands the harness's store and tenant runtime to both Lambdas, as a warm container would hold them. */
async function wire(rt: () => Promise<TenantRuntime>) {
  // The sweep walks the enabled tenants of the store.
  const put = await h.store.tenants.put({ ...h.tenant, version: 0 });
  if (!put.ok) throw new Error("tenant put failed");
  let n = 0;
  const deps = {
    store: h.store,
    runtimeFor: async (id: string) => (id === TENANT ? rt() : null),
    newOwner: (requestId?: string) => `${requestId ?? "local"}:${++n}`,
  };
  handler = makeSyncerHandler({
    ...deps,
    obs: testObservability("syncer", "INFO"),
    settings: { takeoverGraceMs: 0 },
  });
  sweepHandler = makeSweepHandler({ ...deps, obs: testObservability("sync-sweep", "INFO") });
}

const sweep = () =>
  invokeScheduled(sweepHandler as never, {
    rule: "sync-sweep",
    time: new Date(),
    function: { timeoutMs: 30_000 },
  });

/** The handler, counting each message's deliveries (SQS's ApproximateReceiveCount). */
function counting(receives: Map<string, number>) {
  return async (event: SQSEvent, context: Context) => {
    for (const r of event.Records) receives.set(r.body, Number(r.attributes.ApproximateReceiveCount));
    return handler(event, context);
  };
}

describe("syncer Lambda through the SQS event source mapping", () => {
  it("sends a poison message to the DLQ after maxReceiveCount with a clear log line while the rest of the batch syncs", async () => {
    h = await syncerHarness({
      transactions: 5,
      reimbursements: 2,
      transfers: 1,
      cashbacks: 1,
      vendorlessShare: 0,
    });
    h.clock.now = Date.now();
    await wire(h.rt);
    const logs = captureLogs();
    const items = await h.ready();
    const good = asRecords(items).map((r) => r.body);
    const poison = [
      '{"v":1,"tenantId":"acme","kind":"invoice"',
      JSON.stringify({ v: 1, tenantId: TENANT, kind: "transaction" }),
    ];
    const q = await sqs.createQueue(`syncer-poison-${Date.now()}`, {
      visibilityTimeoutS: 2,
      dlq: { maxReceiveCount: 2 },
    });
    const client = sqs.client();
    // Poison in the middle of the batch: everything else must still go through.
    await sendBodies(client, q.url, [...good.slice(0, 4), ...poison, ...good.slice(4)]);
    const receives = new Map<string, number>();
    const esm = eventSourceMapping({
      client,
      queueUrl: q.url,
      handler: counting(receives) as never,
      batchSize: 10,
      functionTimeoutMs: 2_000,
      reportBatchItemFailures: true,
    });
    await esm.start();
    const stats = await esm.drain({ timeoutMs: 30_000 });
    await esm.stop();

    // Only the poison bodies reached the DLQ, each after maxReceiveCount deliveries.
    const dlq = await client.send(
      new ReceiveMessageCommand({ QueueUrl: q.dlq?.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect((dlq.Messages ?? []).map((m) => m.Body).sort()).toEqual([...poison].sort());
    for (const p of poison) expect(receives.get(p)).toBe(2);
    for (const g of good) expect(receives.get(g), "good messages are acked on their first delivery").toBe(1);
    expect(stats.thrown).toBe(0);
    expect(stats.failedItems).toBe(2 * poison.length);

    const poisonLines = logs.filter((l) => String(l.message).startsWith("poison work message"));
    expect(poisonLines.length).toBe(2 * poison.length);
    expect(poisonLines.every((l) => l.level === "ERROR" && typeof l.messageId === "string")).toBe(true);
    expect(poisonLines.map((l) => String(l.problem))).toContain("work message is not JSON");
    expect(poisonLines.some((l) => /rampId/.test(String(l.problem)))).toBe(true);

    const swept = await sweep();
    expect(swept).toMatchObject({ tenants: 1, complete: true, failedTenants: 0 });
    const refs = await h.journalRefs();
    for (const it of items) {
      expect((await h.store.ledger.get(TENANT, it.kind, it.rampId))?.state).toBe("MARKED");
      expect((await h.object(it.rampId)).sync.status).toBe("SYNCED");
      expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
    }
  });

  it("retries an ERP outage through the visibility timeout, reports it transient after N attempts, and syncs on the next cycle", async () => {
    h = await syncerHarness({
      transactions: 3,
      reimbursements: 1,
      transfers: 0,
      cashbacks: 0,
      vendorlessShare: 0,
    });
    h.clock.now = Date.now();
    let down = true;
    const posts = { attempts: 0 };
    const flaky: ErpPort = Object.create(h.erp);
    flaky.postBatch = async (p) => {
      posts.attempts++;
      if (down) throw transientError("UNAVAILABLE", "ERP unavailable");
      return h.erp.postBatch(p);
    };
    flaky.post = async (p) => {
      posts.attempts++;
      if (down) throw transientError("UNAVAILABLE", "ERP unavailable");
      return h.erp.post(p);
    };
    await wire(async () => ({ ...(await h.rt()), erp: flaky }));
    captureLogs();
    const items = await h.ready();
    const bodies = asRecords(items).map((r) => r.body);
    const q = await sqs.createQueue(`syncer-outage-${Date.now()}`, {
      visibilityTimeoutS: 2,
      dlq: { maxReceiveCount: 5 },
    });
    const client = sqs.client();
    await sendBodies(client, q.url, bodies);
    const receives = new Map<string, number>();
    const esm = eventSourceMapping({
      client,
      queueUrl: q.url,
      handler: counting(receives) as never,
      functionTimeoutMs: 2_000,
      reportBatchItemFailures: true,
    });
    await esm.start();
    await esm.drain({ timeoutMs: 30_000 });
    await esm.stop();

    // N = 3 (the tenant default): two redeliveries, then reported and acked; nothing in the DLQ.
    const n = h.tenant.sync.transientAttemptsBeforeReport;
    for (const b of bodies) expect(receives.get(b)).toBe(n);
    expect((await sqs.depth(q.dlq?.url as string)).total).toBe(0);
    expect(posts.attempts).toBeGreaterThanOrEqual(n);
    expect(await sweep()).toMatchObject({ tenants: 1, calls: 1 });
    for (const it of items) {
      const row = await h.store.ledger.get(TENANT, it.kind, it.rampId);
      expect(row).toMatchObject({ state: "FAILED", category: "transient", told: true, attempts: n });
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNC_READY");
      expect(o.sync.last_error).toBe("ERP unavailable. We'll retry shortly.");
    }
    expect((await h.journalRefs()).size).toBe(0);

    // The ERP is back; the next poll cycle enqueues the FAILED rows again.
    down = false;
    receives.clear();
    await sendBodies(client, q.url, bodies);
    const again = eventSourceMapping({
      client,
      queueUrl: q.url,
      handler: counting(receives) as never,
      functionTimeoutMs: 2_000,
      reportBatchItemFailures: true,
    });
    await again.start();
    await again.drain({ timeoutMs: 30_000 });
    await again.stop();
    for (const b of bodies) expect(receives.get(b)).toBe(1);
    await sweep();
    const refs = await h.journalRefs();
    for (const it of items) {
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNCED");
      expect(o.sync.last_error).toBeNull();
      expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
    }
  });
});
