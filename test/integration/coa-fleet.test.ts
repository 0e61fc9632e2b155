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
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeHandler } from "../../functions/coa-push/make-handler.js";
import { MANIFEST, type Trigger, withFunction } from "../../infra/functions.js";
import { coaRequestQueue } from "../../lib/aws/coa-requests.js";
import { changeVisibility } from "../../lib/aws/sqs.js";
import { COA_METRIC } from "../../lib/coa/metrics.js";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import type { CompanyConfig } from "../../lib/config/tenant.js";
import { createErp } from "../../lib/erp/index.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createTenants } from "../../lib/store/tenants.js";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";
import { opsOn } from "../support/journal-stack.js";
import { testObservability } from "../support/observability.js";
import { collect, type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANTS = 200;
const CONCURRENCY = 3;
const WINDOW_S = 3;
const ACCOUNTS = 7;
const OPTIONS = 2;

/** One company per tenant, its defaults in the chart below. */
const company = (key: string): CompanyConfig => ({
  key,
  erpCompanyId: key,
  currency: "USD",
  defaults: {
    cardLiability: `${key}:Liabilities:Ramp Card`,
    accountsPayable: `${key}:Liabilities:Accounts Payable`,
    bank: `${key}:Assets:Bank:Operating`,
    reimbursementsPayable: `${key}:Liabilities:Reimbursements Payable`,
    cashbackIncome: `${key}:Revenue:Cashback`,
    defaultExpense: `${key}:Expenses:Office Supplies`,
    fallbackVendor: `${key}:Office Depot`,
  },
});

/** A small chart: 7 GL accounts and a Department dimension with 2 options. */
const smallChart = (key: string, name: string) =>
  `${[
    `; ramp-company: ${key} | USD | ${name}`,
    "; ramp-field: department | Department",
    `; ramp-option: ${key} | department | Engineering | ENG`,
    `; ramp-option: ${key} | department | Sales | SAL`,
    "commodity 1000.00 USD",
    `account ${key}:Assets:Bank:Operating  ; type: C, code: 1000`,
    `account ${key}:Liabilities:Ramp Card  ; type: L, code: 2000, ramp-class: CREDCARD`,
    `account ${key}:Liabilities:Accounts Payable  ; type: L, code: 2100`,
    `account ${key}:Liabilities:Reimbursements Payable  ; type: L, code: 2200`,
    `account ${key}:Revenue:Cashback  ; type: R, code: 4900`,
    `account ${key}:Expenses:Meals  ; type: X, code: 6100`,
    `account ${key}:Expenses:Office Supplies  ; type: X, code: 6400`,
    "payee Office Depot",
  ].join("\n")}\n`;

type Creds = { client_id: string; client_secret: string };

let r: SandboxRamp;
let stack: LocalStack;
let root: string;
const creds = new Map<string, Creds>();
const ids = Array.from({ length: TENANTS }, (_, i) => `fleet-${String(i).padStart(3, "0")}`);

/** Tenant `id` on its own business, its chart in its journal, its secret seeded. */
async function addTenant(id: string, c: Creds) {
  creds.set(id, c);
  await mkdir(join(root, id));
  await writeFile(join(root, id, "books.journal"), smallChart("co", `${id} Inc`));
  stack.seedSecret(`ramp-erp-sync/${id}/ramp`, c);
  await stack.saveTenant({
    tenantId: id,
    displayName: id,
    version: 0,
    ramp: { baseUrl: r.sb.url, remoteProviderName: `Journal ${id}` },
    erp: { kind: "journal", path: "books.journal" },
    companies: [company("co")],
    coa: { pushVendors: false, pushTax: false },
  });
}

beforeAll(async () => {
  r = await sandboxRamp({ transactions: 0 });
  root = await mkdtemp(join(tmpdir(), "coa-fleet-"));
  // Test settings, through the manifest both stacks read: a 3-second window, 3 pushes at once.
  const spec = MANIFEST.functions.coaPush;
  const manifest = withFunction(MANIFEST, "coaPush", {
    env: { ...spec.env, COA_PUSH_WINDOW_SECONDS: { value: String(WINDOW_S) } },
    triggers: spec.triggers.map(
      (t): Trigger => ("queue" in t ? { ...t, maximumConcurrency: CONCURRENCY } : t),
    ),
  });
  stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    env: { JOURNAL_ROOT: root },
    manifest,
  });
  for (let k = 0; k < TENANTS; k += 20) {
    await Promise.all(
      ids.slice(k, k + 20).map(async (id, j) => {
        const c = await r.control<Creds>("POST", "/businesses", {
          seed: 1000 + k + j,
          transactions: 0,
          reimbursements: 0,
          bills: 0,
          transfers: 0,
          cashbacks: 0,
        });
        await addTenant(id, c);
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await r?.close();
});

/** A Ramp client for a tenant's business, to read what its push left there. */
const rampOf = (id: string, fetchImpl?: typeof fetch) => {
  const c = creds.get(id) as Creds;
  return createRampClient({
    tenantId: id,
    baseUrl: r.sb.url,
    credentials: { get: async () => ({ clientId: c.client_id, clientSecret: c.client_secret }) },
    tokens: createMemoryTokenStore(),
    limiter: createMemoryRateLimiter(),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
};

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
    const drained = await stack.drain({ timeoutMs: 90_000 });

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
        ids.slice(k, k + 20).map(async (id) => {
          const client = rampOf(id);
          const tenant = await stack.store.tenants.get(id);
          expect(tenant?.ramp.connectionId).toBeTruthy();
          expect(await collect(client.listGlAccounts())).toHaveLength(ACCOUNTS);
        }),
      );
    }
  }, 120_000);

  it("a push cut off after its first upload resumes from Ramp's lists: nothing is uploaded twice", async () => {
    const id = "fleet-resume";
    await addTenant(id, await r.control<Creds>("POST", "/businesses", { seed: 5000, transactions: 0 }));
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
      rampFor: (t) => rampOf(t.tenantId, counting),
      erpFor: (t) => createErp(t, { journalRoot: root }),
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

    // Cut off once (a batch item failure brought back in a second), then finished.
    expect(stats).toMatchObject({ invocations: 2, failedItems: 1, deleted: 1 });
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    const uploaded = uploads.flatMap((u) => u.ids.map((x) => `${u.path} ${x}`));
    expect(new Set(uploaded).size).toBe(uploaded.length);
    expect(uploaded).toHaveLength(ACCOUNTS + OPTIONS);
    expect(await collect(rampOf(id).listGlAccounts())).toHaveLength(ACCOUNTS);
  }, 60_000);

  it("ops coa-push --all enqueues every enabled tenant on the same path (staggered), --tenant one, --dry-run none", async () => {
    await r.resetCounters();
    const dry = await opsOn(stack, "coa-push", "--all", "--window", "2", "--dry-run", "--json");
    expect(dry.json).toMatchObject({ dryRun: true, enqueued: creds.size, windowS: 2, invalid: [] });
    expect(await stack.depths()).toMatchObject({ "coa-requests": { total: 0 } });
    expect((await opsOn(stack, "coa-push", "--tenant", "nobody", "--json")).code).toBe(2);
    expect((await opsOn(stack, "coa-push", "--all", "--tenant", "fleet-000")).code).toBe(64);

    const all = await opsOn(stack, "coa-push", "--all", "--window", "2", "--json");
    expect(all.json).toMatchObject({ dryRun: false, enqueued: creds.size, windowS: 2 });
    const one = await opsOn(stack, "coa-push", "--tenant", "fleet-000", "--json");
    expect(one.json).toMatchObject({ enqueued: 1, tenants: ["fleet-000"] });
    const pushedBefore = sum(COA_METRIC.pushed);
    const drained = (await stack.drain({ timeoutMs: 90_000 })).coaRequests;
    expect(sum(COA_METRIC.pushed) - pushedBefore).toBe(creds.size + 1);
    expect(drained.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    // Every chart was already pushed: the bulk run read Ramp's lists and wrote nothing, without a 429.
    const stats = await r.control<{ rateLimited: number }>("GET", "/stats");
    expect(stats.rateLimited).toBe(0);
    expect(await r.writeCalls()).toEqual({});
  }, 120_000);
});
