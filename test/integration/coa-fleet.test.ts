/**
 * Fleet scheduling of chart-of-accounts pushes on the local stack (issue #18,
 * Deliver 4): 200 tenants, each its own Ramp business in one sandbox (over
 * HTTP) and its own small journal chart, pushed by one tick of the daily
 * schedule. The tick fans out one message per tenant onto the coa-request
 * queue (SQS emulator) due at random over the window; the queue's event source
 * mapping runs at most its manifest `maximumConcurrency` pushes at once.
 *
 * The window and the concurrency are test settings given through the manifest
 * (a 3-second window, 3 at once), not sleeps: the drain simply waits for the
 * queue to empty.
 *
 * The second test interrupts one tenant's push after its first upload (the
 * Lambda deadline, as `shouldStop` sees it) and proves the resumed push
 * uploads nothing twice: every item in the sandbox's upload bodies once.
 */
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeHandler } from "../../functions/coa-push/make-handler.js";
import { coaRequestQueue } from "../../lib/aws/coa-requests.js";
import { changeVisibility } from "../../lib/aws/sqs.js";
import { COA_METRIC } from "../../lib/coa/metrics.js";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import { createErp } from "../../lib/erp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createTenants } from "../../lib/store/tenants.js";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import type { LocalStack } from "../../local/runtime/stack.js";
import {
  type CoaFleetWorld,
  FLEET_ACCOUNTS,
  FLEET_OPTIONS,
  startCoaFleetWorld,
} from "../support/coa-fleet-world.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";
import { opsOn } from "../support/journal-stack.js";
import { testObservability } from "../support/observability.js";
import { collect, type SandboxRamp } from "./coa-harness.js";

const TENANTS = 200;
const CONCURRENCY = 3;
const WINDOW_S = 3;

let w: CoaFleetWorld;
let stack: LocalStack;
let r: SandboxRamp;

beforeAll(async () => {
  w = await startCoaFleetWorld({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tenants: TENANTS,
    windowS: WINDOW_S,
    concurrency: CONCURRENCY,
  });
  ({ stack, r } = w);
}, 120_000);

afterAll(async () => {
  await w?.stop();
});

/** A metric's total over every EMF document the stack's functions published. */
const sum = (name: string) => stack.metrics.values(name).reduce((a, v) => a + v.value, 0);

describe("the daily coa push across a fleet on the local stack", () => {
  it("one tick pushes 200 charts, at most the configured concurrency at once, never over Ramp's rate limit", async () => {
    await r.resetCounters();
    expect(stack.plan.functions.coaPush.triggers).toContainEqual(
      expect.objectContaining({ kind: "queue", queue: "coaRequests", maximumConcurrency: CONCURRENCY }),
    );
    const tick = await stack.fire("DailyCoaPush");
    expect(tick).toEqual({ enqueued: TENANTS, invalid: 0 });
    // Generous give-up (a loaded machine runs 200 pushes slowly); a passing run costs ~60 s.
    const drained = await stack.drain({ timeoutMs: 200_000 });

    const m = drained.coaRequests;
    expect(m).toMatchObject({ thrown: 0, timedOut: 0, failedItems: 0, deleteFailures: 0 });
    expect(m.deleted).toBe(m.received);
    // Bounded, and the bound reached: pushes did run side by side.
    expect(m.maxInFlight).toBe(CONCURRENCY);
    const stats = await r.control<{ rateLimited: number; rateLimitedByApp: Record<string, number> }>(
      "GET",
      "/stats",
    );
    expect(stats.rateLimited).toBe(0);
    expect(stats.rateLimitedByApp).toEqual({});
    expect(await stack.depths()).toMatchObject({ "coa-requests-dlq": { total: 0 } });
    expect(sum(COA_METRIC.pushed)).toBe(TENANTS);
    expect(sum(COA_METRIC.tenantFailures)).toBe(0);

    // Every chart complete in its own business, and each tenant's connection id stored.
    for (let k = 0; k < TENANTS; k += 20) {
      await Promise.all(
        w.ids.slice(k, k + 20).map(async (id) => {
          const client = w.rampOf(id);
          const tenant = await stack.store.tenants.get(id);
          expect(tenant?.ramp.connectionId).toBeTruthy();
          expect(await collect(client.listGlAccounts())).toHaveLength(FLEET_ACCOUNTS);
        }),
      );
    }
  }, 240_000);

  it("a push cut off after its first upload resumes from Ramp's lists: nothing is uploaded twice", async () => {
    const id = "fleet-resume";
    await w.addTenant(id, 5000);
    // This tenant's uploads, as the sandbox receives them (POST bodies of the upload routes).
    const uploads: Array<{ path: string; ids: string[] }> = [];
    const counting: typeof fetch = async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (init?.method === "POST" && /\/accounting\/(accounts|field-options)$/.test(url.pathname)) {
        const body = JSON.parse(String(init.body)) as Record<string, Array<{ id: string }>>;
        const items = body.gl_accounts ?? body.options ?? [];
        uploads.push({ path: url.pathname, ids: items.map((x) => x.id) });
      }
      return fetch(input, init);
    };
    // coa-push's own handler on the stack's table, one queue of its own on the stack's SQS.
    const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: inject("dynamoEndpoint") });
    const store = { doc, tableName: stack.tableName };
    const push: TenantPushDeps = {
      tenants: createTenants(store),
      snapshots: createCoaSnapshots(store),
      rampFor: (t) => w.rampOf(t.tenantId, counting),
      erpFor: (t) => createErp(t, { journalRoot: w.root }),
    };
    const q = await stack.sqs.createQueue("coa-resume", { visibilityTimeoutS: 120 });
    const sqs = stack.sqs.client();
    const handler = makeHandler({
      obs: testObservability("coa-push"),
      push,
      scheduleWindowMs: 0,
      requests: coaRequestQueue(sqs, q.url),
      changeVisibility: (changes) => changeVisibility(sqs, [q.url], changes),
    });
    // The first invocation's deadline arrives right after its first upload.
    let invocation = 0;
    const mapping = eventSourceMapping({
      client: sqs,
      queueUrl: q.url,
      batchSize: 1,
      functionTimeoutMs: 60_000,
      reportBatchItemFailures: true,
      handler: (event, context: Context) => {
        const first = ++invocation === 1;
        const getRemainingTimeInMillis = () =>
          first && uploads.length > 0 ? 0 : context.getRemainingTimeInMillis();
        return handler(event, { ...context, getRemainingTimeInMillis });
      },
    });
    await coaRequestQueue(sqs, q.url).send([
      { request: { tenantId: id, reason: "on_demand" }, delaySeconds: 0 },
    ]);
    await mapping.start();
    const stats = await mapping.drain({ timeoutMs: 30_000 });
    await mapping.stop();
    doc.destroy();

    // Cut off once and sent on as a new message (never a failed receive), then finished.
    expect(stats).toMatchObject({ invocations: 2, failedItems: 0, deleted: 2 });
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    const uploaded = uploads.flatMap((u) => u.ids.map((x) => `${u.path} ${x}`));
    expect(new Set(uploaded).size).toBe(uploaded.length);
    expect(uploaded).toHaveLength(FLEET_ACCOUNTS + FLEET_OPTIONS);
    expect(await collect(w.rampOf(id).listGlAccounts())).toHaveLength(FLEET_ACCOUNTS);
  }, 60_000);

  it("ops coa-push --all enqueues every enabled tenant on the same path (staggered), --tenant one, --dry-run none", async () => {
    await r.resetCounters();
    const dry = await opsOn(stack, "coa-push", "--all", "--window", "2", "--dry-run", "--json");
    expect(dry.json).toMatchObject({ dryRun: true, enqueued: w.tenantCount(), windowS: 2, invalid: [] });
    expect(await stack.depths()).toMatchObject({ "coa-requests": { total: 0 } });
    expect((await opsOn(stack, "coa-push", "--tenant", "nobody", "--json")).code).toBe(2);
    expect((await opsOn(stack, "coa-push", "--all", "--tenant", w.ids[0] as string)).code).toBe(64);

    const all = await opsOn(stack, "coa-push", "--all", "--window", "2", "--json");
    expect(all.json).toMatchObject({ dryRun: false, enqueued: w.tenantCount(), windowS: 2 });
    const one = await opsOn(stack, "coa-push", "--tenant", w.ids[0] as string, "--json");
    expect(one.json).toMatchObject({ enqueued: 1, tenants: [w.ids[0]] });
    const pushedBefore = sum(COA_METRIC.pushed);
    const drained = (await stack.drain({ timeoutMs: 90_000 })).coaRequests;
    expect(sum(COA_METRIC.pushed) - pushedBefore).toBe(w.tenantCount() + 1);
    expect(drained.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    // Every chart was already pushed: the bulk run read Ramp's lists and wrote nothing, without a 429.
    const stats = await r.control<{ rateLimited: number }>("GET", "/stats");
    expect(stats.rateLimited).toBe(0);
    expect(await r.writeCalls()).toEqual({});
  }, 120_000);
});
