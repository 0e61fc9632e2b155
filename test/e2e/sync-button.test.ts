/**
 * The Sync Button end to end, every hop as AWS runs it: a user clicks Sync All
 * in Ramp (the sandbox) → Ramp delivers `transactions.sync_requested` (signed,
 * delivered twice) to the webhook Lambda behind API Gateway → a Sync Button job
 * on the button-jobs queue → the button job Lambda lists `requested_to_sync`
 * rows onto the PRIORITY queue with the request's id → the syncer Lambda posts
 * them to the journal ERP and reports them under that `sync_request_id`. Ramp
 * then shows every requested row synced with the ERP's reference, the request
 * fully succeeded, before its 5-minute deadline on the sandbox clock (no
 * wall-clock assertions); moving that clock past the deadline fails nothing.
 *
 * Real parts: Ramp sandbox over HTTP, DynamoDB Local (one table for all three
 * Lambdas), fauxqs with event source mappings, the Secrets Manager stand-in,
 * the journal ERP; the webhook subscription is set up by the ops command.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { secretsManagerStore } from "../../lib/aws/webhook-secrets.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import { externalRef } from "../../lib/domain/kinds.js";
import { createChallengeStore } from "../../lib/store/challenges.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore } from "../../lib/store/index.js";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import { httpToApiGateway, type LocalHttpApi } from "../../local/runtime/http-to-api-gateway.js";
import type { LambdaHandler } from "../../local/runtime/lambda-context.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { runWebhookCommand } from "../../ops/webhook-commands.js";
import { type Harness, syncerHarness, TENANT } from "../integration/syncer-harness.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";
import { type Lambdas, loadLambdas, wire } from "./protocol-support.js";

// The syncer harness makes its own table; the webhook and poller Lambdas must use the same one.
const tables = vi.hoisted(() => ({ names: [] as string[] }));
vi.mock("../support/dynamo-client.js", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../support/dynamo-client.js")>();
  return {
    ...orig,
    freshTable: async (prefix?: string) => {
      const t = await orig.freshTable(prefix);
      tables.names.push(t.tableName);
      return t;
    },
  };
});

let h: Harness;
let l: Lambdas;
let sm: LocalSecretsManager;
let sqs: LocalSqs;
let api: LocalHttpApi;
let queues: { jobs: string; buttonJobs: string; work: string; priority: string };

beforeAll(async () => {
  h = await syncerHarness({
    transactions: 10,
    reimbursements: 0,
    transfers: 0,
    cashbacks: 0,
    entities: 1,
    currencies: ["USD"],
    syncButton: true,
  });
  const tableName = tables.names.at(-1) as string;
  sm = await startLocalSecretsManager({ port: 0 });
  sm.seed(
    "ramp-erp-sync/acme/ramp",
    JSON.stringify({ client_id: h.r.sb.clientId, client_secret: h.r.sb.clientSecret }),
  );
  sqs = await startLocalSqs();
  // Visibility timeouts no shorter than the function timeouts (the mapping insists, as Lambda does).
  queues = {
    jobs: (await sqs.createQueue("poll-jobs", { visibilityTimeoutS: 30, dlq: { maxReceiveCount: 3 } })).url,
    buttonJobs: (
      await sqs.createQueue("button-jobs", { visibilityTimeoutS: 30, dlq: { maxReceiveCount: 3 } })
    ).url,
    work: (await sqs.createQueue("work", { visibilityTimeoutS: 30 })).url,
    priority: (await sqs.createQueue("priority", { visibilityTimeoutS: 30, dlq: { maxReceiveCount: 5 } }))
      .url,
  };
  const endpoint = inject("dynamoEndpoint");
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
  l = await loadLambdas();
  // The syncer runs on the harness's clock and ERP (a warm container's deps); it stores the tenant.
  await wire(l, h);
  const cur = (await h.store.tenants.get(TENANT)) as TenantConfig;
  const put = await h.store.tenants.put({
    ...cur,
    ramp: { ...cur.ramp, baseUrl: h.r.sb.url },
  });
  if (!put.ok) throw new Error("tenant update failed");

  const webhook = (await import("../../functions/webhook/handler.js")).handler;
  api = await httpToApiGateway(webhook as unknown as LambdaHandler<APIGatewayProxyEventV2, unknown>, {
    routeKey: "POST /webhooks/{tenantId}",
    function: { timeoutMs: 10_000 },
  });
  // Every business event is delivered twice (same id), as Ramp may.
  h.r.sb.control.setConfig({ webhooks: { duplicate: true, baseDelayMs: 50, maxDelayMs: 400 } });
});

afterAll(async () => {
  await api?.stop();
  await h?.close();
  await sqs?.stop();
  await sm?.stop();
});

/** Runs an SQS event source mapping over a queue until it is empty. */
async function drainThrough(
  queueUrl: string,
  handler: unknown,
  functionTimeoutMs: number,
  ignoreDelayed = false,
): Promise<void> {
  const esm = eventSourceMapping({
    client: sqs.client(),
    queueUrl,
    handler: handler as never,
    batchSize: 10,
    functionTimeoutMs,
    reportBatchItemFailures: true,
  });
  await esm.start();
  try {
    await esm.drain({ timeoutMs: 120_000, ignoreDelayed });
  } finally {
    await esm.stop();
  }
}

describe("Sync Button end to end", () => {
  it("Sync All → webhook → button job → priority queue → syncer → every row synced under the request, before the deadline", async () => {
    const tableName = process.env.TABLE_NAME as string;
    const ddb = createDocumentClient({ ...LOCAL_AWS, endpoint: inject("dynamoEndpoint") });
    const store = createStore({ doc: ddb, tableName });

    // 1. The integrator subscribes the tenant (its Sync Button is on → transactions.sync_requested).
    const out: string[] = [];
    const err: string[] = [];
    const code = await runWebhookCommand(
      ["subscribe", "--tenant", TENANT, "--endpoint", api.url, "--timeout-ms", "30000"],
      {
        tenants: store.tenants,
        rampFor: () => h.r.client,
        secrets: secretsManagerStore(
          new SecretsManagerClient({
            region: "us-east-1",
            endpoint: sm.endpoint,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
          }),
        ),
        challenges: createChallengeStore({ doc: ddb, tableName }),
        webhookEvents: store.webhookEvents,
      },
      { out: (s) => out.push(s), err: (s) => err.push(s) },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const [sub] = await h.r.client.listWebhooks();
    expect(sub?.status).toBe("active");
    expect(sub?.event_types).toContain("transactions.sync_requested");

    // 2. The user clicks Sync All. Ramp's clock (the sandbox's) is brought to the wall clock first: the
    // event's created_at starts the request's window, and our webhook and button job run on wall time.
    const sbNow = Date.parse((await h.r.control<{ now: string }>("GET", "/clock")).now);
    if (Date.now() > sbNow) await h.r.control("POST", "/clock", { advance_ms: Date.now() - sbNow });
    const req = await h.r.control<{
      sync_request_id: string;
      total: number;
      rows: string[] | Array<{ id: string }>;
      deadline: string;
    }>("POST", "/sync-all", { kind: "transactions" });
    expect(req.total).toBeGreaterThan(0);
    await h.r.sb.control.webhooksIdle();
    const deliveries = (
      await h.r.control<Array<{ event_type: string; status: number | null }>>("GET", "/webhooks/deliveries")
    ).filter((d) => d.event_type === "transactions.sync_requested");
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]); // delivered twice, both acknowledged

    // 3. The button job Lambda runs the one button job (the duplicate was dropped by event id); it
    // leaves its deadline job delayed on the same queue (a timer: not waited for here).
    expect((await sqs.depth(queues.jobs)).visible).toBe(0);
    expect((await sqs.depth(queues.buttonJobs)).visible).toBe(1);
    await drainThrough(
      queues.buttonJobs,
      (await import("../../functions/poller/button.js")).handler,
      30_000,
      true,
    );
    expect((await sqs.depth(queues.buttonJobs)).delayed).toBe(1);
    expect((await sqs.depth(queues.priority)).visible).toBe(req.total);
    expect((await sqs.depth(queues.work)).visible).toBe(0);

    // 4. The syncer Lambda drains the priority queue; the report goes out under the request.
    await drainThrough(queues.priority, l.syncer.handler, 30_000);
    // Reported at the end of the syncer's batches (someone is watching Ramp's live progress):
    // no sweep has run, and none is needed.
    const progress = await h.r.control<{ succeeded: number; pending: number; failed: number; total: number }>(
      "GET",
      `/sync-requests/${req.sync_request_id}`,
    );
    expect(progress).toMatchObject({ total: req.total, succeeded: req.total, pending: 0, failed: 0 });

    // Ramp shows every requested row synced with the ERP's reference, reported under that request.
    const calls = (await h.syncCalls()) as unknown as Array<{
      syncRequestId: string | null;
      successful: string[];
    }>;
    const reported = calls.flatMap((c) => c.successful.map((id) => [id, c.syncRequestId] as const));
    expect(reported).toHaveLength(req.total);
    expect(new Set(reported.map(([, sr]) => sr))).toEqual(new Set([req.sync_request_id]));
    const refs = await h.journalRefs();
    for (const [id] of reported) {
      const o = await h.object(id);
      const row = await h.store.ledger.get(TENANT, "transaction", id);
      expect(o.sync.status, id).toBe("SYNCED");
      expect(o.sync.reference_id, id).toBe(row?.erpRef);
      expect(refs.get(externalRef("transaction", id)), id).toBe(1);
    }

    // All of it happened before the request's deadline on Ramp's (the sandbox's) clock...
    const clock = await h.r.control<{ now: string }>("GET", "/clock");
    expect(Date.parse(clock.now)).toBeLessThan(Date.parse(req.deadline));
    // ...so moving past the 5-minute auto-fail changes nothing.
    await h.r.control("POST", "/clock", { advance_ms: 6 * 60_000 });
    const after = await h.r.control<{ succeeded: number; failed: number }>(
      "GET",
      `/sync-requests/${req.sync_request_id}`,
    );
    expect(after).toMatchObject({ succeeded: req.total, failed: 0 });
  });
});
