/**
 * The coa-push Lambda handler with real parts: tenants and snapshots in DynamoDB
 * Local, two Ramp businesses in one sandbox over HTTP, journal ERPs, the
 * coa-request queue on the SQS emulator. A schedule fans out one message per
 * enabled tenant; SQS messages push one each, failing only the bad; a message
 * received before its due time goes back to the queue with the rest of its wait.
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONTINUATIONS, makeHandler } from "../../functions/coa-push/make-handler.js";
import { coaRequestQueue } from "../../lib/aws/coa-requests.js";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import { createErp } from "../../lib/erp/index.js";
import {
  createMemoryRateLimiter,
  createMemoryTokenStore,
  createRampClient,
  type RampClient,
} from "../../lib/ramp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createTenants } from "../../lib/store/tenants.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { createLambdaContext } from "../../local/runtime/lambda-context.js";
import type { LocalQueue } from "../../local/runtime/local-sqs.js";
import { scheduledEvent } from "../../local/runtime/scheduled-event.js";
import { sqsEvent } from "../../local/runtime/sqs-event.js";
import { freshTable } from "../support/dynamo-client.js";
import { testObservability } from "../support/observability.js";
import { receiveAllVisible, useLocalSqs } from "../support/sqs-local.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const context = createLambdaContext({ functionName: "coa-push", timeoutMs: 600_000 });
let handler: ReturnType<typeof makeHandler>;

describe("coa-push handler", () => {
  const sqs = useLocalSqs();
  let queue: LocalQueue;
  let client: SQSClient;
  let r: SandboxRamp;
  let deps: TenantPushDeps;
  const creds = new Map<string, { clientId: string; clientSecret: string }>();
  const clients = new Map<string, RampClient>();

  beforeAll(async () => {
    client = sqs().client();
    queue = await sqs().createQueue("coa-requests-h", { visibilityTimeoutS: 60 });
    r = await sandboxRamp();
    const second = await r.control<{ client_id: string; client_secret: string }>("POST", "/businesses", {
      seed: 99,
      transactions: 0,
    });
    creds.set("alpha", { clientId: r.sb.clientId, clientSecret: r.sb.clientSecret });
    creds.set("beta", { clientId: second.client_id, clientSecret: second.client_secret });
    const table = await freshTable("coah");
    const tenants = createTenants({ doc: table.doc, tableName: table.tableName });
    // Each tenant's journal in its own directory under one root, as createErp confines it.
    const journalRoot = await mkdtemp(join(tmpdir(), "coah-"));
    for (const id of ["alpha", "beta", "gamma"]) {
      await mkdir(join(journalRoot, id));
      await createDemoJournal(join(journalRoot, id, "books.journal"));
      const res = await tenants.put({
        tenantId: id,
        displayName: id,
        enabled: id !== "gamma",
        ramp: { baseUrl: r.sb.url, remoteProviderName: `Journal ${id}` },
        erp: { kind: "journal", path: "books.journal" },
        companies: demoCompanies(),
      });
      expect(res.ok).toBe(true);
    }
    deps = {
      tenants,
      snapshots: createCoaSnapshots({ doc: table.doc, tableName: table.tableName }),
      rampFor: (t) => {
        let c = clients.get(t.tenantId);
        if (!c) {
          const cr = creds.get(t.tenantId);
          c = createRampClient({
            tenantId: t.tenantId,
            baseUrl: t.ramp.baseUrl,
            credentials: {
              get: async () => {
                if (!cr) throw new Error(`no credentials for ${t.tenantId}`);
                return cr;
              },
            },
            tokens: createMemoryTokenStore(),
            limiter: createMemoryRateLimiter(),
          });
          clients.set(t.tenantId, c);
        }
        return c;
      },
      erpFor: (t) => createErp(t, { journalRoot }),
    };
    handler = makeHandler({
      obs: testObservability("coa-push"),
      push: deps,
      scheduleWindowMs: 0,
      requests: coaRequestQueue(client, queue.url),
    });
  });
  afterAll(async () => {
    await r.close();
  });

  it("a schedule fans out one message per enabled tenant; each message pushes its tenant into its own business", async () => {
    const res = await handler(scheduledEvent({ rule: "coa-push-daily", time: new Date() }), context);
    expect(res).toEqual({ enqueued: 2, invalid: 0 });
    // The tick itself pushed nothing: its messages did not reach Ramp yet.
    expect(await r.writeCalls()).toEqual({});
    const messages = await receiveAllVisible(client, queue.url);
    expect(
      messages.map((m) => JSON.parse(m.Body ?? "")).sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    ).toEqual([
      { tenantId: "alpha", reason: "schedule" },
      { tenantId: "beta", reason: "schedule" },
    ]);
    expect(await handler(sqsEvent(messages, { arn: queue.arn }), context)).toEqual({ batchItemFailures: [] });
    for (const id of ["alpha", "beta"]) {
      const t = await deps.tenants.get(id);
      expect(t?.ramp.connectionId).toBeTruthy();
      const client = clients.get(id) as RampClient;
      const conns = await client.allConnections();
      expect(conns.map((c) => [c.id, c.remote_provider_name])).toEqual([
        [t?.ramp.connectionId, `Journal ${id}`],
      ]);
      let n = 0;
      for await (const _ of client.listGlAccounts()) n++;
      expect(n).toBe(22);
    }
    expect((await deps.tenants.get("gamma"))?.ramp.connectionId).toBeNull();
  });

  it("SQS messages push one tenant each; only the failed message is retried", async () => {
    await r.resetCounters();
    const res = await handler(
      {
        Records: [
          { messageId: "m1", body: JSON.stringify({ tenantId: "alpha" }), eventSource: "aws:sqs" },
          { messageId: "m2", body: JSON.stringify({ tenantId: "nobody" }), eventSource: "aws:sqs" },
          { messageId: "m3", body: "not json", eventSource: "aws:sqs" },
        ],
      },
      context,
    );
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    // alpha had nothing new: list calls only.
    expect(await r.writeCalls()).toEqual({});
  });

  it("a message received before its due time is not pushed: it goes back with the rest of its delay", async () => {
    await r.resetCounters();
    const body = {
      tenantId: "alpha",
      reason: "schedule",
      notBefore: new Date(Date.now() + 600_000).toISOString(),
    };
    const res = await handler(
      { Records: [{ messageId: "early", body: JSON.stringify(body), eventSource: "aws:sqs" }] },
      context,
    );
    expect(res).toEqual({ batchItemFailures: [] });
    expect(await r.calls()).toEqual({});
    // Back on the queue, unchanged, held by SQS (≈ 600 s of delay: never visible before it is due).
    expect(await sqs().depth(queue.url)).toMatchObject({ visible: 0, delayed: 1 });
  });

  it("a push cut off by the deadline sends itself on as a new message; cut off too often in a row, it fails", async () => {
    const third = await r.control<{ client_id: string; client_secret: string }>("POST", "/businesses", {
      seed: 7,
      transactions: 0,
    });
    creds.set("gamma", { clientId: third.client_id, clientSecret: third.client_secret });
    // Its own queue: the earlier test left a delayed message on the shared one.
    const q = await sqs().createQueue("coa-requests-cut", { visibilityTimeoutS: 60 });
    const cut = makeHandler({
      obs: testObservability("coa-push"),
      push: deps,
      scheduleWindowMs: 0,
      requests: coaRequestQueue(client, q.url),
    });
    // 25 s left, under the 30 s safety margin: shouldStop is true from the start, so gamma's (never pushed) chart is cut off.
    const late = createLambdaContext({ functionName: "coa-push", timeoutMs: 25_000 });
    const record = (messageId: string, body: object) => ({
      Records: [{ messageId, body: JSON.stringify(body), eventSource: "aws:sqs" }],
    });
    const first = await cut(record("c1", { tenantId: "gamma", reason: "on_demand" }), late);
    // Not a failed receive (that would count towards the DLQ): a new message, due in a second.
    expect(first).toEqual({ batchItemFailures: [] });
    expect(await sqs().depth(q.url)).toMatchObject({ visible: 0, delayed: 1 });
    await new Promise((done) => setTimeout(done, 1_500));
    const sent = await receiveAllVisible(client, q.url);
    expect(sent.map((m) => JSON.parse(m.Body ?? ""))).toEqual([
      { tenantId: "gamma", reason: "on_demand", continuation: 1 },
    ]);
    // The last allowed continuation cut off again: a failure, retried by SQS, then the DLQ; no new message.
    const stuck = await cut(
      record("c2", { tenantId: "gamma", reason: "on_demand", continuation: MAX_CONTINUATIONS }),
      late,
    );
    expect(stuck).toEqual({ batchItemFailures: [{ itemIdentifier: "c2" }] });
    expect(await sqs().depth(q.url)).toMatchObject({ visible: 0, delayed: 0 });
  });

  it("a direct { tenantId } invoke reports write calls and refused items", async () => {
    const res = await handler({ tenantId: "beta" }, context);
    expect(res).toEqual({ tenantId: "beta", writeCalls: 0, failures: [] });
    await expect(handler({ nope: 1 }, context)).rejects.toThrow(/unrecognised event/);
  });
});
