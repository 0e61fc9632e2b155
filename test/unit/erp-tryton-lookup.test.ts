import { describe, expect, it } from "vitest";
import { isInvoiceRef, paymentRefOf } from "../../lib/erp/tryton/lookup.js";

describe("isInvoiceRef (lib/erp/tryton/lookup.ts: where a ref is looked up)", () => {
  it("bills, vendor credits and reimbursements are invoices", () => {
    expect(isInvoiceRef("ramp:bill:b1")).toBe(true);
    expect(isInvoiceRef("ramp:vendor_credit:c1")).toBe(true);
    expect(isInvoiceRef("ramp:reimbursement:r1")).toBe(true);
  });

  it("a reimbursement's payment is a move, as are all other kinds and foreign refs", () => {
    expect(isInvoiceRef(paymentRefOf("ramp:reimbursement:r1"))).toBe(false);
    expect(paymentRefOf("ramp:reimbursement:r1")).toBe("ramp:reimbursement:r1#payment");
    expect(isInvoiceRef("ramp:bill_payment:p1")).toBe(false);
    expect(isInvoiceRef("ramp:transaction:t1")).toBe(false);
    expect(isInvoiceRef("INV/2026/3")).toBe(false);
  });
});
