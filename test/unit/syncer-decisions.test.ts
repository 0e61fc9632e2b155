/**
 * The syncer's pure decisions: when a waiting report is flushed, whether a phase
 * is still owed, where a payment's bill ERP id comes from, what SQS is told per
 * outcome, the exact sync call an intent stands for, how a 422 is split, the
 * processing order and the follow-up work a posted item unlocks.
 */
import { describe, expect, it } from "vitest";
import type { Kind } from "../../lib/domain/kinds.js";
import { fromMinor } from "../../lib/money/index.js";
import type { RampBill, RampTransaction } from "../../lib/ramp/model.js";
import type { LedgerItem } from "../../lib/store/ledger-item.js";
import type { ReportIntent } from "../../lib/store/report-intents.js";
import { DEFAULT_FLUSH, flushDecision, probeLimit } from "../../lib/sync/flush-policy.js";
import { followUpsOf, type ItemOutcome } from "../../lib/sync/process-item.js";
import { splitRefusals, syncCallOf } from "../../lib/sync/reporter.js";
import {
  billErpIdOf,
  fingerprintFor,
  owedPhase,
  postedRef,
  processingOrder,
  syncObjectOf,
} from "../../lib/sync/sync-object.js";
import { dispositionOf } from "../../lib/sync/syncer.js";

const T0 = Date.UTC(2026, 5, 15, 12);

function bill(over: Partial<RampBill> = {}): RampBill {
  return {
    id: "bill-1",
    entityId: "ent-1",
    status: "OPEN",
    syncStatus: "NOT_SYNCED",
    approvalStatus: "APPROVED",
    amount: fromMinor(12_345, "USD"),
    invoiceNumber: "INV-1",
    memo: null,
    issuedAt: "2026-06-01",
    dueAt: "2026-07-01",
    accountingDate: "2026-06-01",
    paidAt: null,
    vendor: { id: "v-1", name: "Northwind", remoteId: "demo:Northwind" },
    selections: [],
    lineItems: [],
    payment: null,
    remoteId: null,
    deepLinkUrl: null,
    invoiceUrls: [],
    ...over,
  };
}

const paid = (details: NonNullable<RampBill["payment"]>["details"], over: Partial<RampBill> = {}) =>
  bill({
    status: "PAID",
    paidAt: "2026-06-10T00:00:00Z",
    payment: {
      id: "pay-1",
      amount: fromMinor(12_345, "USD"),
      paymentMethod: null,
      paymentDate: "2026-06-10",
      effectiveDate: null,
      details,
    },
    ...over,
  });

function row(over: Partial<LedgerItem>): LedgerItem {
  return {
    tenantId: "t",
    kind: "bill",
    rampId: "bill-1",
    state: "CLAIMED",
    rev: 1,
    attempts: 0,
    told: false,
    fingerprint: "f",
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

describe("flushDecision", () => {
  const w = (count: number, ageMs: number | null, button = false) => ({
    count,
    oldestAt: ageMs === null ? null : T0 - ageMs,
    button,
  });

  it("never flushes nothing, even when forced", () => {
    expect(flushDecision(w(0, null), T0, DEFAULT_FLUSH, true)).toEqual({ flush: false });
    expect(flushDecision(w(3, null), T0, DEFAULT_FLUSH, true)).toEqual({ flush: false });
  });

  it("gathers young rows, flushes when the list is full or the oldest row is old enough", () => {
    expect(flushDecision(w(10, 1_000), T0)).toEqual({ flush: false });
    expect(flushDecision(w(10, 59_999), T0)).toEqual({ flush: false });
    expect(flushDecision(w(10, 60_000), T0)).toEqual({ flush: true, why: "age" });
    expect(flushDecision(w(5_000, 0), T0)).toEqual({ flush: true, why: "full" });
    expect(flushDecision(w(1, 0), T0, DEFAULT_FLUSH, true)).toEqual({ flush: true, why: "forced" });
  });

  it("answers Sync Button rows within seconds and in small lists", () => {
    expect(flushDecision(w(3, 1_999, true), T0)).toEqual({ flush: false });
    expect(flushDecision(w(3, 2_000, true), T0)).toEqual({ flush: true, why: "age" });
    expect(flushDecision(w(100, 0, true), T0)).toEqual({ flush: true, why: "full" });
  });

  it("never lets a setting exceed Ramp's 5,000-per-list limit", () => {
    const s = { ...DEFAULT_FLUSH, maxItems: 50_000 };
    expect(flushDecision(w(5_000, 0), T0, s)).toEqual({ flush: true, why: "full" });
    expect(probeLimit(false, s)).toBe(5_000);
    expect(probeLimit(true)).toBe(DEFAULT_FLUSH.buttonMaxItems);
  });
});

describe("owedPhase", () => {
  const tx = (syncStatus: RampTransaction["syncStatus"]) =>
    syncObjectOf("transaction", { id: "tx-1", entityId: null, syncStatus } as RampTransaction);

  it("follows the transaction's sync_status: SYNCED was exported elsewhere, NOT_SYNC_READY waits", () => {
    expect(owedPhase(tx("SYNC_READY"))).toEqual({ owed: true });
    expect(owedPhase(tx("SYNCED"))).toEqual({ owed: false, reason: "already-synced" });
    expect(owedPhase(tx("NOT_SYNC_READY"))).toEqual({ owed: false, reason: "not-ready" });
  });

  it("follows the bill decision table per phase", () => {
    const bank = paid({
      type: "vendor",
      sourceBankAccountId: null,
      vendorAccountId: null,
      approvalStatus: null,
    });
    expect(owedPhase(syncObjectOf("bill", bill()))).toEqual({ owed: true });
    expect(owedPhase(syncObjectOf("bill_payment", bill()))).toEqual({ owed: false, reason: "phase-done" });
    expect(owedPhase(syncObjectOf("bill", bank))).toEqual({ owed: true });
    expect(owedPhase(syncObjectOf("bill_payment", bank))).toEqual({ owed: true });
    const billSynced = { ...bank, syncStatus: "BILL_SYNCED" as const };
    expect(owedPhase(syncObjectOf("bill", billSynced))).toEqual({ owed: false, reason: "phase-done" });
    expect(owedPhase(syncObjectOf("bill_payment", billSynced))).toEqual({ owed: true });
    const done = { ...bank, syncStatus: "BILL_AND_PAYMENT_SYNCED" as const };
    expect(owedPhase(syncObjectOf("bill_payment", done))).toEqual({ owed: false, reason: "phase-done" });
  });
});

describe("billErpIdOf and postedRef", () => {
  it("uses our own record once the bill is in the ERP, whatever Ramp says", () => {
    for (const state of ["POSTED", "REPORTING", "MARKED"] as const)
      expect(billErpIdOf(row({ state, erpRef: "J0007" }), bill())).toBe("J0007");
  });

  it("ignores rows whose ERP record is not final", () => {
    expect(postedRef(row({ state: "CLAIMED", erpRef: "J1" }))).toBeNull();
    expect(postedRef(row({ state: "FAILED", erpRef: "J1" }))).toBeNull();
    expect(postedRef(undefined)).toBeNull();
    expect(billErpIdOf(row({ state: "CLAIMED" }), bill())).toBeNull();
  });

  it("falls back to the reference Ramp holds only for a bill Ramp shows synced", () => {
    expect(billErpIdOf(undefined, bill({ syncStatus: "BILL_SYNCED", remoteId: "INV/0042" }))).toBe(
      "INV/0042",
    );
    expect(billErpIdOf(undefined, bill({ syncStatus: "NOT_SYNCED", remoteId: "stale" }))).toBeNull();
    expect(billErpIdOf(undefined, bill({ syncStatus: "BILL_SYNCED", remoteId: null }))).toBeNull();
  });
});

describe("dispositionOf", () => {
  const cases: Array<[ItemOutcome, string]> = [
    [{ status: "posted", erpRef: "J1", via: "created" }, "ack"],
    [{ status: "skipped", reason: "done" }, "ack"],
    [{ status: "held", reason: "bill first" }, "ack"],
    [{ status: "failed", category: "user_actionable", message: "m", reportable: true }, "ack"],
    [{ status: "failed", category: "needs_integrator", message: "m", reportable: true }, "ack"],
    // Transient and not yet reportable: SQS redelivers after the visibility timeout.
    [{ status: "failed", category: "transient", message: "m", reportable: false }, "retry"],
    // After N attempts it is reported as transient and the message is done.
    [{ status: "failed", category: "transient", message: "m", reportable: true }, "ack"],
    [{ status: "retry", reason: "Ramp down" }, "retry"],
  ];
  it.each(cases)("%j → %s", (outcome, expected) => {
    expect(dispositionOf(outcome)).toBe(expected);
  });
});

describe("syncCallOf", () => {
  const intent = (outcomes: ReportIntent["outcomes"], syncRequestId: string | null = null): ReportIntent => ({
    tenantId: "t",
    reportId: "r-1",
    syncType: "TRANSACTION_SYNC",
    syncRequestId,
    idempotencyKey: "key-abc",
    outcomes,
    createdAt: T0,
  });

  it("carries the intent's own key and both lists", () => {
    const call = syncCallOf(
      intent([
        { kind: "transaction", rampId: "a", result: "synced", erpRef: "J1" },
        {
          kind: "transaction",
          rampId: "b",
          result: "failed",
          category: "transient",
          message: "ERP down. We'll retry shortly.",
        },
      ]),
    );
    expect(call).toEqual({
      idempotency_key: "key-abc",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id: "a", reference_id: "J1" }],
      failed_syncs: [{ id: "b", error: { message: "ERP down. We'll retry shortly." } }],
    });
  });

  it("omits empty lists (Ramp answers 422 to an empty one) and adds the Sync Button request", () => {
    const onlyOk = syncCallOf(
      intent([{ kind: "transaction", rampId: "a", result: "synced", erpRef: "J1" }], "req-9"),
    );
    expect(onlyOk).not.toHaveProperty("failed_syncs");
    expect(onlyOk.sync_request_id).toBe("req-9");
    const onlyFailed = syncCallOf(
      intent([
        { kind: "transaction", rampId: "a", result: "failed", category: "user_actionable", message: "" },
      ]),
    );
    expect(onlyFailed).not.toHaveProperty("successful_syncs");
    expect(onlyFailed).not.toHaveProperty("sync_request_id");
    // Ramp requires a message: never send an empty one.
    expect(onlyFailed.failed_syncs).toEqual([{ id: "a", error: { message: "Sync failed" } }]);
  });
});

describe("splitRefusals", () => {
  it("closes ALREADY_SYNCED ids as synced elsewhere and keeps every other reason for a human", () => {
    const { elsewhere, other } = splitRefusals([
      { id: "a", reason: "ALREADY_SYNCED", message: null },
      { id: "b", reason: "NOT_READY", message: "bill first" },
      { id: "c", reason: "UNKNOWN", message: null },
      { id: "d", reason: "ALREADY_SYNCED", message: "exported" },
    ]);
    expect(elsewhere).toEqual(["a", "d"]);
    expect(other.map((r) => r.id)).toEqual(["b", "c"]);
  });
});

describe("processingOrder and follow-ups", () => {
  it("puts bills before payments before card transactions before the rest", () => {
    const kinds: Kind[] = [
      "cashback",
      "transaction",
      "bill_payment",
      "reimbursement",
      "bill",
      "vendor_credit",
    ];
    const sorted = kinds
      .map((kind) => ({ kind }))
      .sort(processingOrder)
      .map((k) => k.kind);
    expect(sorted.slice(0, 3)).toEqual(["bill", "bill_payment", "transaction"]);
    expect(new Set(sorted.slice(3))).toEqual(new Set(["cashback", "reimbursement", "vendor_credit"]));
  });

  it("a posted bill unlocks its payment only when the payment is owed", () => {
    expect(followUpsOf(syncObjectOf("bill", bill()), { tenantId: "t" })).toEqual([]);
    const b = paid({ type: "manual", manualPaymentMethod: "CHECK" });
    expect(followUpsOf(syncObjectOf("bill", b), { tenantId: "t" })).toEqual([
      {
        tenantId: "t",
        kind: "bill_payment",
        rampId: "bill-1",
        entityId: "ent-1",
        syncRequestId: null,
        snapshot: b,
      },
    ]);
  });

  it("a posted card payment unlocks the card transactions it settles; other payments unlock nothing", () => {
    const card = paid({ type: "card", spendLimitId: "lim", transactionIds: ["tx-1", "tx-2"] });
    expect(
      followUpsOf(syncObjectOf("bill_payment", card), { tenantId: "t" }).map((f) => [f.kind, f.rampId]),
    ).toEqual([
      ["transaction", "tx-1"],
      ["transaction", "tx-2"],
    ]);
    const inErp = paid({ type: "manual", manualPaymentMethod: "PAID_IN_ERP" });
    expect(followUpsOf(syncObjectOf("bill_payment", inErp), { tenantId: "t" })).toEqual([]);
  });
});

describe("fingerprintFor", () => {
  it("ignores what our own report changes, so a report never resets the failure cool-down", () => {
    const a = syncObjectOf("bill", bill());
    const reported = syncObjectOf(
      "bill",
      bill({ syncStatus: "BILL_SYNCED", remoteId: "J1", deepLinkUrl: "x" }),
    );
    expect(fingerprintFor(reported)).toBe(fingerprintFor(a));
    const edited = syncObjectOf("bill", bill({ amount: fromMinor(12_346, "USD") }));
    expect(fingerprintFor(edited)).not.toBe(fingerprintFor(a));
  });
});
