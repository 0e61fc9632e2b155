/**
 * Kill-based chaos against the live Tryton (no unique constraint on references
 * there: the lease, the takeover's completeness check and the finishing path are
 * all that keep a killed write from becoming a duplicate or a half-done record
 * reported synced). The real syncer and sweep Lambdas run in a child process that
 * logs in as the integration user with the password from the Secrets Manager
 * stand-in; kills are aimed at create → post (moves, invoices, payment moves),
 * invoice → payment (reimbursements Ramp already paid), payment → reconciliation,
 * between the records of a batch, ERP write → ledger record and the report call.
 * The database is persistent: every run uses a fresh sandbox seed (fresh Ramp ids).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLive, type Live, liveTenantErp, SYNC_LOGIN } from "../erp/support/tryton-live.js";
import { type Harness, syncerHarness } from "../integration/syncer-harness.js";
import { threeWayCheck } from "./check.js";
import { type ChaosPlan, type ChaosSetup, chaosSetup, runChaos, type WindowName } from "./harness.js";
import { feedFor, printSummary } from "./plan.js";

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const PASSWORD_SECRET = "ramp-erp-sync/acme/erp";
let live: Live;
let h: Harness;
let s: ChaosSetup;

beforeAll(async () => {
  live = await connectLive();

  h = await syncerHarness({
    seed: SEED,
    transactions: 90,
    reimbursements: 40,
    bills: 16,
    transfers: 3,
    cashbacks: 3,
    vendorlessShare: 0,
    erp: liveTenantErp(live),
  });
  s = await chaosSetup(h, {
    dynamoEndpoint: h.dynamoEndpoint,
    tableName: h.tableName,
    erpSecrets: { [PASSWORD_SECRET]: { password: SYNC_LOGIN.password } },
  });
});
afterAll(async () => {
  await s?.stop();
  await h?.close();
});

const KILLS: Partial<Record<WindowName, number>> = process.env.CHAOS_QUICK
  ? { "ERP write → ledger record": 3, "create → post": 3 }
  : {
      "create → post": 10,
      "invoice → payment": 10,
      "between batch records": 10,
      "ERP write → ledger record": 10,
      "report call": 10,
      "payment → reconciliation": 1,
      "random moment": 1,
    };

/** Moves by description (ours, and reimbursement payments `#payment`) and invoices by reference. */
async function recordsUnder(refs: readonly string[], companyKey: string): Promise<Map<string, number>> {
  const c = companyKey === live.eu.key ? live.eu : live.us;
  const rpc = live.session.rpc;
  const ctx = live.session.ctx(c.id);
  const [moves, invoices] = await Promise.all([
    rpc.searchRead<{ description: string }>(
      "account.move",
      [
        ["company", "=", c.id],
        ["description", "in", [...refs]],
      ],
      ["description"],
      ctx,
    ),
    rpc.searchRead<{ reference: string }>(
      "account.invoice",
      [
        ["company", "=", c.id],
        ["type", "=", "in"],
        ["reference", "in", [...refs]],
      ],
      ["reference"],
      ctx,
    ),
  ]);
  const out = new Map<string, number>(refs.map((r) => [r, 0]));
  for (const m of moves) out.set(m.description, (out.get(m.description) ?? 0) + 1);
  for (const i of invoices) out.set(i.reference, (out.get(i.reference) ?? 0) + 1);
  return out;
}

describe("chaos: SIGKILLed syncers against the live Tryton", () => {
  it(`seed ${SEED}: 0 duplicates, 0 incomplete reported synced, 0 lost, 0 told twice`, async () => {
    const items = await h.ready();
    const plan: ChaosPlan = { kills: KILLS, feed: feedFor, seed: SEED, windowTimeoutMs: 15_000 };
    const result = await runChaos(s, items, plan);
    const check = await threeWayCheck(h, { port: h.erp, recordsUnder }, items);
    printSummary("tryton", result, check);
    expect(check.problems).toEqual([]);
    expect(check.counts).toEqual({ duplicates: 0, incompleteSynced: 0, lost: 0, toldTwice: 0 });
    for (const [w, n] of Object.entries(KILLS)) expect(result.killsPerWindow[w] ?? 0, w).toBe(n);
    expect((await s.sqs.depth(s.dlqUrl)).total).toBe(0);
  });
});
