import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { freshTable } from "../support/dynamo-client.js";
import { sendBodies } from "../support/sqs-local.js";

/**
 * End-to-end smoke through the local Lambda harness: DynamoDB Local + fauxqs + the event source
 * mapping, with a handler that writes each message once (conditional put) and fails some records —
 * some before writing, some after (a crash after the side effect) — on their first two deliveries.
 * Every message must land exactly once and nothing may reach the DLQ.
 */

type Fate = "ok" | "fail-before-write" | "fail-after-write";

/** Deterministic "random" fate per message and delivery, so the expected counts are exact. */
function fate(body: string, receiveCount: number): Fate {
  if (receiveCount > 2) return "ok";
  const roll = createHash("sha256").update(`${body}#${receiveCount}`).digest().readUInt32BE(0) / 2 ** 32;
  if (roll < 0.25) return "fail-before-write";
  if (roll < 0.4) return "fail-after-write";
  return "ok";
}

/** The trivial handler, with its dependencies passed in as a real handler module would build them. */
function writeEachMessage(deps: { doc: DynamoDBDocumentClient; tableName: string }) {
  const counters = { written: 0, duplicatesAbsorbed: 0 };
  const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const r of event.Records) {
      const f = fate(r.body, Number(r.attributes.ApproximateReceiveCount));
      if (f === "fail-before-write") {
        batchItemFailures.push({ itemIdentifier: r.messageId });
        continue;
      }
      try {
        await deps.doc.send(
          new PutCommand({
            TableName: deps.tableName,
            Item: { PK: `MSG#${r.body}`, SK: "MSG", body: r.body, firstMessageId: r.messageId },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
        counters.written += 1;
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
        counters.duplicatesAbsorbed += 1;
      }
      if (f === "fail-after-write") batchItemFailures.push({ itemIdentifier: r.messageId });
    }
    return { batchItemFailures };
  };
  return { handler, counters };
}

describe("local Lambda harness end to end (DynamoDB Local + SQS emulator)", () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs();
  });
  afterAll(async () => {
    await sqs?.stop();
  });

  it("lands every message exactly once while the handler fails some records, with nothing in the DLQ", async () => {
    const { doc, tableName } = await freshTable("harness");
    const queue = await sqs.createQueue("harness-work", {
      visibilityTimeoutS: 3,
      dlq: { maxReceiveCount: 5 },
    });
    const client = sqs.client();
    const bodies = Array.from({ length: 300 }, (_, i) => `item-${String(i).padStart(3, "0")}`);

    // What the fates imply: failures per message (attempts 1 and 2 may fail, 3 never does).
    let expectedFailures = 0;
    let expectedDuplicates = 0;
    for (const b of bodies) {
      let written = false;
      for (let attempt = 1; ; attempt++) {
        const f = fate(b, attempt);
        if (f !== "fail-before-write") {
          if (written) expectedDuplicates += 1;
          written = true;
        }
        if (f === "ok") break;
        expectedFailures += 1;
      }
    }
    expect(expectedFailures).toBeGreaterThan(0);
    expect(expectedDuplicates).toBeGreaterThan(0);

    await sendBodies(client, queue.url, bodies);
    const { handler, counters } = writeEachMessage({ doc, tableName });
    const mapping = eventSourceMapping({
      client,
      queueUrl: queue.url,
      handler,
      batchSize: 10,
      concurrency: 4,
      // No longer than the visibility timeout (the mapping refuses otherwise): a slow batch would reappear
      // while still running and be processed twice.
      functionTimeoutMs: 3_000,
      reportBatchItemFailures: true,
      function: { functionName: "harness-writer" },
    });
    await mapping.start();
    let stats: Awaited<ReturnType<typeof mapping.drain>>;
    try {
      stats = await mapping.drain({ idleMs: 300, timeoutMs: 120_000 });
    } finally {
      await mapping.stop();
    }

    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);

    expect(items.map((i) => i.body).sort()).toEqual(bodies);
    expect(counters).toEqual({ written: 300, duplicatesAbsorbed: expectedDuplicates });
    expect(stats).toMatchObject({
      deleted: 300,
      failedItems: expectedFailures,
      thrown: 0,
      timedOut: 0,
      invalidResponses: 0,
      deleteFailures: 0,
    });
    expect(stats.maxBatch).toBeLessThanOrEqual(10);
    expect(await sqs.depth(queue.url)).toMatchObject({ total: 0 });
    expect(await sqs.depth(queue.dlq!.url)).toMatchObject({ total: 0 });
  });
});
