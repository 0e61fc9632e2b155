/**
 * `reconcile` run as an operator would (`runOps … --json` on a context for the
 * local stack's target) over real wires: the Ramp sandbox over HTTP, DynamoDB
 * Local, the journal ERP. A drain leaves a consistent world (synced objects,
 * known failures on an account made inactive, objects never marked ready):
 * clean, exit 0. Then drift is planted by hand — one entry deleted from the
 * journal, another appended twice, one object exported in Ramp's UI — and the
 * report names exactly those three, exit 1. Ramp list calls stay at ⌈N/100⌉ per
 * listing.
 *
 * Needs the adapters' real findMany (lib/erp/journal/find-many.ts).
 */
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReconcileReport, ReconcileReportSchema } from "../../lib/reconcile/report.js";
import type { LocalStack } from "../../local/runtime/stack.js";
import {
  codeSpend,
  deactivateAccount,
  demoEntityLinks,
  opsOn,
  startJournalStack,
} from "../support/journal-stack.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANT = "acme";
let r: SandboxRamp;
let stack: LocalStack;
let journal: string;

const ops = (...argv: string[]) => opsOn(stack, ...argv);

/** Reconcile with --json, its document checked against the documented schema, and the list calls it made. */
async function reconcileJson(...extra: string[]) {
  await r.resetCounters();
  const res = await ops("reconcile", "--tenant", TENANT, "--json", ...extra);
  const calls = await r.calls();
  return { ...res, report: ReconcileReportSchema.parse(res.json), calls };
}

/** The journal's entries as text blocks (a header line and its indented legs), each with its ref. */
function entries(text: string): Array<{ ref: string; block: string }> {
  const out: Array<{ ref: string; block: string }> = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(lines[i] as string)) continue;
    let j = i + 1;
    while (j < lines.length && /^\s+\S/.test(lines[j] as string)) j++;
    const block = lines.slice(i, j).join("\n");
    const ref = /ramp-ref:(ramp:[a-z_]+:[^,\s]+)/.exec(block)?.[1];
    if (ref) out.push({ ref, block });
    i = j - 1;
  }
  return out;
}

beforeAll(async () => {
  r = await sandboxRamp({
    transactions: 24,
    reimbursements: 4,
    transfers: 2,
    bills: 4,
    vendorCredits: 2,
    cashbacks: 2,
    readyShare: 0.75,
    entities: 2,
    currencies: ["USD", "EUR"],
  });
  const links = await demoEntityLinks(r);
  ({ stack, journal } = await startJournalStack(r, {
    tenantId: TENANT,
    prefix: "reconcile",
    tenant: { entities: links, coa: { pushTax: false }, objectTypes: { vendorCredits: true } },
  }));
  await codeSpend(r, links);
  // Known failures: Meals goes inactive in the ERP after the spend was coded to it.
  await deactivateAccount(journal);
  await stack.pollSchedule();
  await stack.drain({ timeoutMs: 120_000 });
  await stack.sweep();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await r?.close();
});

const objectsOf = (rep: ReconcileReport, kind: string) =>
  rep.kinds.filter((k) => k.kind === kind).reduce((a, k) => a + k.ramp.objects, 0);

describe("reconcile on a drained local stack", () => {
  let before: ReconcileReport;

  it("after the drain Ramp, the ledger and the journal agree: clean, exit 0, known failures included", async () => {
    const res = await reconcileJson();
    expect(res.err).toEqual([]);
    expect(res.report.mismatches).toEqual([]);
    expect(res.report.clean).toBe(true);
    expect(res.code).toBe(0);
    before = res.report;
    if (process.env.RECONCILE_DUMP) console.log(JSON.stringify(before, null, 1));
    const tx = before.kinds.filter((k) => k.kind === "transaction");
    const count = (state: string) =>
      tx.reduce((a, k) => a + ((k.ledger as Record<string, number>)[state] ?? 0), 0);
    expect(count("MARKED")).toBeGreaterThan(2);
    // The consistent FAILED case: coded to the inactive account, nothing in the ERP, not synced in Ramp.
    expect(count("FAILED")).toBeGreaterThan(0);
    expect(count("none")).toBeGreaterThan(0);
    for (const k of tx) expect(k.erp.records).toBe(k.ramp.synced);
    for (const k of tx) for (const t of k.totals) expect(t.erp).toBe(t.rampSynced);
  });

  it("lists every object with at most ⌈N/100⌉ list calls per listing", async () => {
    const res = await reconcileJson();
    const listings = {
      transactions: objectsOf(res.report, "transaction"),
      reimbursements: objectsOf(res.report, "reimbursement"),
      transfers: objectsOf(res.report, "transfer"),
      cashbacks: objectsOf(res.report, "cashback"),
      bills: objectsOf(res.report, "bill"),
    };
    expect(listings.transactions).toBe(24);
    for (const [listing, n] of Object.entries(listings)) {
      const calls = res.calls[`GET /developer/v1/${listing}`] ?? 0;
      expect({ listing, calls }).toEqual({ listing, calls: Math.max(1, Math.ceil(n / 100)) });
    }
  });

  it("an unknown tenant is refused (exit 2); a bad --since is a usage error", async () => {
    const unknown = await ops("reconcile", "--tenant", "nobody", "--json");
    expect(unknown.code).toBe(2);
    expect(unknown.err.join("\n")).toMatch(/unknown tenant nobody/);
    expect((await ops("reconcile", "--tenant", TENANT, "--since", "2026-13-01")).code).toBe(64);
  });

  it("drift planted by hand is named exactly: a deleted entry, a duplicated one, an export in Ramp's UI", async () => {
    const text = await readFile(journal, "utf8");
    const txEntries = entries(text).filter((e) => e.ref.startsWith("ramp:transaction:"));
    expect(txEntries.length).toBeGreaterThan(2);
    const [gone, twice] = txEntries as [(typeof txEntries)[0], (typeof txEntries)[0]];
    await writeFile(journal, `${text.replace(`${gone.block}\n`, "")}\n${twice.block}\n`);

    // An object nobody marked ready, exported in Ramp's UI (it never reaches us).
    const page = await r.client.listTransactions({ syncStatus: "NOT_SYNC_READY", pageSize: 100 }).next();
    const exported = (page.value as { id: string }).id;
    await r.control("POST", "/export", { ids: [exported] });

    const res = await reconcileJson();
    const id = (ref: string) => ref.split(":")[2];
    expect(res.report.mismatches.map((m) => [m.class, m.kind, m.rampId])).toEqual([
      ["duplicate_erp_records", "transaction", id(twice.ref)],
      ["synced_elsewhere", "transaction", exported],
      ["synced_without_erp_record", "transaction", id(gone.ref)],
    ]);
    const dup = res.report.mismatches[0];
    expect(dup?.erpIds).toHaveLength(2);
    expect(dup?.ref).toBe(twice.ref);
    expect(res.report.clean).toBe(false);
    expect(res.code).toBe(1);

    // --kind narrows to one kind; the readable form says what is wrong.
    const readable = await ops("reconcile", "--tenant", TENANT, "--kind", "transaction");
    expect(readable.code).toBe(1);
    expect(readable.out.join("\n")).toMatch(/3 mismatch\(es\)/);
    expect(readable.out.join("\n")).toMatch(/synced_without_erp_record\s+transaction\s+/);
    const reimb = await reconcileJson("--kind", "reimbursement");
    expect(reimb.code).toBe(0);
    expect(reimb.calls["GET /developer/v1/transactions"]).toBeUndefined();
  });

  it("--since narrows the window: nothing dated after the sandbox clock", async () => {
    const res = await reconcileJson("--since", "2027-01-01");
    expect(res.report.since).toBe("2027-01-01");
    expect(objectsOf(res.report, "transaction")).toBe(0);
    expect(res.code).toBe(0);
  });
});
