import { describe, expect, it } from "vitest";
import {
  mapBill,
  mapBillPayment,
  mapCashback,
  mapReimbursement,
  mapTransaction,
  mapTransfer,
  mapVendorCredit,
} from "../../lib/erp/mapping/index.js";
import { ErpError } from "../../lib/erp/port.js";
import type { RampReimbursement } from "../../lib/ramp/model.js";
import {
  bill,
  ctx,
  dept,
  ENTITY_EU,
  eur,
  gl,
  line,
  taxSel,
  tenant,
  transaction,
  usd,
  vendorSel,
} from "./mapping-fixtures.js";

function caught(fn: () => unknown): ErpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ErpError) return e;
    throw e;
  }
  throw new Error("expected an ErpError");
}

describe("mapTransaction", () => {
  it("split lines coded per line, vendor from the accounting-vendor selection, card liability credited", () => {
    const tx = transaction({
      selections: [vendorSel("us:V-00317"), dept("us:department/Engineering")],
      lineItems: [
        line(usd(100_000), [gl("us:6300", "Software")], "hosting"),
        line(usd(23_456), [gl("us:6300"), dept("us:department/Sales", "Sales")]),
      ],
    });
    const p = mapTransaction(tx, tenant(), ctx);
    expect(p).toMatchObject({
      kind: "transaction",
      ref: `ramp:transaction:${tx.id}`,
      rampId: tx.id,
      companyKey: "us",
      date: "2026-03-04",
      currency: "USD",
      creditAccountRemoteId: "us:2000",
      vendorRemoteId: "us:V-00317",
      merchantName: "Northwind Cloud",
    });
    expect(
      p.lines.map((l) => [l.accountRemoteId, l.amount.minor, l.dimensions.map((d) => d.optionRemoteId)]),
    ).toEqual([
      ["us:6300", 100_000, ["us:department/Engineering"]],
      ["us:6300", 23_456, ["us:department/Sales"]],
    ]);
  });

  it("a refund keeps negative amounts (the adapter posts it with sides swapped)", () => {
    const p = mapTransaction(
      transaction({ amount: usd(-11_000), selections: [gl("us:6100"), taxSel("us:tax/SALES10")] }),
      tenant(),
      ctx,
    );
    expect(p.lines).toEqual([
      {
        accountRemoteId: "us:6100",
        amount: usd(-10_000),
        tax: { taxCodeRemoteId: "us:tax/SALES10", amount: usd(-1_000) },
        dimensions: [],
        memo: transaction().memo,
      },
    ]);
  });

  it("FX: merchant-currency line items are rescaled to the settled amount; the original amount travels along", () => {
    const p = mapTransaction(
      transaction({
        amount: usd(10_851),
        originalAmount: eur(10_000),
        lineItems: [line(eur(5_000), [gl("us:6100")]), line(eur(5_000), [gl("us:6200")])],
      }),
      tenant(),
      ctx,
    );
    expect(p.currency).toBe("USD");
    expect(p.lines.map((l) => l.amount)).toEqual([usd(5_426), usd(5_425)]);
    expect(p.originalAmount).toEqual(eur(10_000));
  });

  it("falls back to user_transaction_time and uses the first company when there is no entity", () => {
    const p = mapTransaction(transaction({ entityId: null, accountingDate: null }), tenant(), ctx);
    expect({ date: p.date, companyKey: p.companyKey }).toEqual({ date: "2026-03-02", companyKey: "us" });
  });

  it("an unmapped entity is user-actionable and says how to fix it", () => {
    const e = caught(() => mapTransaction(transaction({ entityId: "ent-unknown" }), tenant(), ctx));
    expect({ category: e.category, code: e.code }).toEqual({
      category: "user_actionable",
      code: "MISSING_MAPPING",
    });
    expect(e.message).toContain("Ramp entity ent-unknown is not linked to an ERP company");
    expect(e.message).toContain(
      `Link entity ent-unknown to one of this business's ERP companies (us, eu) in the integration settings — the tenant's "entities" setting`,
    );
  });

  it("a second entity posts to its own company and refuses the first company's accounts", () => {
    const ok = mapTransaction(
      transaction({ entityId: ENTITY_EU, amount: eur(900), selections: [gl("eu:6100")] }),
      tenant(),
      ctx,
    );
    expect([ok.companyKey, ok.currency, ok.creditAccountRemoteId]).toEqual(["eu", "EUR", "eu:2000"]);
    const e = caught(() =>
      mapTransaction(
        transaction({ entityId: ENTITY_EU, amount: eur(900), selections: [gl("us:6100")] }),
        tenant(),
        ctx,
      ),
    );
    expect(e.code).toBe("UNKNOWN_ACCOUNT");
  });

  it("takes a vendor created on sync when the coding names none", () => {
    expect(mapTransaction(transaction(), tenant(), ctx, { vendorRemoteId: "us:V-new" }).vendorRemoteId).toBe(
      "us:V-new",
    );
    expect(mapTransaction(transaction(), tenant(), ctx).vendorRemoteId).toBeNull();
  });
});

describe("mapBill and mapBillPayment", () => {
  it("bill: vendor from Ramp's vendor link, issue date fallback, due date, payable", () => {
    const b = bill();
    const p = mapBill(b, tenant(), ctx);
    expect(p).toMatchObject({
      kind: "bill",
      ref: `ramp:bill:${b.id}`,
      date: "2026-03-01",
      dueDate: "2026-03-31",
      vendorRemoteId: "us:V-100",
      invoiceNumber: "INV-2026-0042",
      payableAccountRemoteId: "us:2100",
      link: b.deepLinkUrl,
    });
    expect(p.lines.map((l) => [l.accountRemoteId, l.amount.minor])).toEqual([["us:6200", 250_000]]);
  });

  it("bill without a linked vendor: vendor selection, else fallback vendor, else user-actionable", () => {
    const unlinked = bill({ vendor: { id: "v", name: "Fabrikam", remoteId: null } });
    expect(mapBill({ ...unlinked, selections: [vendorSel("us:V-7")] }, tenant(), ctx).vendorRemoteId).toBe(
      "us:V-7",
    );
    expect(mapBill(unlinked, tenant({ fallbackVendor: "us:V-MISC" }), ctx).vendorRemoteId).toBe("us:V-MISC");
    const e = caught(() => mapBill(unlinked, tenant(), ctx));
    expect({ category: e.category, code: e.code }).toEqual({
      category: "user_actionable",
      code: "UNKNOWN_VENDOR",
    });
    expect(e.message).toContain("Fabrikam");
  });

  it("bank-paid bill payment credits the bank and references the bill's ERP id", () => {
    const b = bill({
      status: "PAID",
      paidAt: "2026-03-20T10:00:00+00:00",
      payment: {
        id: "pay-1",
        amount: usd(250_000),
        paymentMethod: "ACH",
        paymentDate: "2026-03-19T00:00:00+00:00",
        effectiveDate: "2026-03-18T00:00:00+00:00",
        details: {
          type: "vendor",
          sourceBankAccountId: "ba-1",
          vendorAccountId: "va-1",
          approvalStatus: null,
        },
      },
    });
    const p = mapBillPayment(b, "INV/0042", tenant(), ctx);
    expect(p).toMatchObject({
      kind: "bill_payment",
      ref: `ramp:bill_payment:${b.id}`,
      billRef: `ramp:bill:${b.id}`,
      billErpId: "INV/0042",
      date: "2026-03-18",
      amount: usd(250_000),
      method: "bank",
      payableAccountRemoteId: "us:2100",
      creditAccountRemoteId: "us:1000",
      vendorRemoteId: "us:V-100",
    });
  });

  it("card-paid bill payment credits the card liability, not the bank", () => {
    const b = bill({
      status: "PAID",
      payment: {
        id: null,
        amount: usd(250_000),
        paymentMethod: "CARD",
        paymentDate: "2026-03-19T00:00:00+00:00",
        effectiveDate: null,
        details: { type: "card", spendLimitId: "lim-1", transactionIds: ["tx-1"] },
      },
    });
    const p = mapBillPayment(b, "7", tenant(), ctx);
    expect([p.method, p.creditAccountRemoteId, p.date]).toEqual(["card", "us:2000", "2026-03-19"]);
  });
});

describe("mapReimbursement", () => {
  const r: RampReimbursement = {
    id: "r-1",
    entityId: null,
    state: "REIMBURSED",
    type: "OUT_OF_POCKET",
    syncStatus: "SYNC_READY",
    amount: usd(4_599),
    accountingDate: null,
    transactionDate: "2026-03-03T00:00:00+00:00",
    createdAt: "2026-03-05T00:00:00+00:00",
    userId: "u-1",
    userFullName: "Dana Okafor",
    userEmail: "dana@example.com",
    employeeId: "E-1042",
    merchant: "Uber",
    memo: null,
    paidAt: "2026-03-10T08:00:00+00:00",
    selections: [gl("us:6200", "Travel")],
    lineItems: [],
    syncedAt: null,
    receiptIds: [],
  };
  it("paid: clears payable to bank on the payment date", () => {
    const p = mapReimbursement(r, tenant(), ctx);
    expect(p).toMatchObject({
      date: "2026-03-03",
      employeeName: "Dana Okafor",
      memo: "Uber",
      payableAccountRemoteId: "us:2200",
      payment: { date: "2026-03-10", bankAccountRemoteId: "us:1000" },
    });
    expect(p.lines.map((l) => [l.accountRemoteId, l.amount.minor])).toEqual([["us:6200", 4_599]]);
  });
  it("not yet paid: no payment", () => {
    expect(mapReimbursement({ ...r, paidAt: null }, tenant(), ctx).payment).toBeNull();
  });
});

describe("transfers, cashback, vendor credits", () => {
  it("transfer: card liability ← bank, dated by creation", () => {
    const p = mapTransfer(
      {
        id: "t-1",
        entityId: null,
        amount: usd(500_000),
        createdAt: "2026-03-15T12:00:00Z",
        status: "COMPLETED",
        syncStatus: "SYNC_READY",
        paymentId: "p",
        bankAccountId: "b",
      },
      tenant(),
    );
    expect(p).toMatchObject({
      ref: "ramp:transfer:t-1",
      date: "2026-03-15",
      amount: usd(500_000),
      debitAccountRemoteId: "us:2000",
      creditAccountRemoteId: "us:1000",
    });
  });
  it("cashback: card liability ← cashback income", () => {
    const p = mapCashback(
      {
        id: "c-1",
        entityId: ENTITY_EU,
        amount: eur(1_234),
        createdAt: "2026-03-31T00:00:00Z",
        syncStatus: "SYNC_READY",
      },
      tenant(),
    );
    expect(p).toMatchObject({
      companyKey: "eu",
      currency: "EUR",
      debitAccountRemoteId: "eu:2000",
      creditAccountRemoteId: "eu:4900",
    });
  });
  it("vendor credit: vendor from coding, else fallback, else user-actionable", () => {
    const vc = {
      id: "vc-1",
      vendorId: "ramp-vendor-1",
      entityId: null,
      amount: usd(3_000),
      remainingAmount: usd(3_000),
      accountingDate: "2026-03-12",
      createdAt: null,
      memo: "credit for outage",
      lineItems: [],
      selections: [gl("us:6300")],
    };
    expect(
      mapVendorCredit({ ...vc, selections: [...vc.selections, vendorSel("us:V-100")] }, tenant(), ctx),
    ).toMatchObject({
      vendorRemoteId: "us:V-100",
      payableAccountRemoteId: "us:2100",
      lines: [{ accountRemoteId: "us:6300", amount: usd(3_000) }],
    });
    expect(mapVendorCredit(vc, tenant({ fallbackVendor: "us:V-MISC" }), ctx).vendorRemoteId).toBe(
      "us:V-MISC",
    );
    expect(caught(() => mapVendorCredit(vc, tenant(), ctx)).code).toBe("UNKNOWN_VENDOR");
  });
});
