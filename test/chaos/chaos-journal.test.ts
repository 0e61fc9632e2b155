/**
 * Kill-based chaos against the journal ERP: the real syncer and sweep Lambdas in
 * a child process, SIGKILLed at aimed windows across a seeded mixed backlog, then
 * recovered; every object checked three ways (test/chaos/check.ts). The journal
 * writes each batch with one append: its windows inside the write are torn
 * appends (a kill during write(2) leaves a short write at a page boundary), which
 * the adapter must repair before anything is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, syncerHarness } from "../integration/syncer-harness.js";
import { threeWayCheck } from "./check.js";
import { type ChaosPlan, type ChaosSetup, chaosSetup, runChaos, type WindowName } from "./harness.js";
import { feedFor, printSummary } from "./plan.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20261201);
let h: Harness;
let s: ChaosSetup;

beforeAll(async () => {
  h = await syncerHarness({
    seed: SEED % 100_000,
    transactions: 130,
    reimbursements: 40,
    bills: 14,
    transfers: 4,
    cashbacks: 4,
    vendorlessShare: 0,
  });
  s = await chaosSetup(h, { dynamoEndpoint: h.dynamoEndpoint, tableName: h.tableName });
});
afterAll(async () => {
  await s?.stop();
  await h?.close();
});

const KILLS: Partial<Record<WindowName, number>> = {
  "create → post": 10,
  "invoice → payment": 10,
  "between batch records": 10,
  "ERP write → ledger record": 10,
  "report call": 10,
  "random moment": 3,
};

describe("chaos: SIGKILLed syncers against the journal ERP", () => {
  it(`seed ${SEED}: 0 duplicates, 0 incomplete reported synced, 0 lost, 0 told twice`, async () => {
    const items = await h.ready();
    const plan: ChaosPlan = { kills: KILLS, feed: feedFor, seed: SEED };
    const result = await runChaos(s, items, plan);
    const written = await h.journalRefs();
    const truth = {
      port: h.erp,
      recordsUnder: async (refs: readonly string[]) => new Map(refs.map((r) => [r, written.get(r) ?? 0])),
    };
    const check = await threeWayCheck(h, truth, items);
    printSummary("journal", result, check);
    expect(check.problems).toEqual([]);
    expect(check.counts).toEqual({ duplicates: 0, incompleteSynced: 0, lost: 0, toldTwice: 0 });
    for (const [w, n] of Object.entries(KILLS)) expect(result.killsPerWindow[w] ?? 0, w).toBe(n);
    expect((await s.sqs.depth(s.dlqUrl)).total).toBe(0);
  });
});
