import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  type EventSourceMappingOptions,
  eventSourceMapping,
  type MappingStats,
} from "../../local/runtime/event-source-mapping.js";
import { receiveAllVisible, sendBodies, useLocalSqs } from "../support/sqs-local.js";

/**
 * The event source mapping over fauxqs (real SDK over HTTP). Queues use a 1 s visibility timeout so
 * redeliveries happen within seconds; nothing here asserts on durations. Each test has its own queue,
 * so they run concurrently.
 */
describe.concurrent("event source mapping over the SQS emulator", () => {
  const sqs = useLocalSqs();
  let n = 0;
  const queueName = () => `esm-${++n}`;

  /** Starts a mapping, waits until its queue is drained, stops it. */
  async function drainWith(options: EventSourceMappingOptions): Promise<MappingStats> {
    const mapping = eventSourceMapping(options);
    await mapping.start();
    try {
      return await mapping.drain();
    } finally {
      await mapping.stop();
    }
  }

  /** Every record seen, in order, with the receive count it carried. */
  function recorder() {
    const seen: { body: string; count: number; batch: number }[] = [];
    let batch = 0;
    return {
      seen,
      note(event: SQSEvent) {
        batch += 1;
        for (const r of event.Records) {
          seen.push({ body: r.body, count: Number(r.attributes.ApproximateReceiveCount), batch });
        }
      },
      attempts: (body: string) => seen.filter((s) => s.body === body).map((s) => s.count),
    };
  }
  const fail = (records: SQSRecord[]) => ({
    batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })),
  });

  it("hands the handler at most batchSize records and deletes every record of a successful batch", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1 });
    const client = sqs().client();
    const bodies = Array.from({ length: 25 }, (_, i) => `m${i}`);
    await sendBodies(client, q.url, bodies);
    const sizes: number[] = [];
    const rec = recorder();
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 4,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        rec.note(event);
        sizes.push(event.Records.length);
      },
    });
    expect(Math.max(...sizes)).toBe(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(rec.seen.map((s) => s.body).sort()).toEqual([...bodies].sort());
    expect(rec.seen.every((s) => s.count === 1)).toBe(true);
    expect(stats).toMatchObject({ received: 25, deleted: 25, failedItems: 0, thrown: 0, maxBatch: 4 });
    expect(await sqs().depth(q.url)).toMatchObject({ total: 0 });
  });

  it("redelivers only the records listed in batchItemFailures, and they succeed later", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1, dlq: { maxReceiveCount: 5 } });
    const client = sqs().client();
    const bodies = Array.from({ length: 10 }, (_, i) => `p${i}`);
    await sendBodies(client, q.url, bodies);
    const flaky = new Set(["p1", "p4", "p7"]);
    const rec = recorder();
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        rec.note(event);
        // Fail the flaky records on their first delivery only.
        return fail(
          event.Records.filter((r) => flaky.has(r.body) && r.attributes.ApproximateReceiveCount === "1"),
        );
      },
    });
    for (const b of bodies) expect(rec.attempts(b), b).toEqual(flaky.has(b) ? [1, 2] : [1]);
    expect(stats).toMatchObject({ deleted: 10, failedItems: 3, thrown: 0, invalidResponses: 0 });
    expect(await sqs().depth(q.dlq!.url)).toMatchObject({ total: 0 });
  });

  it("moves a record that always fails to the DLQ after maxReceiveCount receives; the rest are deleted", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1, dlq: { maxReceiveCount: 3 } });
    const client = sqs().client();
    await sendBodies(client, q.url, ["ok-1", "poison", "ok-2"]);
    const rec = recorder();
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        rec.note(event);
        return fail(event.Records.filter((r) => r.body === "poison"));
      },
    });
    expect(rec.attempts("poison")).toEqual([1, 2, 3]);
    expect(rec.attempts("ok-1")).toEqual([1]);
    expect(stats).toMatchObject({ deleted: 2, failedItems: 3 });
    const inDlq = await receiveAllVisible(client, q.dlq!.url);
    expect(inDlq.map((m) => m.Body)).toEqual(["poison"]);
    expect(await sqs().depth(q.url)).toMatchObject({ total: 0 });
  });

  it("a handler that throws keeps the whole batch: every record comes back and is deleted on success", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1, dlq: { maxReceiveCount: 5 } });
    const client = sqs().client();
    await sendBodies(client, q.url, ["t1", "t2", "t3"]);
    const rec = recorder();
    let calls = 0;
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        rec.note(event);
        calls += 1;
        if (calls === 1) throw new Error("boom");
      },
    });
    const firstBatch = rec.seen.filter((s) => s.batch === 1);
    expect(firstBatch.map((s) => s.body).sort()).toEqual(["t1", "t2", "t3"]);
    for (const b of ["t1", "t2", "t3"]) expect(rec.attempts(b)).toEqual([1, 2]);
    expect(stats).toMatchObject({ thrown: 1, deleted: 3, failedItems: 0 });
  });

  it("a handler that outlives the function timeout keeps the whole batch (and its late answer is ignored)", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1, dlq: { maxReceiveCount: 5 } });
    const client = sqs().client();
    await sendBodies(client, q.url, ["slow"]);
    const rec = recorder();
    const context: number[] = [];
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 1,
      functionTimeoutMs: 300,
      reportBatchItemFailures: true,
      handler: async (event, ctx) => {
        rec.note(event);
        context.push(ctx.getRemainingTimeInMillis());
        if (event.Records[0]?.attributes.ApproximateReceiveCount === "1") {
          await new Promise((r) => setTimeout(r, 600));
        }
      },
    });
    expect(rec.attempts("slow")).toEqual([1, 2]);
    expect(stats).toMatchObject({ timedOut: 1, deleted: 1 });
    for (const left of context) expect(left).toBeLessThanOrEqual(300);
  });

  it("an answer naming an unknown message id fails the whole batch, as Lambda does", async ({ expect }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1, dlq: { maxReceiveCount: 5 } });
    const client = sqs().client();
    await sendBodies(client, q.url, ["v1", "v2"]);
    const rec = recorder();
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        rec.note(event);
        if (event.Records[0]?.attributes.ApproximateReceiveCount === "1") {
          return { batchItemFailures: [{ itemIdentifier: "not-in-this-batch" }] };
        }
        return { batchItemFailures: [] };
      },
    });
    expect(rec.attempts("v1")).toEqual([1, 2]);
    expect(rec.attempts("v2")).toEqual([1, 2]);
    expect(stats).toMatchObject({ invalidResponses: 1, deleted: 2 });
  });

  it("keeps a message invisible to other consumers while its invocation runs", async ({ expect }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 5 });
    const client = sqs().client();
    const other = sqs().client();
    await sendBodies(client, q.url, ["held"]);
    const during: { othersGot: number; inFlight: number; visible: number }[] = [];
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 1,
      functionTimeoutMs: 3_000,
      reportBatchItemFailures: true,
      handler: async () => {
        const got = await other.send(
          new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const depth = await sqs().depth(q.url);
        during.push({
          othersGot: got.Messages?.length ?? 0,
          inFlight: depth.inFlight,
          visible: depth.visible,
        });
      },
    });
    expect(during).toEqual([{ othersGot: 0, inFlight: 1, visible: 0 }]);
    expect(stats).toMatchObject({ invocations: 1, deleted: 1 });
  });

  it("runs up to `concurrency` batches at once", async ({ expect }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 5 });
    const client = sqs().client();
    await sendBodies(client, q.url, ["c1", "c2", "c3"]);
    let running = 0;
    let peak = 0;
    let release: () => void = () => {};
    const allIn = new Promise<void>((r) => {
      release = r;
    });
    const stats = await drainWith({
      client,
      queueUrl: q.url,
      batchSize: 1,
      concurrency: 3,
      functionTimeoutMs: 4_000,
      reportBatchItemFailures: true,
      handler: async () => {
        running += 1;
        peak = Math.max(peak, running);
        if (running === 3) release();
        // Each invocation waits for all three to be inside: impossible with fewer than 3 pollers.
        await allIn;
        running -= 1;
      },
    });
    expect(peak).toBe(3);
    // The mapping's own count of invocations at once is what the handler saw.
    expect(stats).toMatchObject({ invocations: 3, deleted: 3, timedOut: 0, maxInFlight: 3 });
  });

  it("with a batching window, gathers messages that arrive after the first one into the same batch", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 10 });
    const client = sqs().client();
    await sendBodies(client, q.url, ["w1"]);
    const batches: string[][] = [];
    const mapping = eventSourceMapping({
      client,
      queueUrl: q.url,
      batchSize: 2,
      // Long enough that the second send below always lands inside it; the batch closes when full.
      maxBatchingWindowMs: 10_000,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.body));
      },
    });
    await mapping.start();
    try {
      // Once w1 is in flight the mapping is inside its window; only then send w2.
      while ((await sqs().depth(q.url)).inFlight === 0) await new Promise((r) => setTimeout(r, 10));
      await sendBodies(client, q.url, ["w2"]);
      await mapping.drain();
    } finally {
      await mapping.stop();
    }
    expect(batches).toEqual([["w1", "w2"]]);
  });

  it("refuses to start when the queue's visibility timeout is shorter than the function timeout", async ({
    expect,
  }) => {
    const q = await sqs().createQueue(queueName(), { visibilityTimeoutS: 1 });
    const mapping = eventSourceMapping({
      client: sqs().client(),
      queueUrl: q.url,
      functionTimeoutMs: 1_500,
      reportBatchItemFailures: true,
      handler: () => undefined,
    });
    await expect(mapping.start()).rejects.toThrow(
      /visibility timeout \(1 s\) is less than the function timeout/,
    );
  });

  it("refuses a batch size SQS cannot deliver", () => {
    const client = sqs().client();
    const make = (batchSize: number) => () =>
      eventSourceMapping({
        client,
        queueUrl: "http://x/000000000000/q",
        batchSize,
        functionTimeoutMs: 1_000,
        reportBatchItemFailures: true,
        handler: () => undefined,
      });
    expect(make(11)).toThrow(RangeError);
    expect(make(0)).toThrow(RangeError);
  });
});
