/**
 * The webhook Lambda over the real wire: the Ramp sandbox delivers (signed,
 * with retries, duplicates and out-of-order modes) to the handler behind a
 * loopback API Gateway (httpToApiGateway, route `POST /webhooks/{tenantId}`);
 * the handler is configured only through its environment (DynamoDB Local, the
 * Secrets Manager stand-in, fauxqs). The subscription is set up by the ops
 * command, and the poller's job Lambda turns the jobs the webhook enqueued into
 * work messages.
 */
import { createHmac } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, Context, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretsManagerStore } from "../../lib/aws/webhook-secrets.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import { ensureConnection } from "../../lib/connection/index.js";
import { type PollJob, parsePollJob } from "../../lib/poll/job.js";
import { createChallengeStore } from "../../lib/store/challenges.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { parseWorkMessage, type WorkMessage } from "../../lib/sync/work-message.js";
import { parseSecretDoc } from "../../lib/webhook/secret-doc.js";
import { defaultWebhookSecretId } from "../../lib/webhook/subscribe.js";
import { httpToApiGateway, type LocalHttpApi } from "../../local/runtime/http-to-api-gateway.js";
import type { LambdaHandler } from "../../local/runtime/lambda-context.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { runWebhookCommand, type WebhookOpsDeps } from "../../ops/webhook-commands.js";
import { freshTable } from "../support/dynamo-client.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const T = "acme-wh";
let r: SandboxRamp;
let store: Store;
let sm: LocalSecretsManager;
let sqs: LocalSqs;
let sqsClient: SQSClient;
let queues: { jobs: string; buttonJobs: string; work: string; priority: string };
let api: LocalHttpApi;
let ops: WebhookOpsDeps;
let pollJobHandler: typeof import("../../functions/poller/job.js").handler;
let buttonJobHandler: typeof import("../../functions/poller/button.js").handler;
let tenant: TenantConfig;

const defaults = {
  cardLiability: "us:2100",
  accountsPayable: "us:2000",
  bank: "us:1000",
  reimbursementsPayable: "us:2200",
  cashbackIncome: "us:4900",
  defaultExpense: "us:6000",
};

beforeAll(async () => {
  r = await sandboxRamp({
    transactions: 16,
    reimbursements: 6,
    bills: 2,
    readyShare: 0.5,
    // Faster retries than Ramp's (minutes) keep the handshake short (the handler answers 503 until the
    // secret is stored), but the whole schedule must outlast the receiver's 2 s secret re-read throttle,
    // or a loaded machine runs out of attempts before the new secret is read.
    config: { webhooks: { baseDelayMs: 250, maxDelayMs: 2_500 } },
  });
  const { doc, tableName, endpoint } = await freshTable("webhook");
  store = createStore({ doc, tableName });
  sm = await startLocalSecretsManager({ port: 0 });
  sm.seed(
    `ramp-erp-sync/${T}/ramp`,
    JSON.stringify({ client_id: r.sb.clientId, client_secret: r.sb.clientSecret }),
  );
  sqs = await startLocalSqs();
  sqsClient = sqs.client();
  queues = {
    jobs: (await sqs.createQueue("poll-jobs")).url,
    buttonJobs: (await sqs.createQueue("button-jobs")).url,
    work: (await sqs.createQueue("work")).url,
    priority: (await sqs.createQueue("priority")).url,
  };
  tenant = parseTenantConfig({
    tenantId: T,
    displayName: "Acme Webhooks",
    ramp: { baseUrl: r.sb.url, remoteProviderName: "Journal" },
    erp: { kind: "journal", path: "books.journal" },
    companies: [{ key: "us", erpCompanyId: "US", currency: "USD", defaults }],
  });
  const put = await store.tenants.put({ ...tenant, version: 0 });
  if (!put.ok) throw new Error("tenant put failed");

  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    TABLE_NAME: tableName,
    POLL_JOBS_QUEUE_URL: queues.jobs,
    BUTTON_JOBS_QUEUE_URL: queues.buttonJobs,
    WORK_QUEUE_URL: queues.work,
    PRIORITY_QUEUE_URL: queues.priority,
    POLL_JITTER_MAX_SECONDS: "0",
    WEBHOOK_COALESCE_SECONDS: "0",
    LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  // Environment first: the handlers parse it once, at cold start.
  const webhook = (await import("../../functions/webhook/handler.js")).handler;
  pollJobHandler = (await import("../../functions/poller/job.js")).handler;
  buttonJobHandler = (await import("../../functions/poller/button.js")).handler;
  api = await httpToApiGateway(webhook as unknown as LambdaHandler<APIGatewayProxyEventV2, unknown>, {
    routeKey: "POST /webhooks/{tenantId}",
    function: { timeoutMs: 10_000 },
  });
  ops = {
    tenants: store.tenants,
    rampFor: () => r.client,
    secrets: secretsManagerStore(
      new SecretsManagerClient({
        region: "us-east-1",
        endpoint: sm.endpoint,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    ),
    challenges: createChallengeStore({ doc, tableName }),
    webhookEvents: store.webhookEvents,
  };
});

afterAll(async () => {
  await api?.stop();
  await r?.close();
  await sqs?.stop();
  await sm?.stop();
});

async function opsRun(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runWebhookCommand(argv, ops, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const res = await sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const msgs = res.Messages ?? [];
    if (!msgs.length) return bodies;
    bodies.push(...msgs.map((m) => m.Body as string));
    await sqsClient.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
}

const jobsOf = (bodies: string[]): PollJob[] =>
  bodies.map((b) => {
    const p = parsePollJob(b);
    if (!p.ok) throw new Error(p.error);
    return p.job;
  });
const workOf = (bodies: string[]): WorkMessage[] =>
  bodies.map((b) => {
    const p = parseWorkMessage(b);
    if (!p.ok) throw new Error(p.error);
    return p.message;
  });

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

type SandboxSub = { id: string; status: string; endpoint_url: string; event_types: string[]; secret: string };
/** Subscriptions as Ramp lists them, with the secret the sandbox's control API reveals. */
async function sandboxSubs(): Promise<SandboxSub[]> {
  const secrets = await r.control<Array<{ id: string; secret: string }>>("GET", "/webhooks");
  return (await r.client.listWebhooks()).map((s) => ({
    id: s.id,
    status: s.status ?? "",
    endpoint_url: s.endpoint_url,
    event_types: s.event_types,
    secret: secrets.find((x) => x.id === s.id)?.secret ?? "",
  }));
}
const storedDoc = async () => parseSecretDoc((await ops.secrets.read(defaultWebhookSecretId(T))) as string);
const deliveries = () =>
  r.control<Array<{ event_id: string; event_type: string; status: number | null; outcome: string }>>(
    "GET",
    "/webhooks/deliveries",
  );

async function post(body: string, headers: Record<string, string>, tenantId = T) {
  const res = await fetch(`${api.url}/webhooks/${tenantId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { outcome: string } };
}

describe("webhook subscription handshake through the deployed handler", () => {
  it("subscribe → verification delivered and answered → active; secret only in Secrets Manager; rerun changes nothing", async () => {
    const first = await opsRun("subscribe", "--tenant", T, "--endpoint", api.url, "--timeout-ms", "30000");
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.out[0]).toMatch(/^webhooks acme-wh: created subscription /);

    const subs = await sandboxSubs();
    expect(subs).toHaveLength(1);
    const sub = subs[0] as SandboxSub;
    expect(sub).toMatchObject({
      status: "active",
      endpoint_url: `${api.url}/webhooks/${T}`,
      event_types: [
        "bills.ready_to_sync",
        "reimbursements.ready_to_sync",
        "transactions.ready_to_sync",
        "transactions.receipt_added",
      ],
    });
    // The secret never appears in the command's output; it is in Secrets Manager with the subscription id.
    expect(first.out.join("\n")).not.toContain(sub.secret);
    const doc = await storedDoc();
    expect(doc).toMatchObject({ businessId: r.sb.businessId, setupUntil: null });
    expect(doc.secrets.map((s) => [s.secret, s.subscriptionId])).toEqual([[sub.secret, sub.id]]);
    expect((await store.tenants.get(T))?.ramp.webhookSecretId).toBe(defaultWebhookSecretId(T));
    // The verification delivery reached the handler and was answered 2xx in the end.
    const verification = (await deliveries()).filter((d) => d.event_type === "webhooks.verification");
    expect(verification.at(-1)).toMatchObject({ status: 200, outcome: "delivered" });
    expect(verification.every((d) => d.status === 200 || d.status === 503)).toBe(true);

    const again = await opsRun("subscribe", "--tenant", T, "--endpoint", api.url);
    expect(again.code).toBe(0);
    expect(again.out[0]).toContain(`unchanged subscription ${sub.id}`);
    expect((await sandboxSubs()).map((s) => s.id)).toEqual([sub.id]);
  });
});

describe("deliveries", () => {
  const secret = async () => (await storedDoc()).secrets[0]?.secret as string;
  const hmac = (s: string, body: string, enc: "hex" | "base64") =>
    createHmac("sha256", s).update(body).digest(enc);

  it("forged or unsigned → 401; unknown tenant → 404; nothing enqueued or parked", async () => {
    const body = JSON.stringify({
      id: "forged-1",
      type: "transactions.ready_to_sync",
      business_id: r.sb.businessId,
      object: { id: "t" },
    });
    // Right after the set-up above, the receiver's cached secret may still show the set-up window open
    // (a fresh re-read is allowed once per 2 s); in that window an unmatched delivery is 503 by design,
    // never parsed. Once its view is fresh the same forgery is 401.
    let forged = (await post(body, { "x-ramp-signature": hmac("guess", body, "hex") })).status;
    for (let i = 0; forged === 503 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      forged = (await post(body, { "x-ramp-signature": hmac("guess", body, "hex") })).status;
    }
    expect(forged).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    expect(
      (await post(body, { "x-ramp-signature": hmac(await secret(), body, "hex") }, "nobody")).status,
    ).toBe(404);
    expect(await drain(queues.jobs)).toEqual([]);
    expect(await store.webhookEvents.listParked(T)).toEqual([]);
  });

  it("signed but malformed or unknown → 2xx and parked for inspection (either header, either encoding)", async () => {
    const s = await secret();
    const bad = '{"id":"bad-1","type":"transactions.ready_to_sync"}';
    const r1 = await post(bad, { "X-Ramp-Webhook-Signature": hmac(s, bad, "base64") });
    expect(r1).toEqual({ status: 200, body: { outcome: "parked" } });
    const odd = JSON.stringify({ id: "odd-1", type: "bills.paid", object: { id: "b" } });
    expect((await post(odd, { "X-Ramp-Signature": hmac(s, odd, "hex") })).body.outcome).toBe("parked");
    const parked = await store.webhookEvents.listParked(T);
    expect(parked.map((p) => [p.eventId, p.body]).sort()).toEqual(
      [
        ["bad-1", bad],
        ["odd-1", odd],
      ].sort(),
    );
    expect(parked.find((p) => p.eventId === "odd-1")?.reason).toBe("unhandled event type bills.paid");
    expect(await drain(queues.jobs)).toEqual([]);
    const listed = await opsRun("parked", "--tenant", T);
    expect(listed.out.at(-1)).toBe("2 parked event(s)");
  });

  it("duplicated and out-of-order ready_to_sync deliveries enqueue one poll job per event, and the job yields the work", async () => {
    r.sb.control.setConfig({
      webhooks: {
        duplicate: true,
        outOfOrder: true,
        signatureHeader: "X-Ramp-Webhook-Signature",
        encoding: "base64",
      },
    });
    try {
      const marked = await r.control<{ ids: string[] }>("POST", "/mark-ready", {
        kind: "transaction",
        count: 3,
      });
      expect(marked.ids).toHaveLength(3);
      await r.sb.control.webhooksIdle();
      const ready = (await deliveries()).filter((d) => d.event_type === "transactions.ready_to_sync");
      expect(ready).toHaveLength(6); // each event twice
      expect(ready.every((d) => d.status === 200)).toBe(true);
      expect(new Set(ready.map((d) => d.event_id)).size).toBe(3);

      const jobs = await drain(queues.jobs);
      expect(jobsOf(jobs)).toEqual(
        [0, 1, 2].map(() => expect.objectContaining({ type: "poll", tenantId: T })),
      );

      // The poller's job Lambda runs one of them: every ready transaction (the newly marked ones too) becomes work.
      const res = await pollJobHandler(sqsEvent(jobs.slice(0, 1)), context);
      expect(res.batchItemFailures).toEqual([]);
      const work = workOf(await drain(queues.work));
      const transactions = new Set(work.filter((m) => m.kind === "transaction").map((m) => m.rampId));
      for (const id of marked.ids) expect(transactions.has(id)).toBe(true);
      expect(work.every((m) => m.tenantId === T && m.source === "poll")).toBe(true);
    } finally {
      r.sb.control.setConfig({
        webhooks: {
          duplicate: false,
          outOfOrder: false,
          signatureHeader: "X-Ramp-Signature",
          encoding: "hex",
        },
      });
    }
  });

  it("Sync Button: enabling it resubscribes (new subscription verified, old one deleted); Sync All → button job → priority work under the request", async () => {
    await ensureConnection(r.client, {
      remoteProviderName: "Journal",
      settings: {
        transaction_sync_button_enabled: true,
        reimbursement_sync_button_enabled: false,
        transaction_accounting_vendor_creation_on_sync_enabled: false,
        vendor_credits_enabled: false,
      },
      knownConnectionId: null,
    });
    const cur = (await store.tenants.get(T)) as TenantConfig;
    const put = await store.tenants.put({
      ...cur,
      ramp: { ...cur.ramp, settings: { ...cur.ramp.settings, transactionSyncButton: true } },
    });
    expect(put.ok).toBe(true);
    const [old] = await sandboxSubs();
    // The forgery test above made the receiver re-read its secret; a re-read is allowed once per 2 s, and
    // a verification checked against a stale copy (no set-up open in it) is refused for good. Let the
    // throttle pass, as any real resubscription (minutes after a delivery) does.
    await new Promise((res) => setTimeout(res, 2_100));
    const re = await opsRun("subscribe", "--tenant", T, "--endpoint", api.url, "--timeout-ms", "30000");
    expect(re.code, re.err.join("\n")).toBe(0);
    expect(re.out[0]).toContain(`removed ${old?.id}`);
    const subs = await sandboxSubs();
    expect(subs).toHaveLength(1);
    expect(subs[0]?.status).toBe("active");
    expect(subs[0]?.event_types).toContain("transactions.sync_requested");
    expect((await storedDoc()).secrets.map((s) => s.subscriptionId)).toEqual([subs[0]?.id]);

    const req = await r.control<{ sync_request_id: string; total: number }>("POST", "/sync-all", {
      kind: "transactions",
    });
    expect(req.total).toBeGreaterThan(0);
    await r.sb.control.webhooksIdle();
    // The button job goes onto its own queue, never behind poll jobs.
    expect(await drain(queues.jobs)).toEqual([]);
    const jobs = await drain(queues.buttonJobs);
    expect(jobsOf(jobs)).toEqual([
      expect.objectContaining({
        type: "button",
        tenantId: T,
        kind: "transaction",
        syncRequestId: req.sync_request_id,
      }),
    ]);
    const res = await buttonJobHandler(sqsEvent(jobs), context);
    expect(res.batchItemFailures).toEqual([]);
    const work = workOf(await drain(queues.priority));
    expect(work).toHaveLength(req.total);
    for (const m of work) expect(m).toMatchObject({ source: "button", syncRequestId: req.sync_request_id });
    expect(await drain(queues.work)).toEqual([]);
  });
});
