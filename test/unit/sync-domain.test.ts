import { describe, expect, it } from "vitest";
import { ErpError, userError } from "../../lib/erp/port.js";
import { MoneyError } from "../../lib/money/index.js";
import { RampApiError, RampTransportError } from "../../lib/ramp/errors.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { billPhases, paymentMode, settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import { classifyFailure, failureMessage, MAX_MESSAGE_LENGTH } from "../../lib/sync/failure.js";
import { MAX_SNAPSHOT_BYTES, parseWorkMessage, workMessageBody } from "../../lib/sync/work-message.js";

describe("bill decision table", () => {
  it.each([
    ["NOT_SYNCED", "OPEN", ["bill"]],
    ["NOT_SYNCED", "PAID", ["bill", "bill_payment"]],
    ["BILL_SYNCED", "PAID", ["bill_payment"]],
    ["BILL_SYNCED", "OPEN", []],
    ["BILL_AND_PAYMENT_SYNCED", "PAID", []],
  ] as const)("%s × %s → %j", (syncStatus, status, phases) => {
    expect(billPhases({ syncStatus, status })).toEqual(phases);
  });

  it("tells card, PAID_IN_ERP and bank payments apart", () => {
    const pay = (details: NonNullable<RampBill["payment"]>["details"]): Pick<RampBill, "payment"> => ({
      payment: {
        id: "p",
        amount: { minor: 1, currency: "USD" },
        paymentMethod: null,
        paymentDate: null,
        effectiveDate: null,
        details,
      },
    });
    const card = pay({ type: "card", spendLimitId: "l1", transactionIds: ["t1", "t2"] });
    expect(paymentMode(card)).toBe("card");
    expect(settlingTransactionIds(card)).toEqual(["t1", "t2"]);
    expect(paymentMode(pay({ type: "manual", manualPaymentMethod: "PAID_IN_ERP" }))).toBe("paid_in_erp");
    expect(paymentMode(pay({ type: "manual", manualPaymentMethod: "CHECK" }))).toBe("bank");
    expect(settlingTransactionIds(pay(null))).toEqual([]);
    expect(paymentMode({ payment: null })).toBe("bank");
  });
});

describe("failure messages (the guide's three kinds)", () => {
  const ctx = { supportContact: "support@example.com", referenceId: "LEDGER#transaction#abc" };

  it("user-actionable: title + how to fix", () => {
    const f = classifyFailure(
      userError("CLOSED_PERIOD", "Accounting period closed", "Reopen period 2026-03 in Tryton and retry."),
    );
    expect(f.category).toBe("user_actionable");
    expect(failureMessage(f, ctx)).toBe(
      "Accounting period closed. Reopen period 2026-03 in Tryton and retry.",
    );
  });

  it("transient: title + we'll retry", () => {
    const f = classifyFailure(new ErpError("transient", "UNAVAILABLE", "ERP unavailable"));
    expect(failureMessage(f, ctx)).toBe("ERP unavailable. We'll retry shortly.");
    expect(classifyFailure(new RampTransportError("connection reset", "GET", "/x")).category).toBe(
      "transient",
    );
    const r503 = new RampApiError(503, null, "unavailable", "tr-1", null, "GET", "/x", null);
    expect(classifyFailure(r503).category).toBe("transient");
  });

  it("needs integrator: title + support contact + reference id, never the technical detail", () => {
    const f = classifyFailure(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(f.category).toBe("needs_integrator");
    const msg = failureMessage(f, ctx);
    expect(msg).toBe("Unexpected sync error. Contact support@example.com, ref LEDGER#transaction#abc.");
    expect(msg).not.toContain("undefined");
    expect(f.detail).toContain("TypeError");
  });

  it("keeps the reference id even when the title is very long", () => {
    const f = classifyFailure(new ErpError("needs_integrator", "UNEXPECTED", "x".repeat(2000)));
    const msg = failureMessage(f, ctx);
    expect(msg.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(msg.endsWith("ref LEDGER#transaction#abc.")).toBe(true);
  });

  it("money that cannot be represented is the user's to fix", () => {
    expect(classifyFailure(new MoneyError("1.234 USD has more than 2 decimal places")).category).toBe(
      "user_actionable",
    );
  });
});

describe("work message", () => {
  const base = {
    v: 1 as const,
    tenantId: "acme",
    kind: "transaction" as const,
    rampId: "tx-1",
    source: "poll" as const,
    enqueuedAt: "2026-11-24T10:00:00.000Z",
  };

  it("round-trips with its snapshot", () => {
    const body = workMessageBody({ ...base, snapshot: { id: "tx-1", memo: "lunch" } });
    const parsed = parseWorkMessage(body);
    expect(parsed).toEqual({ ok: true, message: { ...base, snapshot: { id: "tx-1", memo: "lunch" } } });
  });

  it("drops a snapshot too large for SQS, keeping an id-only message", () => {
    const big = { id: "tx-1", memo: "m".repeat(MAX_SNAPSHOT_BYTES) };
    const parsed = parseWorkMessage(workMessageBody({ ...base, snapshot: big }));
    expect(parsed.ok && parsed.message.snapshot).toBeUndefined();
    expect(parsed.ok && parsed.message.rampId).toBe("tx-1");
  });

  it("explains what is wrong with a malformed message instead of throwing", () => {
    expect(parseWorkMessage("{nope")).toEqual({ ok: false, error: "work message is not JSON" });
    const r = parseWorkMessage(JSON.stringify({ ...base, kind: "invoice", snapshot: { id: "other" } }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/kind/);
    const mismatch = parseWorkMessage(JSON.stringify({ ...base, snapshot: { id: "other" } }));
    expect(!mismatch.ok && mismatch.error).toMatch(/snapshot.id must equal rampId/);
  });
});
