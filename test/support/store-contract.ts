/**
 * The store contract lib/sync relies on (lib/sync/ports.ts), run against the
 * DynamoDB repositories (test/integration/store-contract.test.ts) and the
 * in-memory fakes (test/unit/support/memory-store.test.ts), so the fakes the
 * unit tests drive the syncer with behave like the table: claims and leases,
 * retries and cool-downs, GSI listing order, report intents, the report lock.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Kind } from "../../lib/domain/kinds.js";
import type { ClaimRequest, FailureRecord, SyncStore } from "../../lib/sync/ports.js";

export interface ContractSubject {
  store: SyncStore;
  clock: { now: number };
}

const T0 = Date.UTC(2026, 3, 1, 9);
const LEASE = 60_000;
const userFailure: FailureRecord = {
  category: "user_actionable",
  message: "Reopen the period",
  transientAttemptsBeforeReport: 3,
  coolDownMs: 3_600_000,
};
const transient: FailureRecord = { ...userFailure, category: "transient", message: "ERP down" };

export function describeStoreContract(name: string, make: (clock: { now: number }) => Promise<SyncStore>) {
  describe(`store contract: ${name}`, () => {
    let s: SyncStore;
    let clock: { now: number };
    let tenantId: string;
    let n = 0;
    beforeEach(async () => {
      clock = { now: T0 };
      s = await make(clock);
      tenantId = `contract-${++n}-${Math.random().toString(36).slice(2, 8)}`;
    });
    const claim = (rampId: string, over: Partial<ClaimRequest> = {}) =>
      s.ledger.claim({
        tenantId,
        kind: "transaction",
        rampId,
        owner: "w1",
        leaseMs: LEASE,
        fingerprint: "f1",
        ...over,
      });
    /** A POSTED row (claimed by w1 and recorded), the clock moved on by `ageMs` first. */
    const postedRow = async (
      rampId: string,
      kind: Kind = "transaction",
      syncRequestId: string | null = null,
    ) => {
      await claim(rampId, { kind, syncRequestId });
      await s.ledger.recordPosted(tenantId, kind, rampId, "w1", `ERP-${rampId}`);
      clock.now += 1_000;
    };
    const stream = { syncType: "TRANSACTION_SYNC", syncRequestId: null };

    it("records a hold with its reason (HELD bucket), refreshes a changed reason, never overwrites another state, and a claim of a HELD row is a fresh claim", async () => {
      const hold = (rampId: string, reason: string) =>
        s.ledger.recordHeld({ tenantId, kind: "transaction", rampId, reason, fingerprint: "f1" });
      expect(await hold("h1", "the bill is not in the ERP yet")).toBe("held");
      expect(await hold("h1", "the bill is not in the ERP yet")).toBe("unchanged");
      clock.now += 1_000;
      expect(await hold("h1", "paid a card-paid bill (b1) whose payment is not posted yet")).toBe("held");
      const row = await s.ledger.get(tenantId, "transaction", "h1");
      expect(row).toMatchObject({
        state: "HELD",
        heldReason: "paid a card-paid bill (b1) whose payment is not posted yet",
      });
      expect(row?.history?.map((h) => [h.state, h.note])).toEqual([
        ["HELD", "the bill is not in the ERP yet"],
        ["HELD", "paid a card-paid bill (b1) whose payment is not posted yet"],
      ]);
      const page = await s.ledger.listBucket({
        tenantId,
        bucket: "HELD",
        stream: "TRANSACTION_SYNC",
        limit: 10,
      });
      expect(page.items.map((i) => i.rampId)).toEqual(["h1"]);
      const c = await claim("h1");
      expect(c.outcome).toBe("claimed");
      expect(c.item.state).toBe("CLAIMED");
      expect(c.item.heldReason).toBeUndefined();
      expect(await hold("h1", "again")).toBe("not-held");
      expect((await s.ledger.get(tenantId, "transaction", "h1"))?.state).toBe("CLAIMED");
    });

    it("keeps each row's story: one step per change of state, ERP id or failure, none for a lease renewal", async () => {
      await claim("s1");
      await s.ledger.renewLease(tenantId, "transaction", "s1", "w1", LEASE);
      await s.ledger.recordFailed(tenantId, "transaction", "s1", "w1", userFailure);
      clock.now += 2 * 3_600_000;
      await claim("s1", { owner: "w2" });
      await s.ledger.recordPosted(tenantId, "transaction", "s1", "w2", "ERP-s1");
      const row = await s.ledger.get(tenantId, "transaction", "s1");
      expect(row?.history?.map((h) => [h.state, h.erpRef ?? null, h.category ?? null])).toEqual([
        ["CLAIMED", null, null],
        ["FAILED", null, "user_actionable"],
        ["CLAIMED", null, null],
        ["POSTED", "ERP-s1", null],
      ]);
      expect(row?.history?.[1]?.note).toBe("Reopen the period");
    });

    it("claims a new row once: a live lease is in flight, an expired one is taken over", async () => {
      expect(await claim("t1")).toMatchObject({
        outcome: "claimed",
        item: { state: "CLAIMED", leaseOwner: "w1" },
      });
      expect(await claim("t1", { owner: "w2" })).toMatchObject({ outcome: "skip", reason: "in-flight" });
      clock.now += LEASE;
      expect(await claim("t1", { owner: "w2" })).toMatchObject({ outcome: "takeover", previousOwner: "w1" });
      expect(await s.ledger.recordPosted(tenantId, "transaction", "t1", "w1", "E1")).toMatchObject({
        ok: false,
        reason: "lost-lease",
      });
      expect(await s.ledger.renewLease(tenantId, "transaction", "t1", "w1", LEASE)).toMatchObject({
        ok: false,
      });
    });

    it("records POSTED only for the holder, and a POSTED row is skipped", async () => {
      await claim("t1");
      clock.now += LEASE * 2; // past the lease, but nobody took it over: still ours
      const rec = await s.ledger.recordPosted(tenantId, "transaction", "t1", "w1", "E1");
      expect(rec).toMatchObject({ ok: true, item: { state: "POSTED", erpRef: "E1" } });
      expect(await claim("t1", { owner: "w2" })).toMatchObject({ outcome: "skip", reason: "posted" });
      expect(await s.ledger.get(tenantId, "transaction", "t1")).toMatchObject({ state: "POSTED", rev: 1 });
    });

    it("renews and releases a lease: a released row is taken over at once", async () => {
      await claim("t1");
      clock.now += LEASE - 1;
      expect(await s.ledger.renewLease(tenantId, "transaction", "t1", "w1", LEASE)).toMatchObject({
        ok: true,
        item: { leaseUntil: clock.now + LEASE },
      });
      clock.now += LEASE - 1;
      expect(await claim("t1", { owner: "w2" })).toMatchObject({ outcome: "skip", reason: "in-flight" });
      await s.ledger.release(tenantId, "transaction", "t1", "w1");
      expect(await claim("t1", { owner: "w2" })).toMatchObject({ outcome: "takeover" });
    });

    it("holds a user-actionable failure for the cool-down unless the object changed", async () => {
      await claim("t1");
      const f = await s.ledger.recordFailed(tenantId, "transaction", "t1", "w1", userFailure);
      expect(f).toMatchObject({ ok: true, item: { state: "FAILED", attempts: 1, reportable: true } });
      expect(await claim("t1")).toMatchObject({ outcome: "skip", reason: "failed-unchanged" });
      expect(await claim("t1", { fingerprint: "f2" })).toMatchObject({
        outcome: "retry",
        item: { attempts: 0 },
      });
      await s.ledger.recordFailed(tenantId, "transaction", "t1", "w1", userFailure);
      clock.now += userFailure.coolDownMs;
      expect(await claim("t1", { fingerprint: "f2" })).toMatchObject({
        outcome: "retry",
        item: { attempts: 1 },
      });
    });

    it("retries a transient failure at once and makes it reportable from the N-th attempt", async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect((await claim("t1")).outcome).toBe(attempt === 1 ? "claimed" : "retry");
        const f = await s.ledger.recordFailed(tenantId, "transaction", "t1", "w1", transient);
        expect(f).toMatchObject({ ok: true, item: { attempts: attempt, reportable: attempt >= 3 } });
      }
    });

    it("attaches a Sync Button request to a row still on its way, never to a finished one", async () => {
      expect(await s.ledger.attachSyncRequest(tenantId, "transaction", "t1", "req-1")).toMatchObject({
        attached: false,
        reason: "not-found",
      });
      await claim("t1");
      await s.ledger.attachSyncRequest(tenantId, "transaction", "t1", "req-1");
      expect(await s.ledger.get(tenantId, "transaction", "t1")).toMatchObject({ syncRequestId: "req-1" });
      await s.ledger.adoptSyncedElsewhere({ tenantId, kind: "bill", rampId: "b1", erpRef: null });
      expect(await s.ledger.attachSyncRequest(tenantId, "bill", "b1", "req-1")).toMatchObject({
        attached: false,
      });
    });

    it("adopts a phase synced elsewhere: absent or FAILED → MARKED; MARKED already; our claim in flight", async () => {
      const adopt = (rampId: string) =>
        s.ledger.adoptSyncedElsewhere({ tenantId, kind: "bill", rampId, erpRef: "B-9" });
      expect(await adopt("b1")).toBe("adopted");
      expect(await s.ledger.get(tenantId, "bill", "b1")).toMatchObject({
        state: "MARKED",
        syncedElsewhere: true,
      });
      expect(await adopt("b1")).toBe("already");
      await claim("b2", { kind: "bill" });
      expect(await adopt("b2")).toBe("in-flight");
      await s.ledger.recordFailed(tenantId, "bill", "b2", "w1", userFailure);
      expect(await adopt("b2")).toBe("adopted");
    });

    it("lists reportable rows of one stream and request, oldest first, up to the limit", async () => {
      await postedRow("t2");
      await postedRow("t1");
      await claim("t3");
      await s.ledger.recordFailed(tenantId, "transaction", "t3", "w1", userFailure);
      clock.now += 1_000;
      await claim("t4");
      await s.ledger.recordFailed(tenantId, "transaction", "t4", "w1", transient); // not reportable yet
      await postedRow("t5", "transaction", "req-1");
      await postedRow("r1", "reimbursement");
      const listed = await s.ledger.listReportable({ tenantId, ...stream, limit: 10 });
      expect(listed.items.map((r) => r.rampId)).toEqual(["t2", "t1", "t3"]);
      const limited = await s.ledger.listReportable({ tenantId, ...stream, limit: 2 });
      expect(limited.items.map((r) => r.rampId)).toEqual(["t2", "t1"]);
      const button = await s.ledger.listReportable({
        tenantId,
        ...stream,
        syncRequestId: "req-1",
        limit: 10,
      });
      expect(button.items.map((r) => r.rampId)).toEqual(["t5"]);
    });

    it("holds a bill payment out of its report until its bill is MARKED", async () => {
      await postedRow("b1", "bill_payment");
      const q = { tenantId, syncType: "BILL_PAYMENT_SYNC", syncRequestId: null, limit: 10 };
      expect((await s.ledger.listReportable(q)).items).toEqual([]);
      await s.ledger.adoptSyncedElsewhere({ tenantId, kind: "bill", rampId: "b1", erpRef: "B-1" });
      expect((await s.ledger.listReportable(q)).items.map((r) => r.rampId)).toEqual(["b1"]);
    });

    /** The probe never says less than the listing: at least as many rows, an oldest row no younger. */
    const expectProbeCovers = async (q: {
      syncType: string;
      syncRequestId: string | null;
      limit: number;
    }) => {
      const query = { tenantId, ...q };
      const [probe, listed] = [await s.ledger.probeReportable(query), await s.ledger.listReportable(query)];
      expect(probe.count).toBeGreaterThanOrEqual(listed.items.length);
      const first = listed.items[0];
      if (first) expect(probe.oldestAt).toBeLessThanOrEqual(first.updatedAt);
      return { probe, listed };
    };

    it("probes a stream's reportable rows (POSTED and FAILED reportable, capped per bucket) and the oldest updatedAt, without other states, streams or requests", async () => {
      const probe = (over: { syncType?: string; syncRequestId?: string | null; limit?: number } = {}) =>
        s.ledger.probeReportable({ tenantId, ...stream, limit: 10, ...over });
      const updatedAt = async (rampId: string, kind: Kind = "transaction") =>
        (await s.ledger.get(tenantId, kind, rampId))?.updatedAt;
      expect(await probe()).toEqual({ count: 0, oldestAt: null });

      await claim("f1");
      await s.ledger.recordFailed(tenantId, "transaction", "f1", "w1", userFailure); // reportable at once
      clock.now += 1_000;
      await postedRow("t1");
      await postedRow("t2");
      await claim("f2");
      await s.ledger.recordFailed(tenantId, "transaction", "f2", "w1", transient); // not reportable yet
      await claim("c1"); // CLAIMED
      await postedRow("b1", "transaction", "req-1");
      await postedRow("b2", "transaction", "req-1");
      await postedRow("b3", "transaction", "req-2");
      await postedRow("r1", "reimbursement");
      await postedRow("t3");

      const f1At = await updatedAt("f1");
      expect(f1At).toBe(T0);
      expect(await probe()).toEqual({ count: 4, oldestAt: f1At });
      // capped per bucket: POSTED t1 t2 t3, FAILED_REPORTABLE f1
      expect(await probe({ limit: 2 })).toEqual({ count: 3, oldestAt: f1At });
      expect(await probe({ limit: 1 })).toEqual({ count: 2, oldestAt: f1At });
      // Sync Button rows only under their own request, each request apart
      expect(await probe({ syncRequestId: "req-1" })).toEqual({ count: 2, oldestAt: await updatedAt("b1") });
      expect(await probe({ syncRequestId: "req-2" })).toEqual({ count: 1, oldestAt: await updatedAt("b3") });
      expect(await probe({ syncRequestId: "req-3" })).toEqual({ count: 0, oldestAt: null });
      expect(await probe({ syncType: "REIMBURSEMENT_SYNC" })).toEqual({
        count: 1,
        oldestAt: await updatedAt("r1", "reimbursement"),
      });
      for (const limit of [1, 2, 10]) await expectProbeCovers({ ...stream, limit });
      await expectProbeCovers({ ...stream, syncRequestId: "req-1", limit: 10 });

      // rows in an intent (REPORTING) are not waiting; once closed (MARKED, FAILED told) neither
      const listed = (await s.ledger.listReportable({ tenantId, ...stream, limit: 10 })).items;
      expect(listed.map((r) => r.rampId)).toEqual(["f1", "t1", "t2", "t3"]);
      const intent = await s.reportIntents.writeIntent({ tenantId, ...stream, items: listed.slice(0, 2) });
      expect(await probe()).toEqual({ count: 2, oldestAt: await updatedAt("t2") });
      await s.reportIntents.closeIntent(intent!);
      expect(await s.ledger.get(tenantId, "transaction", "f1")).toMatchObject({
        state: "FAILED",
        told: true,
      });
      expect(await probe()).toEqual({ count: 2, oldestAt: await updatedAt("t2") });
      const rest = await s.reportIntents.writeIntent({ tenantId, ...stream, items: listed.slice(2) });
      expect(await probe()).toEqual({ count: 0, oldestAt: null });
      await s.reportIntents.closeIntent(rest!);
      expect(await probe()).toEqual({ count: 0, oldestAt: null });
    });

    it("probes bill payments still held for their bill too: never fewer than listReportable lists", async () => {
      const q = { syncType: "BILL_PAYMENT_SYNC", syncRequestId: null, limit: 10 };
      await postedRow("p1", "bill_payment");
      await postedRow("p2", "bill_payment");
      await claim("p3", { kind: "bill_payment" });
      await s.ledger.recordFailed(tenantId, "bill_payment", "p3", "w1", userFailure);
      const at = async (rampId: string) => (await s.ledger.get(tenantId, "bill_payment", rampId))?.updatedAt;
      const none = await expectProbeCovers(q);
      expect(none.listed.items).toEqual([]);
      expect(none.probe).toEqual({ count: 3, oldestAt: await at("p1") });

      await s.ledger.adoptSyncedElsewhere({ tenantId, kind: "bill", rampId: "p2", erpRef: "B-2" });
      const some = await expectProbeCovers(q);
      expect(some.listed.items.map((r) => r.rampId)).toEqual(["p2"]);
      expect(some.probe).toEqual({ count: 3, oldestAt: await at("p1") });
      expect(await s.ledger.probeReportable({ tenantId, ...q, limit: 1 })).toEqual({
        count: 2,
        oldestAt: await at("p1"),
      });
    });

    it("lists a bucket in index order (button requests first, then time) and pages through it", async () => {
      await postedRow("t1");
      await postedRow("t2", "transaction", "req-b");
      await postedRow("t3", "transaction", "req-a");
      await postedRow("t4");
      const seen: Array<string | undefined> = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await s.ledger.listBucket({
          tenantId,
          bucket: "POSTED",
          stream: "TRANSACTION_SYNC",
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((r) => r.rampId));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual(["t1", "t4", "t3", "t2"]);
      const one = await s.ledger.listBucket({
        tenantId,
        bucket: "POSTED",
        stream: "TRANSACTION_SYNC",
        syncRequestId: "req-a",
        limit: 10,
      });
      expect(one.items.map((r) => r.rampId)).toEqual(["t3"]);
    });

    it("writes an intent of exactly the rows still as listed, keyed by its content", async () => {
      await postedRow("t1");
      await postedRow("t2");
      const listed = (await s.ledger.listReportable({ tenantId, ...stream, limit: 10 })).items;
      await s.ledger.attachSyncRequest(tenantId, "transaction", "t2", "req-1"); // t2 moved on
      const intent = await s.reportIntents.writeIntent({ tenantId, ...stream, items: listed });
      expect(intent?.outcomes).toEqual([
        { kind: "transaction", rampId: "t1", result: "synced", erpRef: "ERP-t1" },
      ]);
      expect(intent?.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
      expect(await s.ledger.get(tenantId, "transaction", "t1")).toMatchObject({
        state: "REPORTING",
        reportId: intent?.reportId,
      });
      expect(await s.ledger.get(tenantId, "transaction", "t2")).toMatchObject({ state: "POSTED" });
      expect(await s.reportIntents.writeIntent({ tenantId, ...stream, items: listed })).toBeNull();
      const open = await s.reportIntents.findOpenIntents(tenantId, stream);
      expect(open).toEqual([intent]);
      expect(await s.reportIntents.findOpenIntents(tenantId, { ...stream, syncRequestId: "req-1" })).toEqual(
        [],
      );
      expect(await s.reportIntents.findOpenIntents(tenantId, { syncType: "BILL_SYNC" })).toEqual([]);
    });

    it("refuses to write an intent of a row of another stream or a row not reportable", async () => {
      await postedRow("r1", "reimbursement");
      await claim("t1");
      const r1 = await s.ledger.get(tenantId, "reimbursement", "r1");
      const t1 = await s.ledger.get(tenantId, "transaction", "t1");
      await expect(s.reportIntents.writeIntent({ tenantId, ...stream, items: [r1!] })).rejects.toThrow();
      await expect(s.reportIntents.writeIntent({ tenantId, ...stream, items: [t1!] })).rejects.toThrow();
    });

    it("closes an intent row by row (synced, failed told, elsewhere, re-report) and can close it again", async () => {
      for (const id of ["t1", "t2", "t3"]) await postedRow(id);
      await claim("t4");
      await s.ledger.recordFailed(tenantId, "transaction", "t4", "w1", userFailure);
      const listed = (await s.ledger.listReportable({ tenantId, ...stream, limit: 10 })).items;
      const intent = await s.reportIntents.writeIntent({ tenantId, ...stream, items: listed });
      const summary = await s.reportIntents.closeIntent(intent!, {
        syncedElsewhere: ["t2"],
        reReport: ["t3"],
      });
      expect(summary).toEqual({
        marked: 1,
        failedTold: 1,
        syncedElsewhere: 1,
        reReported: 1,
        alreadyClosed: 0,
      });
      const state = async (id: string) => (await s.ledger.get(tenantId, "transaction", id))?.state;
      expect([await state("t1"), await state("t2"), await state("t3"), await state("t4")]).toEqual([
        "MARKED",
        "MARKED",
        "POSTED",
        "FAILED",
      ]);
      expect(await s.ledger.get(tenantId, "transaction", "t4")).toMatchObject({ told: true });
      expect(await s.reportIntents.findOpenIntents(tenantId, stream)).toEqual([]);
      expect((await s.reportIntents.closeIntent(intent!)).alreadyClosed).toBe(4);
    });

    it("gives the report lock to one owner at a time, until it expires or is released", async () => {
      const key = { tenantId, ...stream };
      expect(await s.reportLock.acquire(key, "w1", LEASE)).toEqual({ held: true, leaseUntil: T0 + LEASE });
      expect(await s.reportLock.acquire(key, "w2", LEASE)).toEqual({ held: false });
      expect(await s.reportLock.acquire(key, "w1", LEASE)).toMatchObject({ held: true });
      expect(await s.reportLock.acquire({ ...key, syncRequestId: "req-1" }, "w2", LEASE)).toMatchObject({
        held: true,
      });
      expect(await s.reportLock.renew(key, "w2", LEASE)).toEqual({ held: false });
      clock.now += LEASE;
      expect(await s.reportLock.renew(key, "w1", LEASE)).toMatchObject({ held: true });
      clock.now += LEASE;
      expect(await s.reportLock.acquire(key, "w2", LEASE)).toMatchObject({ held: true });
      expect(await s.reportLock.release(key, "w1")).toBe(false);
      expect(await s.reportLock.release(key, "w2")).toBe(true);
      expect(await s.reportLock.release(key, "w2")).toBe(true);
      expect(await s.reportLock.renew(key, "w2", LEASE)).toEqual({ held: false });
    });

    it("lets a worker mark the report lock only while someone else holds it live: exactly when it cannot acquire", async () => {
      const key = { tenantId, syncType: "TRANSACTION_SYNC", syncRequestId: "req-h" };
      const mark = (owner: string, force = false) => s.reportLock.markWaiting(key, owner, { force });
      expect(await mark("w2")).toBe(false); // free: acquire instead
      expect(await s.reportLock.acquire(key, "w1", LEASE)).toMatchObject({ held: true });
      expect(await mark("w1")).toBe(false); // ours
      expect(await mark("w2")).toBe(true);
      expect(await s.reportLock.releaseIfQuiet(key, "w1", 0)).toEqual({
        released: false,
        marks: 1,
        forced: false,
      });
      expect(await mark("w3", true)).toBe(true);
      // A renewal keeps the marks; someone else's quiet release is refused as not theirs.
      expect(await s.reportLock.renew(key, "w1", LEASE)).toMatchObject({ held: true });
      expect(await s.reportLock.releaseIfQuiet(key, "w2", 5)).toEqual({ released: false, lost: true });
      expect(await s.reportLock.releaseIfQuiet(key, "w1", 1)).toEqual({
        released: false,
        marks: 2,
        forced: true,
      });
      expect(await s.reportLock.acquire(key, "w2", LEASE)).toEqual({ held: false });
      // Every mark honoured: released, and a later marker finds no lock and acquires.
      expect(await s.reportLock.releaseIfQuiet(key, "w1", 2)).toEqual({ released: true });
      expect(await mark("w2")).toBe(false);
      expect(await s.reportLock.acquire(key, "w2", LEASE)).toMatchObject({ held: true });
      expect(await s.reportLock.releaseIfQuiet(key, "w2", 0)).toEqual({ released: true });
      expect(await s.reportLock.releaseIfQuiet(key, "w2", 0)).toEqual({ released: true });
    });

    it("an expired report lock takes no mark, and its takeover starts without the old marks", async () => {
      const key = { tenantId, syncType: "BILL_SYNC", syncRequestId: "req-x" };
      expect(await s.reportLock.acquire(key, "w1", LEASE)).toMatchObject({ held: true });
      expect(await s.reportLock.markWaiting(key, "w2", { force: true })).toBe(true);
      clock.now += LEASE;
      expect(await s.reportLock.markWaiting(key, "w3", { force: false })).toBe(false);
      expect(await s.reportLock.acquire(key, "w3", LEASE)).toMatchObject({ held: true });
      // The old holder lost it: neither its quiet release nor a plain one frees w3's lock.
      expect(await s.reportLock.releaseIfQuiet(key, "w1", 0)).toEqual({ released: false, lost: true });
      expect(await s.reportLock.release(key, "w1")).toBe(false);
      expect(await s.reportLock.releaseIfQuiet(key, "w3", 0)).toEqual({ released: true });
      // A plain release frees a lock whatever marks it carries.
      expect(await s.reportLock.acquire(key, "w1", LEASE)).toMatchObject({ held: true });
      expect(await s.reportLock.markWaiting(key, "w2", { force: false })).toBe(true);
      expect(await s.reportLock.release(key, "w1")).toBe(true);
      expect(await s.reportLock.acquire(key, "w2", LEASE)).toMatchObject({ held: true });
    });

    it("links settled card transactions to one bill; another bill's link is a conflict", async () => {
      expect(await s.settlesLinks.get(tenantId, "t1")).toBeUndefined();
      expect(await s.settlesLinks.link(tenantId, "b1", ["t1", "t2", "t1"])).toEqual({ conflicts: [] });
      expect(await s.settlesLinks.link(tenantId, "b1", ["t1"])).toEqual({ conflicts: [] });
      const clash = await s.settlesLinks.link(tenantId, "b2", ["t2", "t3"]);
      expect(clash.conflicts).toMatchObject([{ transactionId: "t2", billId: "b1" }]);
      expect(await s.settlesLinks.get(tenantId, "t3")).toMatchObject({ billId: "b2" });
      expect(await s.settlesLinks.get(tenantId, "t2")).toMatchObject({ billId: "b1" });
    });
  });
}
