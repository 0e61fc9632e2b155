/**
 * `ops button enable | disable` (lib/operate/sync-button.ts) through the CLI's
 * own entry (`runOps`) on a whole local stack: DynamoDB Local, the SQS emulator,
 * the Secrets Manager stand-in, the functions built from the manifest (webhook
 * behind its HTTP route, poll job, syncer, sweep), one Ramp sandbox per tenant
 * over HTTP, and a journal ERP per tenant. Each tenant's rows are drained as
 * deployed: `ops sync-now` → poll job → work queue → syncer → sweep.
 *
 * - `slow`: its ERP is the journal with every posting slowed to 500 ms (2
 *   postings/s; `post`, `postBatch` and `finishBatch` only — its chart read is
 *   the journal's own, fast). The same stand-in serves the stack's syncer (the
 *   local stack's `wrapErp`) and the ops context (ContextOptions.wrapErp), so the
 *   ledger's history carries the ERP's pace and a read-only probe alone would
 *   pass: the refusal must come from the measured postings.
 * - `fast`: the plain journal: enabled; Ramp's connection then has the flag, the
 *   subscription the event, and a Sync All click reaches our endpoint.
 * - `fresh`: nothing ever posted: refused, `--force` warns and enables; then
 *   `disable` clears Ramp's flag before the config's (a Ramp failure leaves the
 *   config's flag set).
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ErpWrapper } from "../../lib/aws/tenant-runtime.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { sleep } from "../../lib/domain/time.js";
import type { ErpPort } from "../../lib/erp/port.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { contextOnTarget } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";
import { codeSpend, demoEntityLinks } from "../support/journal-stack.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const POSTING_MS = 500;
const TENANTS = ["slow", "fast", "fresh"] as const;
type TenantId = (typeof TENANTS)[number];

let stack: LocalStack;
let root: string;
const ramp = {} as Record<TenantId, SandboxRamp>;
/** What the slowed adapter was asked, across every instance of it. */
const slowCalls = { postings: 0, readSurface: 0 };

/** Postings of tenant `slow` wait here, one at a time across every call: an ERP that does 2 a second. */
let erpLine: Promise<void> = Promise.resolve();

/** The journal adapter with every posting slowed to POSTING_MS. */
function slowed(erp: ErpPort): ErpPort {
  const wait = (n: number): Promise<void> => {
    const mine = erpLine.then(async () => {
      for (let k = 0; k < n; k++) {
        slowCalls.postings++;
        await sleep(POSTING_MS);
      }
    });
    erpLine = mine.catch(() => {});
    return mine;
  };
  return {
    type: erp.type,
    capabilities: erp.capabilities,
    readSurface: () => {
      slowCalls.readSurface++;
      return erp.readSurface();
    },
    find: (...a) => erp.find(...a),
    attach: (...a) => erp.attach(...a),
    listAttachments: (...a) => erp.listAttachments(...a),
    post: async (p) => {
      await wait(1);
      return erp.post(p);
    },
    postBatch: async (ps) => {
      await wait(ps.length);
      return erp.postBatch(ps);
    },
    finishBatch: async (items) => {
      await wait(items.length);
      return erp.finishBatch(items);
    },
    findMany: (refs) => erp.findMany(refs),
    findBillPayment: (...a) => erp.findBillPayment(...a),
    createVendor: (v) => erp.createVendor(v),
    close: () => erp.close(),
  };
}

/** The stand-in for tenant `slow`, wherever its ERP is opened (the stack's functions, the ops context). */
const wrapErp: ErpWrapper = (erp, t) => (t.tenantId === "slow" ? slowed(erp) : erp);

function context() {
  return contextOnTarget(() => OpsTargetSchema.parse(stack.opsTarget()), silentLogger, process.env, {
    wrapErp,
  });
}

/** `button enable` with a verification wait that fails fast. */
const enable = (tenantId: TenantId, ...more: string[]) =>
  ops("button", "enable", "--tenant", tenantId, "--kind", "transactions", "--timeout-ms", "10000", ...more);

/** One command line through the CLI, as `npx ramp-erp-sync --local … ` would run it. */
async function ops(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = context();
  const code = await runOps(argv, ctx, { out: (l) => out.push(l), err: (l) => err.push(l) });
  ctx.close();
  const json = argv.includes("--json") && out.length ? JSON.parse(out.join("\n")) : undefined;
  return { code, out, err, json };
}

const tenant = async (id: TenantId) => (await stack.store.tenants.get(id)) as TenantConfig;
async function rampFlag(id: TenantId): Promise<boolean> {
  const t = await tenant(id);
  const c = await ramp[id].client.getConnection(t.ramp.connectionId as string);
  return c.settings?.transaction_sync_button_enabled === true;
}
const configFlag = async (id: TenantId) => (await tenant(id)).ramp.settings.transactionSyncButton;
async function subscriptions(id: TenantId) {
  return (await ramp[id].client.listWebhooks()).map((s) => ({
    status: s.status,
    events: [...s.event_types].sort(),
  }));
}

beforeAll(async () => {
  const sizes: Record<TenantId, number> = { slow: 8, fast: 16, fresh: 2 };
  for (const id of TENANTS)
    ramp[id] = await sandboxRamp({
      transactions: sizes[id],
      readyShare: 1,
      entities: 2,
      currencies: ["USD", "EUR"],
    });
  root = await mkdtemp(join(tmpdir(), "ops-button-"));
  stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    env: { JOURNAL_ROOT: root },
    wrapErp,
  });
  for (const id of TENANTS) {
    const r = ramp[id];
    // Retries spread past the receiver's 2 s secret re-read interval (a verification can race our storing its secret).
    r.sb.control.setConfig({ webhooks: { baseDelayMs: 300, maxDelayMs: 3_000 } });
    await mkdir(join(root, id));
    await createDemoJournal(join(root, id, "books.journal"));
    stack.seedSecret(`ramp-erp-sync/${id}/ramp`, {
      client_id: r.sb.clientId,
      client_secret: r.sb.clientSecret,
    });
    const links = await demoEntityLinks(r);
    await stack.saveTenant({
      tenantId: id,
      displayName: id,
      version: 0,
      ramp: { baseUrl: r.sb.url, remoteProviderName: `Journal (${id})` },
      erp: { kind: "journal", path: "books.journal" },
      companies: demoCompanies(),
      entities: links,
      coa: { pushTax: false },
    });
    await stack.coaPush(id);
    await codeSpend(r, links);
  }
  // slow (8 rows, one batch through the slowed adapter: ~4 s) and fast (16 rows), as deployed.
  for (const id of ["slow", "fast"] as const) expect((await ops("sync-now", "--tenant", id)).code).toBe(0);
  await stack.drain({ timeoutMs: 40_000 });
  await stack.sweep();
  for (const id of ["slow", "fast"] as const) {
    const sub = await ops(
      "webhooks",
      "subscribe",
      "--tenant",
      id,
      "--endpoint",
      stack.webhookUrl,
      "--timeout-ms",
      "15000",
    );
    expect(sub, id).toMatchObject({ code: 0 });
  }
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  for (const id of TENANTS) await ramp[id]?.close();
});

describe("ops button enable", () => {
  it("(a) refuses a tenant whose ERP posts at 2/s — measured from the drain, though its chart read is fast", async () => {
    expect(slowCalls.postings).toBe(8);
    const journal = await readFile(join(root, "slow", "books.journal"), "utf8");
    const before = { postings: slowCalls.postings, reads: slowCalls.readSurface };
    const res = await enable("slow", "--json");
    expect(res.code).toBe(2);
    const r = res.json;
    expect(r).toMatchObject({ ok: false, outcome: "refused", subscription: { outcome: "not-reached" } });
    expect(r.problems[0]).toMatch(
      /^1000 rows would take about \d+\.\d s, more than the 255\.0 s the Sync Button leaves us/,
    );
    const { measured, estimate, chartReadMs, budgetMs, concurrency } = r.readiness;
    expect(r.readiness.verdict).toBe("too-slow");
    expect(measured.postings).toBe(8);
    expect(r.sample).toMatchObject({ postedRows: 8, kept: 8, truncated: false });
    // The ERP's pace, as the ledger saw it: ~500 ms a posting, ~2 postings/s.
    expect(measured.perPostingMs).toBeGreaterThanOrEqual(POSTING_MS);
    expect(measured.perPostingMs).toBeLessThan(POSTING_MS * 1.5);
    expect(measured.postingsPerSecond).toBeGreaterThan(1.3);
    expect(measured.postingsPerSecond).toBeLessThanOrEqual(2);
    expect(concurrency).toEqual({ tenant: 4, adapter: 1, effective: 1 });
    expect(estimate.postingMs).toBeGreaterThan(budgetMs);
    // A read-only probe alone would have passed: the chart read and Ramp's calls fit easily.
    expect(chartReadMs).toBeLessThan(2_000);
    expect(estimate.chartReadMs + estimate.rampMs).toBeLessThan(budgetMs);
    // It read the chart through the tenant's (stand-in) adapter and posted nothing.
    expect(slowCalls).toEqual({ postings: before.postings, readSurface: before.reads + 1 });
    expect(await readFile(join(root, "slow", "books.journal"), "utf8")).toBe(journal);
    // Nothing was turned on.
    expect(await rampFlag("slow")).toBe(false);
    expect(await configFlag("slow")).toBe(false);
    expect(await subscriptions("slow")).toEqual([
      {
        status: "active",
        events: [
          "bills.ready_to_sync",
          "reimbursements.ready_to_sync",
          "transactions.ready_to_sync",
          "transactions.receipt_added",
        ],
      },
    ]);

    // The readable form prints the numbers and says what to do; --force changes nothing.
    const text = await enable("slow", "--force");
    expect(text.code).toBe(2);
    const line = text.out.find((l) => l.includes("ms per posting")) ?? "";
    const m = /measured: 8 postings .*busy (\d+\.\d) s → (\d+) ms per posting, (\d\.\d\d) postings\/s/.exec(
      line,
    );
    expect(m, line).not.toBeNull();
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(POSTING_MS);
    expect(text.out.join("\n")).toMatch(/chart read: \d+ ms/);
    expect(text.out.join("\n")).toMatch(
      /estimate for 1000 rows: \d+\.\d s postings \+ .* = \d+\.\d s; budget 255\.0 s \(300\.0 s window − 45\.0 s margin\)/,
    );
    expect(text.err[0]).toMatch(/^refused: 1000 rows would take about/);
    expect(text.err[1]).toMatch(/^hint: .*--force does not override a measurement/);
    expect(await rampFlag("slow")).toBe(false);
  });

  it("(b) enables the plain journal after a drain: Ramp's connection has the flag, the subscription the event", async () => {
    const dry = await enable("fast", "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({
      ok: true,
      outcome: "would-enable",
      subscription: { outcome: "would-subscribe" },
      config: "would-set",
      ramp: "would-set",
    });
    expect([await rampFlag("fast"), await configFlag("fast")]).toEqual([false, false]);
    expect((await subscriptions("fast"))[0]?.events).not.toContain("transactions.sync_requested");

    const res = await enable("fast", "--json");
    expect(res.json.problems).toEqual([]);
    expect(res.code).toBe(0);
    const r = res.json;
    expect(r).toMatchObject({ ok: true, outcome: "enabled", config: "set", ramp: "set", warnings: [] });
    expect(r.readiness.verdict).toBe("ready");
    expect(r.readiness.measured.postings).toBe(16);
    expect(r.readiness.estimate.totalMs).toBeLessThanOrEqual(r.readiness.budgetMs);
    expect(r.subscription).toMatchObject({ outcome: "created" });
    expect(r.subscription.eventTypes).toEqual([
      "bills.ready_to_sync",
      "reimbursements.ready_to_sync",
      "transactions.ready_to_sync",
      "transactions.receipt_added",
      "transactions.sync_requested",
    ]);
    // In Ramp: the connection's flag, and one verified subscription carrying the event (the old one gone).
    expect(await rampFlag("fast")).toBe(true);
    expect(await subscriptions("fast")).toEqual([{ status: "active", events: r.subscription.eventTypes }]);
    expect(await configFlag("fast")).toBe(true);
    // A click now reaches our endpoint and is accepted (signed with the new subscription's secret).
    await ramp.fast.control("POST", "/sync-all", { kind: "transactions" });
    await ramp.fast.sb.control.webhooksIdle();
    const deliveries = await ramp.fast.control<Array<{ event_type: string; status: number | null }>>(
      "GET",
      "/webhooks/deliveries",
    );
    expect(
      deliveries.filter((d) => d.event_type === "transactions.sync_requested").map((d) => d.status),
    ).toEqual([200]);
    // The next coa-push keeps it on (it pushes the config's settings), and a rerun changes nothing.
    await stack.coaPush("fast");
    expect(await rampFlag("fast")).toBe(true);
    const again = await enable("fast", "--json");
    expect(again.json).toMatchObject({
      outcome: "enabled",
      subscription: { outcome: "unchanged" },
      config: "unchanged",
      ramp: "unchanged",
    });
  });

  it("(c) with no posting in the ledger: refused; --force warns loudly and enables; no subscription is refused either way", async () => {
    const unsubscribed = await enable("fresh", "--force", "--json");
    expect(unsubscribed.code).toBe(2);
    expect(unsubscribed.json).toMatchObject({
      outcome: "refused",
      readiness: { verdict: "no-history" },
      config: "not-reached",
      ramp: "not-reached",
    });
    expect(unsubscribed.json.problems[0]).toMatch(/no verified webhook subscription/);
    expect(unsubscribed.json.hint).toMatch(/ops webhooks subscribe --tenant fresh/);
    expect([await rampFlag("fresh"), await configFlag("fresh")]).toEqual([false, false]);

    expect(
      (await ops("webhooks", "subscribe", "--tenant", "fresh", "--endpoint", stack.webhookUrl)).code,
    ).toBe(0);
    const refused = await enable("fresh");
    expect(refused.code).toBe(2);
    expect(refused.out.join("\n")).toMatch(/measured: no posting/);
    expect(refused.err[0]).toMatch(/^refused: no transaction posting of tenant fresh in the ledger since /);
    expect(refused.err[1]).toMatch(/--force/);
    expect([await rampFlag("fresh"), await configFlag("fresh")]).toEqual([false, false]);

    const forced = await enable("fresh", "--force");
    expect(forced.code).toBe(0);
    expect(forced.err).toEqual([
      expect.stringMatching(
        /^WARNING: NOT MEASURED: no transaction posting in the ledger; enabling the button without evidence/,
      ),
    ]);
    expect(forced.out.at(-1)).toBe("the transactions Sync Button is on for fresh");
    expect([await rampFlag("fresh"), await configFlag("fresh")]).toEqual([true, true]);
    expect((await subscriptions("fresh"))[0]?.events).toContain("transactions.sync_requested");
  });

  it("(d) disable clears Ramp's flag first, then the config's, and leaves the subscription", async () => {
    // Ramp refuses the PATCH: the config keeps its flag (it is cleared only after Ramp's).
    const patch = "PATCH /developer/v1/accounting/connection/{connection_id}";
    ramp.fresh.sb.control.setConfig({ faults: { [patch]: { errorRate: 1, status: 400 } } });
    const failed = await ops("button", "disable", "--tenant", "fresh", "--kind", "transactions", "--json");
    ramp.fresh.sb.control.setConfig({ faults: { [patch]: null } as never });
    expect(failed.code).toBe(1);
    expect(failed.json).toMatchObject({
      ok: false,
      outcome: "failed",
      ramp: "not-reached",
      config: "not-reached",
    });
    expect([await rampFlag("fresh"), await configFlag("fresh")]).toEqual([true, true]);

    const res = await ops("button", "disable", "--tenant", "fresh", "--kind", "transactions", "--json");
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({
      ok: true,
      outcome: "disabled",
      ramp: "cleared",
      config: "cleared",
      subscription: { outcome: "kept" },
    });
    expect(res.json.message).toMatch(/subscription is left as it is/);
    expect([await rampFlag("fresh"), await configFlag("fresh")]).toEqual([false, false]);
    expect((await subscriptions("fresh"))[0]?.events).toContain("transactions.sync_requested");
    // Ramp no longer offers the button.
    await expect(ramp.fresh.control("POST", "/sync-all", { kind: "transactions" })).rejects.toThrow();
    const again = await ops("button", "disable", "--tenant", "fresh", "--kind", "transactions", "--json");
    expect(again.json).toMatchObject({ outcome: "disabled", ramp: "unchanged", config: "unchanged" });
  });

  it("an unknown tenant is refused (exit 2), a missing --kind is a usage error (64)", async () => {
    const res = await ops("button", "enable", "--tenant", "nobody", "--kind", "transactions");
    expect(res).toMatchObject({
      code: 2,
      err: ["refused: unknown tenant nobody", "hint: ramp-erp-sync tenants list"],
    });
    expect((await ops("button", "disable", "--tenant", "fast")).code).toBe(64);
    expect((await ops("button", "enable", "--tenant", "fast", "--kind", "bills")).code).toBe(64);
  });
});
