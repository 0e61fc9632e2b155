/** lib/sync/item-gate.ts, pure: the gate's decision for every kind of fact it is given. */
import { describe, expect, it } from "vitest";
import { gateOf, settlementBlocker } from "../../../lib/sync/item-gate.js";
import type { LedgerItem } from "../../../lib/sync/ports.js";
import { billOf, tx } from "./world.js";

const row = (over: Partial<LedgerItem>): LedgerItem => ({
  tenantId: "acme",
  kind: "bill",
  rampId: "b",
  state: "POSTED",
  rev: 1,
  attempts: 0,
  told: false,
  fingerprint: "f",
  createdAt: 0,
  updatedAt: 0,
  ...over,
});
const link = { transactionId: "t", billId: "b", createdAt: 0 };

describe("gateOf", () => {
  it("skips a phase no longer owed, claims an ordinary object for posting", () => {
    expect(gateOf({ kind: "transaction", object: tx({ syncStatus: "SYNCED" }) }, { kind: "none" })).toEqual({
      kind: "skip",
      reason: "already-synced",
    });
    expect(gateOf({ kind: "transaction", object: tx() }, { kind: "none" })).toEqual({
      kind: "claim",
      route: { kind: "post" },
    });
  });

  it("sends a payment whose bill phase is owed to the bill first", () => {
    const b = billOf({}, { by: "bank" });
    expect(gateOf({ kind: "bill_payment", object: b }, { kind: "payment", billRow: undefined })).toEqual({
      kind: "bill-first",
    });
  });

  it("posts a payment with its bill's ERP id, and links the charges a card payment settles", () => {
    const b = billOf({}, { by: "card", cardTx: ["t1"] });
    const g = gateOf(
      { kind: "bill_payment", object: b },
      { kind: "payment", billRow: row({ erpRef: "INV-1" }) },
    );
    expect(g).toEqual({
      kind: "claim",
      route: { kind: "post", billErpId: "INV-1" },
      link: { billId: b.id, transactionIds: ["t1"] },
    });
  });

  it("adopts a bill Ramp shows synced; routes a payment paid in the ERP; fails one without a bill id", () => {
    const erp = billOf({ syncStatus: "BILL_SYNCED", remoteId: "INV-2" }, { by: "erp" });
    expect(
      gateOf({ kind: "bill_payment", object: erp }, { kind: "payment", billRow: undefined }),
    ).toMatchObject({
      route: { kind: "paid-in-erp", billErpId: "INV-2" },
      adoptBill: { rampId: erp.id, erpRef: "INV-2" },
    });
    const unknown = billOf({ syncStatus: "BILL_SYNCED", remoteId: null }, { by: "bank" });
    expect(
      gateOf({ kind: "bill_payment", object: unknown }, { kind: "payment", billRow: undefined }),
    ).toMatchObject({
      route: { kind: "bill-unknown" },
      adoptBill: { erpRef: null },
    });
    const marked = row({ state: "MARKED", erpRef: "INV-3" });
    const g = gateOf(
      { kind: "bill_payment", object: { ...unknown, remoteId: "INV-3" } },
      { kind: "payment", billRow: marked },
    );
    expect(g).not.toHaveProperty("adoptBill");
  });

  it("settles a card charge with its payment's id, holds it while the payment may post, fails it once blocked", () => {
    const charge = { kind: "transaction" as const, object: tx() };
    const posted = row({ kind: "bill_payment", erpRef: "PAY-1" });
    expect(gateOf(charge, { kind: "settled-charge", link, paymentRow: posted })).toEqual({
      kind: "claim",
      route: { kind: "settled", erpRef: "PAY-1" },
    });
    expect(
      gateOf(charge, { kind: "settled-charge", link, paymentRow: undefined, billRow: undefined }),
    ).toMatchObject({
      kind: "held",
    });
    const failedBill = row({ state: "FAILED", category: "user_actionable" });
    expect(
      gateOf(charge, { kind: "settled-charge", link, paymentRow: undefined, billRow: failedBill }),
    ).toEqual({
      kind: "fail-charge",
      billId: "b",
      blocker: failedBill,
    });
  });
});

describe("settlementBlocker", () => {
  it("is the payment's row when it has one, else the bill's; a transient failure never blocks", () => {
    const stuckPayment = row({ kind: "bill_payment", state: "FAILED", category: "needs_integrator" });
    const stuckBill = row({ state: "FAILED", category: "user_actionable" });
    expect(settlementBlocker(stuckPayment, stuckBill)).toBe(stuckPayment);
    expect(settlementBlocker(row({ state: "CLAIMED" }), stuckBill)).toBeNull();
    expect(settlementBlocker(undefined, stuckBill)).toBe(stuckBill);
    expect(settlementBlocker(undefined, row({ state: "FAILED", category: "transient" }))).toBeNull();
  });
});
