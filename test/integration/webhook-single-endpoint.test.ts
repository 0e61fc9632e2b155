/**
 * The single webhook endpoint over the real wire: two tenants of one Ramp
 * business subscribe on the shared `POST /webhooks` (the subscription carries
 * each one's tenant header, `additional_headers`), the sandbox delivers signed
 * events to the webhook handler behind the loopback API Gateway serving both
 * manifest routes, and each delivery is verified with its own tenant's secret.
 * A delivery forged for B with A's secret, or with no or an unknown header, is 401.
 */
import { createHmac } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHandler } from "../../functions/webhook/make-handler.js";
import { FUNCTIONS } from "../../infra/functions.js";
import { secretsManagerStore } from "../../lib/aws/webhook-secrets.js";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import type { PollJob } from "../../lib/poll/job.js";
import { createChallengeStore } from "../../lib/store/challenges.js";
import { createStore } from "../../lib/store/index.js";
import { parseSecretDoc } from "../../lib/webhook/secret-doc.js";
import type { SecretStore } from "../../lib/webhook/secret-source.js";
import { createWebhookSecretSource } from "../../lib/webhook/secret-source.js";
import { defaultWebhookSecretId, subscribeTenant } from "../../lib/webhook/subscribe.js";
import { TENANT_HEADER } from "../../lib/webhook/tenant-header.js";
import { httpRoutesToApiGateway, type LocalHttpApi } from "../../local/runtime/http-to-api-gateway.js";
import type { LambdaHandler } from "../../local/runtime/lambda-context.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { freshTable } from "../support/dynamo-client.js";
import { testObservability } from "../support/observability.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const A = "tenant-a";
const B = "tenant-b";
let r: SandboxRamp;
let sm: LocalSecretsManager;
let api: LocalHttpApi;
let secrets: SecretStore;
const jobs: PollJob[] = [];
const obs = testObservability("webhook");

const defaults = (k: string) => ({
  cardLiability: `${k}:1`,
  accountsPayable: `${k}:2`,
  bank: `${k}:3`,
  reimbursementsPayable: `${k}:4`,
  cashbackIncome: `${k}:5`,
  defaultExpense: `${k}:6`,
});

beforeAll(async () => {
  r = await sandboxRamp({
    transactions: 8,
    readyShare: 0.3,
    config: { webhooks: { baseDelayMs: 20, maxDelayMs: 200 } },
  });
  const { doc, tableName } = await freshTable("webhook-single");
  const store = createStore({ doc, tableName });
  sm = await startLocalSecretsManager({ port: 0 });
  secrets = secretsManagerStore(
    new SecretsManagerClient({
      region: "us-east-1",
      endpoint: sm.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
  for (const id of [A, B]) {
    const put = await store.tenants.put({
      ...parseTenantConfig({
        tenantId: id,
        displayName: id,
        ramp: { baseUrl: r.sb.url, remoteProviderName: "Journal" },
        erp: { kind: "journal", path: "books.journal" },
        companies: [{ key: "us", erpCompanyId: "US", currency: "USD", defaults: defaults("us") }],
        objectTypes: { bills: false, reimbursements: false },
      }),
      version: 0,
    });
    if (!put.ok) throw new Error("tenant put failed");
  }
  const challenges = createChallengeStore({ doc, tableName });
  const handler = makeHandler({
    obs,
    receiver: {
      tenants: store.tenants,
      events: store.webhookEvents,
      challenges,
      secrets: createWebhookSecretSource({ store: secrets, refreshIntervalMs: 0 }),
      sendPollJob: async (job) => void jobs.push(job),
      sendButtonJob: async () => {},
      coalesceSeconds: 0,
    },
  }) as unknown as LambdaHandler<APIGatewayProxyEventV2, unknown>;
  // Both routes the manifest declares for the webhook function, as the local stack serves them.
  const routes = FUNCTIONS.webhook.triggers.flatMap((t) =>
    "http" in t ? [{ routeKey: `${t.http.method} ${t.http.path}`, handler }] : [],
  );
  expect(routes.map((x) => x.routeKey)).toEqual(["POST /webhooks/{tenantId}", "POST /webhooks"]);
  api = await httpRoutesToApiGateway(routes);
  for (const id of [A, B])
    await subscribeTenant({ ramp: r.client, secrets, challenges, tenants: store.tenants }, id, {
      endpointBaseUrl: api.url,
      endpointMode: "single",
      challengeTimeoutMs: 30_000,
      pollIntervalMs: 50,
    });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await r?.close();
  await sm?.stop();
});

const secretOf = async (id: string) => {
  const raw = await secrets.read(defaultWebhookSecretId(id));
  const secret = raw ? parseSecretDoc(raw).secrets[0]?.secret : undefined;
  if (!secret) throw new Error(`no secret for ${id}`);
  return secret;
};

async function post(body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${api.url}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  await res.text();
  return res.status;
}

describe("single webhook endpoint", () => {
  it("each tenant's subscription is on the shared URL and carries its own tenant header", async () => {
    const subs = await r.client.listWebhooks();
    expect(subs.map((s) => [s.endpoint_url, s.status, s.additional_headers]).sort()).toEqual([
      [`${api.url}/webhooks`, "active", { [TENANT_HEADER]: A }],
      [`${api.url}/webhooks`, "active", { [TENANT_HEADER]: B }],
    ]);
  });

  it("Ramp's signed deliveries reach each tenant through the one endpoint", async () => {
    jobs.length = 0;
    await r.control("POST", "/mark-ready", { kind: "transaction", count: 1 });
    await r.sb.control.webhooksIdle();
    expect(jobs.map((j) => j.tenantId).sort()).toEqual([A, B]);
  });

  it("for tenant B signed with A's secret → 401; with B's → 200; no or unknown header → 401, counted with the reason", async () => {
    jobs.length = 0;
    const before = obs.sink.values("WebhookDeliveries").length;
    const body = JSON.stringify({
      id: "evt-forged-1",
      type: "transactions.ready_to_sync",
      created_at: new Date().toISOString(),
      object: { id: "t-x" },
    });
    const sig = (secret: string) => createHmac("sha256", secret).update(body).digest("hex");
    const [secretA, secretB] = [await secretOf(A), await secretOf(B)];
    expect(await post(body, { [TENANT_HEADER]: B, "x-ramp-signature": sig(secretA) })).toBe(401);
    expect(await post(body, { "x-ramp-signature": sig(secretA) })).toBe(401);
    expect(await post(body, { [TENANT_HEADER]: "tenant-z", "x-ramp-signature": sig(secretA) })).toBe(401);
    expect(jobs).toEqual([]);
    expect(await post(body, { [TENANT_HEADER]: B, "x-ramp-signature": sig(secretB) })).toBe(200);
    expect(jobs.map((j) => j.tenantId)).toEqual([B]);
    const counted = obs.sink
      .values("WebhookDeliveries")
      .slice(before)
      .map((v) => [v.dimensions.outcome, v.dimensions.reason ?? null]);
    expect(counted).toEqual([
      ["unauthorized", "mismatch"],
      ["unauthorized", "missing-tenant-header"],
      ["unauthorized", "unknown-tenant-header"],
      ["enqueued", null],
    ]);
  });
});
