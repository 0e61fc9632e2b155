/**
 * Hand-off failures and bursts over the real wire: the sandbox delivers to the
 * webhook handler (through httpToApiGateway) whose dependencies are the real
 * DynamoDB Local store, the Secrets Manager stand-in and fauxqs — except that
 * the first SQS send is made to fail. The event must not be lost: the handler
 * answers 503, forgets the event id, Ramp retries, and the retry is enqueued
 * exactly once. And a burst of ready_to_sync events in one window becomes one
 * delayed poll job.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookDeps } from "../../functions/webhook/deps.js";
import { makeHandler } from "../../functions/webhook/make-handler.js";
import { sendAllOrThrow } from "../../lib/aws/sqs.js";
import { secretsManagerStore } from "../../lib/aws/webhook-secrets.js";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import type { PollJob } from "../../lib/poll/job.js";
import { createChallengeStore } from "../../lib/store/challenges.js";
import { createStore, type Store } from "../../lib/store/index.js";
import type { ReceiverDeps } from "../../lib/webhook/receive.js";
import { createWebhookSecretSource } from "../../lib/webhook/secret-source.js";
import { subscribeTenant } from "../../lib/webhook/subscribe.js";
import { httpToApiGateway, type LocalHttpApi } from "../../local/runtime/http-to-api-gateway.js";
import type { LambdaHandler } from "../../local/runtime/lambda-context.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { freshTable } from "../support/dynamo-client.js";
import { testObservability } from "../support/observability.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const T = "acme-retry";
let r: SandboxRamp;
let store: Store;
let sm: LocalSecretsManager;
let sqs: LocalSqs;
let api: LocalHttpApi;
let jobsUrl: string;
let deps: ReceiverDeps;
/** The handler's dependencies; a test swaps `receiver` as a new deployment's settings would. */
let wh: WebhookDeps;
let failSends = 0;
const sent: Array<{ job: PollJob; delaySeconds: number }> = [];

beforeAll(async () => {
  r = await sandboxRamp({
    transactions: 12,
    readyShare: 0.3,
    config: { webhooks: { baseDelayMs: 20, maxDelayMs: 200 } },
  });
  const { doc, tableName } = await freshTable("webhook-retry");
  store = createStore({ doc, tableName });
  sm = await startLocalSecretsManager({ port: 0 });
  sqs = await startLocalSqs();
  jobsUrl = (await sqs.createQueue("poll-jobs")).url;
  const put = await store.tenants.put({
    ...parseTenantConfig({
      tenantId: T,
      displayName: "Retry Co",
      ramp: { baseUrl: r.sb.url, remoteProviderName: "Journal" },
      erp: { kind: "journal", path: "books.journal" },
      companies: [
        {
          key: "us",
          erpCompanyId: "US",
          currency: "USD",
          defaults: {
            cardLiability: "us:1",
            accountsPayable: "us:2",
            bank: "us:3",
            reimbursementsPayable: "us:4",
            cashbackIncome: "us:5",
            defaultExpense: "us:6",
          },
        },
      ],
      objectTypes: { bills: false, reimbursements: false },
    }),
    version: 0,
  });
  if (!put.ok) throw new Error("tenant put failed");
  const secrets = secretsManagerStore(
    new SecretsManagerClient({
      region: "us-east-1",
      endpoint: sm.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
  const client = sqs.client();
  const challenges = createChallengeStore({ doc, tableName });
  deps = {
    tenants: store.tenants,
    events: store.webhookEvents,
    challenges,
    secrets: createWebhookSecretSource({ store: secrets, refreshIntervalMs: 0 }),
    async sendPollJob(job, delaySeconds) {
      if (failSends > 0) {
        failSends--;
        throw new Error("SQS unavailable (injected)");
      }
      await sendAllOrThrow(client, jobsUrl, [{ id: "j", body: JSON.stringify(job), delaySeconds }]);
      sent.push({ job, delaySeconds });
    },
    async sendButtonJob(job) {
      await sendAllOrThrow(client, jobsUrl, [{ id: "j", body: JSON.stringify(job) }]);
      sent.push({ job, delaySeconds: 0 });
    },
    coalesceSeconds: 0,
  };
  wh = { obs: testObservability("webhook"), receiver: deps };
  const handler = makeHandler(wh);
  api = await httpToApiGateway(handler as unknown as LambdaHandler<APIGatewayProxyEventV2, unknown>, {
    routeKey: "POST /webhooks/{tenantId}",
  });
  await subscribeTenant({ ramp: r.client, secrets, challenges, tenants: store.tenants }, T, {
    endpointBaseUrl: api.url,
    challengeTimeoutMs: 30_000,
    pollIntervalMs: 50,
  });
});

afterAll(async () => {
  await api?.stop();
  await r?.close();
  await sqs?.stop();
  await sm?.stop();
});

const attemptsOf = async (type: string) =>
  (
    await r.control<Array<{ event_id: string; event_type: string; status: number | null; attempt: number }>>(
      "GET",
      "/webhooks/deliveries",
    )
  ).filter((d) => d.event_type === type);

describe("webhook hand-off failures and bursts", () => {
  it("a failed enqueue answers 503; Ramp's retry is accepted (not a duplicate) and enqueued once", async () => {
    sent.length = 0;
    failSends = 1;
    const marked = await r.control<{ ids: string[] }>("POST", "/mark-ready", {
      kind: "transaction",
      count: 1,
    });
    expect(marked.ids).toHaveLength(1);
    await r.sb.control.webhooksIdle();
    const attempts = await attemptsOf("transactions.ready_to_sync");
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(sent.map((s) => s.job)).toEqual([expect.objectContaining({ type: "poll", tenantId: T })]);
    expect((await sqs.depth(jobsUrl)).total).toBe(1);
    // A late duplicate of the same event (Ramp retries for days) is dropped.
    r.sb.control.setConfig({ webhooks: { duplicate: true } });
    try {
      await r.control("POST", "/mark-ready", { kind: "transaction", count: 1 });
      await r.sb.control.webhooksIdle();
    } finally {
      r.sb.control.setConfig({ webhooks: { duplicate: false } });
    }
    expect(sent).toHaveLength(2);
  });

  it("a burst of ready_to_sync in one window becomes one poll job, delayed past the window", async () => {
    sent.length = 0;
    wh.receiver = { ...deps, coalesceSeconds: 600 };
    try {
      const marked = await r.control<{ ids: string[] }>("POST", "/mark-ready", {
        kind: "transaction",
        count: 4,
      });
      expect(marked.ids.length).toBeGreaterThanOrEqual(3);
      await r.sb.control.webhooksIdle();
      const latest = (await attemptsOf("transactions.ready_to_sync")).slice(-marked.ids.length);
      expect(latest.every((a) => a.status === 200)).toBe(true);
    } finally {
      wh.receiver = deps;
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]?.delaySeconds).toBeGreaterThan(0);
    expect((await sqs.depth(jobsUrl)).delayed).toBe(1);
  });
});
