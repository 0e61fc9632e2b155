/**
 * The two poller handlers as Lambda runs them: configured only through the
 * environment (endpoints of DynamoDB Local, fauxqs and the Secrets Manager
 * stand-in), fed a real-shaped ScheduledEvent and an SQSEvent, talking to the
 * Ramp sandbox over HTTP with credentials read from "Secrets Manager".
 */
import type { Context, ScheduledEvent, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { type PollerWorld, pollerWorld, readyInSandbox, sortedKeys } from "./poller-support.js";

let w: PollerWorld;
let sm: LocalSecretsManager;
let schedule: typeof import("../../functions/poller/schedule.js").handler;
let job: typeof import("../../functions/poller/job.js").handler;

beforeAll(async () => {
  w = await pollerWorld({ transactions: 12, bills: 6, reimbursements: 4, vendorCredits: 1 });
  sm = await startLocalSecretsManager({ port: 0 });
  sm.seed(
    "ramp-erp-sync/t-poll/ramp",
    JSON.stringify({ client_id: w.r.sb.clientId, client_secret: w.r.sb.clientSecret }),
  );
  const put = await w.store.tenants.put({
    ...w.tenant,
    version: 0,
    ramp: { ...w.tenant.ramp, baseUrl: w.r.sb.url },
  });
  if (!put.ok) throw new Error("tenant put failed");
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: w.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: w.sqsEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    TABLE_NAME: w.tableName,
    WORK_QUEUE_URL: w.queues.work,
    PRIORITY_QUEUE_URL: w.queues.priority,
    POLL_JOBS_QUEUE_URL: w.queues.jobs,
    BUTTON_JOBS_QUEUE_URL: w.queues.jobs, // no button job is sent here
    POLL_JITTER_MAX_SECONDS: "0",
    LOG_LEVEL: "SILENT",
  });
  // Environment first, then the handlers (they parse it once, at cold start).
  schedule = (await import("../../functions/poller/schedule.js")).handler;
  job = (await import("../../functions/poller/job.js")).handler;
});
afterAll(async () => {
  await w.close();
  await sm.stop();
});

const scheduledEvent: ScheduledEvent = {
  version: "0",
  id: "ev-1",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "000000000000",
  time: new Date().toISOString(),
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:000000000000:rule/poll"],
  detail: {},
};

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `rh-${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(Date.now()),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:poll-jobs",
    awsRegion: "us-east-1",
  })),
});

const context = { getRemainingTimeInMillis: () => 840_000 } as unknown as Context;

describe("poller handlers", () => {
  it("schedule → one poll job → every ready object on the work queue, and the backlog as EMF", async () => {
    const fanOut = await schedule(scheduledEvent, context);
    expect(fanOut.dispatched).toEqual(["t-poll"]);
    const jobs = await w.drain(w.queues.jobs);
    expect(jobs).toHaveLength(1);

    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
      out.push(String(chunk));
      return true;
    });
    let res: Awaited<ReturnType<typeof job>>;
    try {
      res = await job(sqsEvent([...jobs, "{not json"]), context);
    } finally {
      spy.mockRestore();
    }
    // The malformed job is failed (it will reach the DLQ); the real one succeeded.
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    const expected = await readyInSandbox(w);
    expect(sortedKeys(await w.drainWork())).toEqual(sortedKeys(expected));

    const emf = out
      .flatMap((s) => s.split("\n"))
      .filter((l) => l.includes("SyncReadyBacklog"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byKind = new Map(emf.map((e) => [e.kind as string, e]));
    expect(byKind.get("transaction")).toMatchObject({
      tenantId: "t-poll",
      SyncReadyBacklog: expected.filter((e) => e.kind === "transaction").length,
      _aws: { CloudWatchMetrics: [{ Namespace: "RampErpSync" }] },
    });
    expect([...byKind.keys()].sort()).toEqual(
      [
        "bill",
        "bill_payment",
        "cashback",
        "reimbursement",
        "transaction",
        "transfer",
        "vendor_credit",
      ].sort(),
    );

    // Right after, the tenant is not due again.
    expect((await schedule(scheduledEvent, context)).dispatched).toEqual([]);
  });

  it("a job for a tenant that no longer exists is dropped, not retried", async () => {
    const body = JSON.stringify({
      v: 1,
      type: "poll",
      tenantId: "gone",
      dispatchedAt: new Date().toISOString(),
    });
    expect(await job(sqsEvent([body]), context)).toEqual({ batchItemFailures: [] });
    expect(await w.drain(w.queues.jobs)).toEqual([]);
    expect(await w.drainWork()).toEqual([]);
  });
});
