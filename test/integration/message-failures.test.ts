/**
 * Every SQS consumer writes down why it failed a record (message id → last
 * error, lib/store/message-failures.ts) through the one batch processor
 * (lib/runtime/handler-stack.ts `sqsPartialBatch`), against DynamoDB Local:
 * the syncer, the poll job and coa-push, each built with `makeHandler`. The
 * error is one redacted line — a registered secret, a bearer token or a card
 * number in the failure's text never reaches the record — and a table that
 * refuses the write leaves the batch's answer as it was.
 */
import type { Message } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { makeHandler as makeCoaPush } from "../../functions/coa-push/make-handler.js";
import { makeHandler as makePollJob } from "../../functions/poller/make-job.js";
import { makeHandler as makeSyncer } from "../../functions/syncer/make-handler.js";
import { clearRegisteredSecrets, registerSecret } from "../../lib/domain/redact.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { MESSAGE_FAILURE_TTL_MS } from "../../lib/store/message-failures.js";
import { createLambdaContext } from "../../local/runtime/lambda-context.js";
import { sqsEvent } from "../../local/runtime/sqs-event.js";
import { freshTable } from "../support/dynamo-client.js";
import { testObservability } from "../support/observability.js";

const arnOf = (queue: string) => `arn:aws:sqs:us-east-1:000000000000:${queue}`;

function eventOf(queue: string, bodies: Record<string, string>, receiveCount = "3") {
  const messages: Message[] = Object.entries(bodies).map(([id, body]) => ({
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: body,
    Attributes: { ApproximateReceiveCount: receiveCount, SentTimestamp: String(Date.now()) },
  }));
  return sqsEvent(messages, { arn: arnOf(queue) });
}

async function freshStore(): Promise<Store> {
  const { doc, tableName } = await freshTable("msgfail");
  return createStore({ doc, tableName });
}

const workBody = (tenantId: string, rampId: string) =>
  JSON.stringify({
    v: 1,
    tenantId,
    kind: "transaction",
    rampId,
    source: "poll",
    enqueuedAt: new Date().toISOString(),
  });

function syncerWith(
  store: Store,
  runtimeFor: (tenantId: string) => Promise<null>,
  failures = store.messageFailures,
) {
  return makeSyncer({
    obs: testObservability("syncer"),
    store,
    runtimeFor,
    newOwner: () => "test-owner",
    failures,
  });
}

afterEach(() => clearRegisteredSecrets());

describe("consumers record why they failed a message", () => {
  it("the syncer records a poison body and a transient failure per message id, with queue, function and receive count; acked messages leave no record", async () => {
    const store = await freshStore();
    // An unknown tenant's work is dropped (acked); acme's books cannot be read (retried).
    const handler = syncerWith(store, async (tenantId) => {
      if (tenantId === "ghost") return null;
      throw new Error("journal books.journal unreadable");
    });
    const before = Date.now();
    const answer = await handler(
      eventOf("work", {
        "m-poison": '{"v":1,"tenantId":"acme"',
        "m-retry": workBody("acme", "txn-1"),
        "m-acked": workBody("ghost", "txn-9"),
      }),
      createLambdaContext({ functionName: "syncer" }),
    );
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m-poison", "m-retry"]);

    const got = await store.messageFailures.getMany(["m-poison", "m-retry", "m-acked"]);
    expect([...got.keys()].sort()).toEqual(["m-poison", "m-retry"]);
    expect(got.get("m-poison")).toMatchObject({
      messageId: "m-poison",
      functionName: "syncer",
      queue: "work",
      receiveCount: 3,
      error: "RecordNotDone: poison message: work message is not JSON",
    });
    expect(got.get("m-retry")?.error).toMatch(
      /^RecordNotDone: retry later: tenant runtime unavailable: .*journal books\.journal unreadable/,
    );
    expect(got.get("m-retry")?.at).toBeGreaterThanOrEqual(before);
  });

  it("keeps secrets, bearer tokens and card numbers out of the record, on one line", async () => {
    const store = await freshStore();
    const secret = "s3cr3t-Tryton-passw0rd";
    registerSecret(secret);
    const card = "4111 1111 1111 1111";
    const handler = syncerWith(store, async () => {
      throw new Error(
        `ERP echoed our login {"password":"${secret}"}\nAuthorization: Bearer eyJhbGciOi.abc.def\nmemo: card ${card}`,
      );
    });
    await handler(eventOf("priority", { "m-leak": workBody("acme", "txn-2") }), createLambdaContext());
    const row = (await store.messageFailures.getMany(["m-leak"])).get("m-leak");
    expect(row?.queue).toBe("priority");
    const text = JSON.stringify(row);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("eyJhbGciOi");
    expect(text).not.toContain(card);
    expect(text).not.toContain("4111111111111111");
    expect(row?.error).toContain("[redacted]");
    expect(row?.error).toContain("[card redacted]");
    expect(row?.error).not.toMatch(/\n/);
  });

  it("the poll job and coa-push record through the same batch processor", async () => {
    const store = await freshStore();
    const pollJob = makePollJob({
      obs: testObservability("poller-job"),
      store,
      rampFor: () => {
        throw new Error("no Ramp in this test");
      },
      sendWork: async () => undefined,
      sendPollJobs: async () => {},
      sendButtonJobs: async () => {},
      settings: { jitterMaxSeconds: 0, dueToleranceMs: 0, reserveMs: 0, pageSize: 10 },
      failures: store.messageFailures,
    });
    const jobAnswer = await pollJob(
      eventOf("poll-jobs", { "j-bad": JSON.stringify({ v: 1, type: "poll" }) }, "1"),
      createLambdaContext({ functionName: "poller-job" }),
    );
    expect(jobAnswer.batchItemFailures).toEqual([{ itemIdentifier: "j-bad" }]);

    const coaPush = makeCoaPush({
      obs: testObservability("coa-push"),
      push: {
        tenants: store.tenants,
        snapshots: store.coaSnapshots,
        logger: testObservability("coa-push").log,
        rampFor: () => {
          throw new Error("unused");
        },
        erpFor: async () => {
          throw new Error("unused");
        },
      },
      scheduleWindowMs: 0,
      failures: store.messageFailures,
    });
    await coaPush(
      eventOf("coa-requests", { "c-unknown": JSON.stringify({ tenantId: "nobody" }) }, "2"),
      createLambdaContext({ functionName: "coa-push", timeoutMs: 60_000 }),
    );

    const got = await store.messageFailures.getMany(["j-bad", "c-unknown"]);
    expect(got.get("j-bad")).toMatchObject({
      functionName: "poller-job",
      queue: "poll-jobs",
      receiveCount: 1,
    });
    expect(got.get("j-bad")?.error).toMatch(/^RecordNotDone: malformed job: /);
    expect(got.get("c-unknown")).toMatchObject({
      functionName: "coa-push",
      queue: "coa-requests",
      receiveCount: 2,
    });
    expect(got.get("c-unknown")?.error).toContain("nobody");
  });

  it("a table that refuses the failure record leaves the batch answer unchanged", async () => {
    const store = await freshStore();
    const broken = {
      record: async () => {
        throw new Error("ProvisionedThroughputExceededException");
      },
    };
    const handler = syncerWith(
      store,
      async () => {
        throw new Error("down");
      },
      broken as never,
    );
    const answer = await handler(
      eventOf("work", { a: "not json", b: workBody("acme", "txn-3") }),
      createLambdaContext(),
    );
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["a", "b"]);
  });

  it("records expire 14 days after the failure (DynamoDB TTL)", async () => {
    const { doc, tableName } = await freshTable("msgttl");
    const store = createStore({ doc, tableName });
    const at = Date.UTC(2026, 0, 1);
    await store.messageFailures.record({ messageId: "m-ttl", functionName: "syncer", error: "x", at });
    const { GetCommand } = await import("@aws-sdk/lib-dynamodb");
    const row = await doc.send(
      new GetCommand({ TableName: tableName, Key: { PK: "MESSAGE#m-ttl", SK: "FAILURE" } }),
    );
    expect(row.Item?.ttl).toBe(Math.ceil((at + MESSAGE_FAILURE_TTL_MS) / 1000));
  });
});
