import { describe, expect, it } from "vitest";
import { ledgerKeyOf } from "../../lib/domain/kinds.js";
import { buttonJob, parsePollJob, pollJob } from "../../lib/poll/job.js";
import { enabledSources, entityScopes, pollSteps } from "../../lib/poll/plan.js";
import {
  addToBacklog,
  candidatesOf,
  ledgerVerdict,
  selectWork,
  snapshotFingerprint,
  workMessageOf,
} from "../../lib/poll/work.js";
import { cursorPath, readyListStart } from "../../lib/ramp/resume.js";
import type { LedgerItem } from "../../lib/store/ledger-item.js";
import { parseWorkMessage, workMessageBody } from "../../lib/sync/work-message.js";
import { bill, tenant, txn } from "./poll-support.js";

const NOW = Date.UTC(2026, 5, 17, 12, 0, 0);

function row(over: Partial<LedgerItem> & Pick<LedgerItem, "kind" | "rampId" | "state">): LedgerItem {
  return {
    tenantId: "t1",
    rev: 1,
    attempts: 0,
    told: false,
    fingerprint: "x",
    createdAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    ...over,
  };
}

describe("poll plan", () => {
  it("lists bills before transactions, for every entity, and only enabled kinds", () => {
    const t = tenant({
      entities: [
        { rampEntityId: "ent-a", companyKey: "us" },
        { rampEntityId: "ent-b", companyKey: "eu" },
      ],
      objectTypes: { cashbacks: false, vendorCredits: true },
    });
    expect(enabledSources(t)).toEqual(["bill", "transaction", "reimbursement", "transfer", "vendor_credit"]);
    const steps = pollSteps(t, ["ent-b", "ent-c"]);
    expect(steps.map((s) => `${s.source}@${s.entityId}`)).toEqual([
      "bill@ent-a",
      "bill@ent-b",
      "bill@ent-c",
      "transaction@ent-a",
      "transaction@ent-b",
      "transaction@ent-c",
      "reimbursement@ent-a",
      "reimbursement@ent-b",
      "reimbursement@ent-c",
      "transfer@ent-a",
      "transfer@ent-b",
      "transfer@ent-c",
      "vendor_credit@ent-a",
      "vendor_credit@ent-b",
      "vendor_credit@ent-c",
    ]);
  });

  it("payment-only candidates are listed only when asked for, and never beside the bill listing", () => {
    const t = tenant();
    expect(enabledSources(t)).not.toContain("bill_payment");
    expect(pollSteps(t, [], ["bill_payment"])).toEqual([{ source: "bill_payment", entityId: null }]);
    expect(pollSteps(t, [], ["bill", "bill_payment"])).toEqual([{ source: "bill", entityId: null }]);
  });

  it("a tenant without an entity map gets one unscoped pass", () => {
    expect(entityScopes(tenant(), ["ent-x"])).toEqual([null]);
    expect(pollSteps(tenant(), [], ["transaction"])).toEqual([{ source: "transaction", entityId: null }]);
  });

  it("ready-list URLs carry the guide's filters and cursors stay on their listing", () => {
    expect(readyListStart("transaction", { entityId: "e1" })).toBe(
      "/developer/v1/transactions?entity_id=e1&page_size=100&sync_status=SYNC_READY",
    );
    expect(readyListStart("bill", { pageSize: 1 })).toBe("/developer/v1/bills?page_size=2&sync_ready=true");
    expect(readyListStart("reimbursement", { requestedToSync: true })).toBe(
      "/developer/v1/reimbursements?page_size=100&requested_to_sync=true",
    );
    expect(readyListStart("vendor_credit", {})).toBe(
      "/developer/v1/vendors/credits?page_size=100&include_fully_used=true",
    );
    expect(readyListStart("vendor_credit", { fromCreatedAt: "2026-06-14T12:00:00.000Z" })).toBe(
      "/developer/v1/vendors/credits?page_size=100&include_fully_used=true&from_created_at=2026-06-14T12%3A00%3A00.000Z",
    );
    expect(readyListStart("bill_payment", { entityId: "e1" })).toBe(
      "/developer/v1/bills?entity_id=e1&page_size=100&sync_status=BILL_SYNCED&sync_ready=true",
    );
    expect(cursorPath("bill", "https://api.ramp.com/developer/v1/bills?start=b9&sync_ready=true")).toBe(
      "/developer/v1/bills?start=b9&sync_ready=true",
    );
    expect(() => cursorPath("bill", "https://evil.example/developer/v1/transactions?start=1")).toThrow(
      /does not belong/,
    );
  });
});

describe("candidates and the ledger", () => {
  it("a bill owes the phases of the decision table; other objects one kind", () => {
    const kinds = (b: ReturnType<typeof bill>) => candidatesOf("bill", b).map((c) => c.kind);
    expect(kinds(bill("b1"))).toEqual(["bill"]);
    expect(kinds(bill("b2", { status: "PAID" }))).toEqual(["bill", "bill_payment"]);
    expect(kinds(bill("b3", { status: "PAID", syncStatus: "BILL_SYNCED" }))).toEqual(["bill_payment"]);
    // The payment-only listing yields the payment phase alone, and only where it is owed.
    const payOnly = (b: ReturnType<typeof bill>) => candidatesOf("bill_payment", b).map((c) => c.kind);
    expect(payOnly(bill("b4", { status: "PAID", syncStatus: "BILL_SYNCED" }))).toEqual(["bill_payment"]);
    expect(payOnly(bill("b5", { status: "PAID" }))).toEqual(["bill_payment"]);
    expect(payOnly(bill("b6"))).toEqual([]);
    expect(candidatesOf("transaction", txn("t1"))).toEqual([
      { kind: "transaction", rampId: "t1", entityId: "ent-1", snapshot: txn("t1") },
    ]);
  });

  it("skips what the ledger shows in flight or done, re-enqueues what its rules allow", () => {
    const [c] = candidatesOf("transaction", txn("t1"));
    if (!c) throw new Error("no candidate");
    const fp = snapshotFingerprint(c.snapshot);
    const v = (r: LedgerItem | undefined) => ledgerVerdict(r, c, "t1", NOW);
    expect(v(undefined)).toEqual({ enqueue: true });
    const base = { kind: "transaction" as const, rampId: "t1" };
    expect(v(row({ ...base, state: "MARKED" }))).toEqual({ enqueue: false, reason: "marked" });
    expect(v(row({ ...base, state: "POSTED" }))).toEqual({ enqueue: false, reason: "posted" });
    expect(v(row({ ...base, state: "REPORTING" }))).toEqual({ enqueue: false, reason: "reporting" });
    expect(v(row({ ...base, state: "CLAIMED", leaseUntil: NOW + 1 }))).toEqual({
      enqueue: false,
      reason: "in-flight",
    });
    // An expired lease: the worker died; the object is still ready, so it goes out again.
    expect(v(row({ ...base, state: "CLAIMED", leaseUntil: NOW - 1 }))).toEqual({ enqueue: true });
    // FAILED user-actionable, unchanged, cool-down running: not yet due.
    const coolingDown = row({ ...base, state: "FAILED", fingerprint: fp, retryAt: NOW + 1 });
    expect(v(coolingDown)).toEqual({ enqueue: false, reason: "failed-unchanged" });
    // ...due once the object changed in Ramp, or the cool-down passed; transient failures at once.
    expect(v({ ...coolingDown, fingerprint: "changed" })).toEqual({ enqueue: true });
    expect(v({ ...coolingDown, retryAt: NOW })).toEqual({ enqueue: true });
    expect(v(row({ ...base, state: "FAILED", fingerprint: fp, category: "transient" }))).toEqual({
      enqueue: true,
    });
  });

  it("the fingerprint ignores what our own report changes", () => {
    const a = txn("t1");
    expect(snapshotFingerprint({ ...a, syncStatus: "SYNCED", syncedAt: "2026-06-01T00:00:00Z" })).toBe(
      snapshotFingerprint(a),
    );
    expect(snapshotFingerprint({ ...a, memo: "fixed coding" })).not.toBe(snapshotFingerprint(a));
  });

  it("a Sync Button job also sends rows the request can attach to, never finished ones", () => {
    const [c] = candidatesOf("transaction", txn("t1"));
    if (!c) throw new Error("no candidate");
    const base = { kind: "transaction" as const, rampId: "t1" };
    const b = (r: LedgerItem) => ledgerVerdict(r, c, "t1", NOW, { button: true });
    expect(b(row({ ...base, state: "CLAIMED", leaseUntil: NOW + 1 }))).toEqual({ enqueue: true });
    expect(b(row({ ...base, state: "POSTED" }))).toEqual({ enqueue: true });
    expect(b(row({ ...base, state: "MARKED" }))).toEqual({ enqueue: false, reason: "marked" });
    expect(b(row({ ...base, state: "REPORTING" }))).toEqual({ enqueue: false, reason: "reporting" });
  });

  it("a bill_payment goes out only with or after its bill phase", () => {
    const paid = bill("b1", { status: "PAID" });
    const cands = candidatesOf("bill", paid);
    // Both owed, no ledger rows: bill then payment, in that order.
    expect(selectWork(cands, new Map(), "t1", NOW).enqueue.map((c) => c.kind)).toEqual([
      "bill",
      "bill_payment",
    ]);
    // The bill phase in flight already (sent earlier): the payment may follow.
    const inFlight = new Map([
      [
        ledgerKeyOf({ kind: "bill", rampId: "b1" }),
        row({ kind: "bill", rampId: "b1", state: "CLAIMED", leaseUntil: NOW + 1 }),
      ],
    ]);
    const s = selectWork(cands, inFlight, "t1", NOW);
    expect(s.enqueue.map((c) => c.kind)).toEqual(["bill_payment"]);
    expect(s.skipped).toEqual([{ kind: "bill", rampId: "b1", reason: "in-flight" }]);
    // A payment listed before its bill phase (order broken upstream) waits.
    const reversed = [...cands].reverse();
    const r = selectWork(reversed, new Map(), "t1", NOW);
    expect(r.enqueue.map((c) => c.kind)).toEqual(["bill"]);
    expect(r.skipped).toEqual([{ kind: "bill_payment", rampId: "b1", reason: "bill-phase-missing" }]);
    // Ramp already has the bill phase: the payment goes out alone.
    const billSynced = candidatesOf("bill", bill("b2", { status: "PAID", syncStatus: "BILL_SYNCED" }));
    expect(selectWork(billSynced, new Map(), "t1", NOW).enqueue.map((c) => c.kind)).toEqual(["bill_payment"]);
  });

  it("backlog counts every ready object per kind; vendor credits only while the ledger is not done", () => {
    const cands = [
      ...candidatesOf("transaction", txn("t1")),
      ...candidatesOf("transaction", txn("t2")),
      ...candidatesOf("bill", bill("b1", { status: "PAID" })),
      ...candidatesOf("vendor_credit", { ...txn("vc1"), id: "vc1" } as never),
      ...candidatesOf("vendor_credit", { ...txn("vc2"), id: "vc2" } as never),
    ];
    const ledger = new Map([
      [
        ledgerKeyOf({ kind: "transaction", rampId: "t1" }),
        row({ kind: "transaction", rampId: "t1", state: "POSTED" }),
      ],
      [
        ledgerKeyOf({ kind: "vendor_credit", rampId: "vc2" }),
        row({ kind: "vendor_credit", rampId: "vc2", state: "MARKED" }),
      ],
    ]);
    expect(addToBacklog({ transaction: 5 }, cands, ledger)).toEqual({
      transaction: 7,
      bill: 1,
      bill_payment: 1,
      vendor_credit: 1,
    });
  });
});

describe("messages", () => {
  it("a work message carries the snapshot and the entity, and parses as the syncer will", () => {
    const [c] = candidatesOf("transaction", txn("t1"));
    if (!c) throw new Error("no candidate");
    const msg = workMessageOf(c, { tenantId: "t1", source: "poll", now: NOW });
    const parsed = parseWorkMessage(workMessageBody(msg));
    expect(parsed.ok && parsed.message).toMatchObject({
      v: 1,
      tenantId: "t1",
      entityId: "ent-1",
      kind: "transaction",
      rampId: "t1",
      source: "poll",
      enqueuedAt: "2026-06-17T12:00:00.000Z",
      snapshot: { id: "t1", amount: { minor: 1234, currency: "USD" } },
    });
    const button = workMessageOf(c, { tenantId: "t1", source: "button", syncRequestId: "sr-1", now: NOW });
    expect(button).toMatchObject({ source: "button", syncRequestId: "sr-1" });
  });

  it("poll and button jobs round-trip through their schema; junk is refused with a reason", () => {
    const p = pollJob("t1", NOW);
    expect(parsePollJob(JSON.stringify(p))).toEqual({ ok: true, job: p });
    const b = buttonJob({ tenantId: "t1", kind: "reimbursement", syncRequestId: "sr-9" }, NOW);
    expect(parsePollJob(JSON.stringify(b))).toEqual({ ok: true, job: b });
    const bad = parsePollJob(JSON.stringify({ ...b, kind: "bill" }));
    expect(bad.ok).toBe(false);
    expect(parsePollJob("{")).toEqual({ ok: false, error: "poll job is not JSON" });
  });
});
