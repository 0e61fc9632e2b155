/**
 * The vendor-credit listing is incremental (lib/poll/credit-window.ts), over real wires: the
 * Ramp sandbox over HTTP (which honours `from_created_at` and `include_fully_used` like
 * Ramp), DynamoDB Local for the ledger and cursors, fauxqs for the work queue. A second poll
 * lists only credits created since the last walk's start less the overlap — fully used ones
 * included — plus any older credit the ledger has not finished; what it re-lists is skipped
 * by the ledger.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pollJob } from "../../lib/poll/job.js";
import { runPollJob } from "../../lib/poll/run-job.js";
import type { RampHttp } from "../../lib/ramp/http.js";
import { type PollerWorld, pollerWorld } from "./poller-support.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The sandbox's manual clock (test/integration/coa-harness.ts). */
const T0 = Date.UTC(2026, 5, 15, 12, 0, 0);

let w: PollerWorld;
beforeEach(async () => {
  w = await pollerWorld({
    transactions: 0,
    reimbursements: 0,
    bills: 8,
    transfers: 0,
    cashbacks: 0,
    vendorCredits: 5,
  });
});
afterEach(() => w.close());

interface Listed {
  query: URLSearchParams;
  ids: string[];
}

/** Runs a credit-only poll at `now`, returning each credit list call's query and the ids it returned. */
async function pollCredits(now: number) {
  const listed: Listed[] = [];
  const http: RampHttp = {
    ...w.r.client.http,
    request: (async (spec: Parameters<RampHttp["request"]>[0]) => {
      const res = await w.r.client.http.request(spec);
      const url = new URL(spec.path, "https://x.invalid");
      if (url.pathname.endsWith("/vendors/credits")) {
        const data = (res as { data: Array<{ id: string }> }).data;
        listed.push({ query: url.searchParams, ids: data.map((d) => d.id) });
      }
      return res;
    }) as RampHttp["request"],
  };
  const r = await runPollJob(
    w.deps({ ramp: { ...w.r.client, http }, clock: () => now }),
    w.tenant,
    pollJob(w.tenant.tenantId, now, ["vendor_credit"]),
  );
  const enqueued = (await w.drainWork()).map((m) => m.rampId).sort();
  return { r, listed, enqueued, ids: listed.flatMap((l) => l.ids).sort() };
}

/** Every credit in the sandbox with its created_at, fully used or not. */
async function allCredits() {
  const out: Array<{ id: string; entityId: string | null; createdAt: number; remaining: number | null }> = [];
  for await (const c of w.r.client.listVendorCredits({ extra: { include_fully_used: true } }))
    out.push({
      id: c.id,
      entityId: c.entityId,
      createdAt: Date.parse(c.createdAt as string),
      remaining: c.remainingAmount?.minor ?? null,
    });
  return out;
}

async function createCredit(body: Record<string, unknown>): Promise<string> {
  return (await w.r.control<{ id: string }>("POST", "/vendor-credits", body)).id;
}

/** What the syncer would leave: the credit MARKED (posted; Ramp has no credit sync to tell). */
async function markPosted(ids: readonly string[]) {
  for (const rampId of ids) {
    const key = { tenantId: w.tenant.tenantId, kind: "vendor_credit" as const, rampId };
    const c = await w.store.ledger.claim({ ...key, owner: "test", leaseMs: 60_000, fingerprint: "f" });
    if (c.outcome === "skip") continue;
    await w.store.ledger.recordPosted(key.tenantId, key.kind, rampId, "test", `erp-${rampId}`, c.item);
  }
}

describe("incremental vendor-credit poll", () => {
  it("a second poll lists only credits created since the cursor less the overlap, fully used ones and open failures included", async () => {
    // A bill's vendor and entity, for the credits this test places by hand.
    let bill: { id: string; vendorId: string; entityId: string; minor: number } | null = null;
    for await (const b of w.r.client.listBills({ paymentStatus: "OPEN" }))
      if (!bill && b.vendor?.id && b.entityId)
        bill = { id: b.id, vendorId: b.vendor.id, entityId: b.entityId, minor: b.amount.minor };
    if (!bill) throw new Error("the sandbox seeded no open bill");
    const at = (ms: number) => new Date(ms).toISOString();
    const place = { vendor_id: bill.vendorId, entity_id: bill.entityId };
    // Fully used before we ever listed it: Ramp's default listing would never show it.
    const usedUp = await createCredit({ ...place, amount_minor: 1_000, created_at: at(T0 - 5 * DAY) });
    await w.r.control("POST", `/bills/${bill.id}/apply-credit`, {
      vendor_credit_id: usedUp,
      amount_minor: 1_000,
    });
    const failing = await createCredit({ ...place, amount_minor: 2_000, created_at: at(T0 - 10 * DAY) });
    const inOverlap = await createCredit({ ...place, amount_minor: 3_000, created_at: at(T0 - 12 * HOUR) });
    const beforeOverlap = await createCredit({
      ...place,
      amount_minor: 4_000,
      created_at: at(T0 - 36 * HOUR),
    });

    // First walk: no cursor, the whole listing with fully used credits.
    const all = await allCredits();
    expect(all.find((c) => c.id === usedUp)?.remaining).toBe(0);
    const one = await pollCredits(T0);
    for (const l of one.listed) {
      expect(l.query.get("include_fully_used")).toBe("true");
      expect(l.query.has("from_created_at")).toBe(false);
    }
    expect(one.ids).toEqual(all.map((c) => c.id).sort());
    expect(one.enqueued).toEqual(one.ids);

    // The syncer posts them all but one, which fails for something the user must fix.
    await markPosted(one.ids.filter((id) => id !== failing));
    await w.store.ledger.claim({
      tenantId: w.tenant.tenantId,
      kind: "vendor_credit",
      rampId: failing,
      owner: "test",
      leaseMs: 60_000,
      fingerprint: "f",
    });
    await w.store.ledger.recordFailed(w.tenant.tenantId, "vendor_credit", failing, "test", {
      category: "user_actionable",
      message: "Vendor not mapped",
      transientAttemptsBeforeReport: 3,
      coolDownMs: 0,
    });

    // Two days on, a new credit. The first walk enqueued everything it listed, so nothing it saw
    // was finished: the window stays at each entity's oldest credit for one more walk.
    await w.r.control("POST", "/clock", { advance_ms: 2 * DAY });
    const fresh = await createCredit({ ...place, amount_minor: 5_000 });
    const T2 = T0 + 2 * DAY;
    const two = await pollCredits(T2);
    const windowOf = (p: Awaited<ReturnType<typeof pollCredits>>, entityId: string) => {
      const q = p.listed.find((l) => l.query.get("entity_id") === entityId)?.query;
      return q?.has("from_created_at") ? Date.parse(q.get("from_created_at") as string) : null;
    };
    const oldest = (entityId: string) =>
      Math.min(...all.filter((c) => c.entityId === entityId).map((c) => c.createdAt));
    const other = w.entityIds.find((e) => e !== bill.entityId) as string;
    expect(windowOf(two, bill.entityId)).toBe(oldest(bill.entityId));
    expect(two.ids).toEqual([...one.ids, fresh].sort());
    // Re-listed and finished: skipped by the ledger. New, or failed and retryable: enqueued.
    expect(two.enqueued).toEqual([failing, fresh].sort());

    // Both post now (the user fixed the vendor). The second walk saw the failure open: its
    // entity's next window waits at the failed credit, the other's moves to that walk's start
    // less the overlap.
    await markPosted([fresh, failing]);
    const T3 = T2 + HOUR;
    const three = await pollCredits(T3);
    expect(windowOf(three, bill.entityId)).toBe(T0 - 10 * DAY);
    expect(windowOf(three, other)).toBe(T2 - DAY);
    const since = (entityId: string | null) => (entityId === bill.entityId ? T0 - 10 * DAY : T2 - DAY);
    const expected3 = (await allCredits()).filter((c) => c.createdAt >= since(c.entityId)).map((c) => c.id);
    expect(three.ids).toEqual(expected3.sort());
    expect(three.ids).toEqual(expect.arrayContaining([failing, usedUp, beforeOverlap, inOverlap, fresh]));
    expect(three.ids.length).toBeLessThan(two.ids.length);
    expect(three.enqueued).toEqual([]);

    // With nothing open, the next walk lists from the last walk's start less a day: the credit
    // created an hour before that walk (in the overlap) is listed again and skipped, the one
    // created since is new; nothing older is read.
    await w.r.control("POST", "/clock", { advance_ms: 2 * HOUR });
    const late = await createCredit({ ...place, amount_minor: 6_000 });
    const four = await pollCredits(T3 + 2 * HOUR);
    for (const e of w.entityIds) expect(windowOf(four, e)).toBe(T3 - DAY);
    expect(four.ids).toEqual([fresh, late].sort());
    expect(four.ids).not.toContain(inOverlap);
    expect(four.enqueued).toEqual([late]);
  });
});
