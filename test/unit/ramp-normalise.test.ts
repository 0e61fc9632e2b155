import { describe, expect, it } from "vitest";
import { toBill, toReimbursement, toTransaction, toVendorCredit } from "../../lib/ramp/normalise.js";
import { pageSchema } from "../../lib/ramp/schemas/common.js";
import {
  BillSchema,
  ReimbursementSchema,
  TransactionSchema,
  VendorCreditSchema,
} from "../../lib/ramp/schemas/objects.js";

const selection = (type: string | null, categoryType: string | null) => ({
  id: "opt-ramp",
  name: "Software",
  external_id: "c1:6420",
  external_code: "6420",
  ...(type ? { type } : {}),
  source: { type: "USER" },
  category_info: { id: "field-ramp", name: "GL Account", external_id: "gl_accounts", type: categoryType },
});

describe("transactions", () => {
  it("prefers the 2026 entity_amount and keeps a foreign merchant amount", () => {
    const wire = TransactionSchema.parse({
      id: "t1",
      state: "CLEARED",
      sync_status: "SYNC_READY",
      amount: -45.0,
      currency_code: "USD",
      entity_amount: { currency: "USD", value: -4500 },
      merchant_amount: { currency: "EUR", value: -4150 },
      accounting_field_selections: [selection("MERCHANT", "MERCHANT")],
      line_items: [
        {
          amount: { amount: -4500, currency_code: "USD", minor_unit_conversion_rate: 100 },
          memo: "lunch",
          accounting_field_selections: [selection("OTHER", "GL_ACCOUNT")],
        },
      ],
      requires_accounting_vendor_creation_to_sync: true,
      brand_new_2027_field: [1, 2, 3],
    });
    const t = toTransaction(wire);
    expect(t.amount).toEqual({ minor: -4500, currency: "USD" });
    expect(t.originalAmount).toEqual({ minor: -4150, currency: "EUR" });
    expect(t.lineItems[0]?.amount).toEqual({ minor: -4500, currency: "USD" });
    // category_info.type wins over the top-level type
    expect(t.lineItems[0]?.selections[0]).toMatchObject({
      type: "GL_ACCOUNT",
      optionRemoteId: "c1:6420",
      fieldRemoteId: "gl_accounts",
    });
    expect(t.requiresAccountingVendorCreation).toBe(true);
    expect(t.cardHolder).toBeNull();
  });

  it("falls back to the legacy decimal without float error, and nulls an unknown sync status", () => {
    const t = toTransaction(
      TransactionSchema.parse({
        id: "t2",
        amount: 1234.56,
        currency_code: "USD",
        sync_status: "SOMETHING_NEW",
      }),
    );
    expect(t.amount).toEqual({ minor: 123456, currency: "USD" });
    expect(t.syncStatus).toBeNull();
    expect(t.originalAmount).toBeNull();
    expect(t.selections).toEqual([]);
  });

  it("refuses a transaction without any amount", () => {
    expect(() => toTransaction(TransactionSchema.parse({ id: "t3" }))).toThrow(/no amount/);
  });

  it("parses a page envelope and tolerates a missing page", () => {
    const page = pageSchema(TransactionSchema).parse({
      data: [{ id: "a", amount: 1, currency_code: "JPY" }],
    });
    expect(toTransaction(page.data[0]!).amount).toEqual({ minor: 1, currency: "JPY" });
  });
});

describe("reimbursements", () => {
  it("accepts the 2026 shape without legacy amount", () => {
    const r = toReimbursement(
      ReimbursementSchema.parse({
        id: "r1",
        state: "REIMBURSED",
        entity_amount: { currency: "KWD", value: 12345 },
        payment_processed_at: "2026-03-01T00:00:00Z",
      }),
    );
    expect(r.amount).toEqual({ minor: 12345, currency: "KWD" });
    expect(r.paidAt).toBe("2026-03-01T00:00:00Z");
  });
  it("accepts the 2025 shape", () => {
    const r = toReimbursement(ReimbursementSchema.parse({ id: "r2", amount: 12.5, currency: "EUR" }));
    expect(r.amount).toEqual({ minor: 1250, currency: "EUR" });
    expect(r.paidAt).toBeNull();
  });
});

describe("bills", () => {
  const bill = (details: Record<string, unknown>) =>
    BillSchema.parse({
      id: "b1",
      status: "PAID",
      sync_status: "BILL_SYNCED",
      amount: { amount: 98050, currency_code: "USD", minor_unit_conversion_rate: 100 },
      vendor: { id: "v1", name: "Quill", remote_id: "c1:V-1", remote_code: "V-1", type: "BUSINESS" },
      line_items: [
        {
          amount: { amount: 98050, currency_code: "USD" },
          accounting_field_selections: [selection(null, "GL_ACCOUNT")],
        },
      ],
      payment: {
        id: "p1",
        amount: { amount: 93050, currency_code: "USD" },
        payment_method: "CHECK",
        details,
      },
      applied_vendor_credits: [{ id: "vc", amount: { amount: 5000, currency_code: "USD" } }],
    });

  it("normalises CurrencyAmount and tells payment details apart", () => {
    const b = toBill(
      bill({ source_bank_account_id: "bank-1", vendor_account_id: null, approval_status: null }),
    );
    expect(b.amount).toEqual({ minor: 98050, currency: "USD" });
    expect(b.payment?.amount).toEqual({ minor: 93050, currency: "USD" });
    expect(b.payment?.details).toEqual({
      type: "vendor",
      sourceBankAccountId: "bank-1",
      vendorAccountId: null,
      approvalStatus: null,
    });
    expect(b.vendor).toEqual({ id: "v1", name: "Quill", remoteId: "c1:V-1" });
    expect(b.lineItems[0]?.selections[0]?.type).toBe("GL_ACCOUNT");
    expect(toBill(bill({ spend_limit_id: "lim", transaction_ids: ["t1"] })).payment?.details).toEqual({
      type: "card",
      spendLimitId: "lim",
      transactionIds: ["t1"],
    });
    expect(toBill(bill({ manual_payment_method: "PAID_IN_ERP" })).payment?.details).toEqual({
      type: "manual",
      manualPaymentMethod: "PAID_IN_ERP",
    });
  });

  it("rescales a CurrencyAmount whose conversion rate differs from ISO", () => {
    const b = toBill(
      BillSchema.parse({
        id: "b2",
        status: "OPEN",
        sync_status: "NOT_SYNCED",
        amount: { amount: 500000, currency_code: "JPY", minor_unit_conversion_rate: 100 },
      }),
    );
    expect(b.amount).toEqual({ minor: 5000, currency: "JPY" });
    expect(b.payment).toBeNull();
  });

  it("refuses a bill in an unknown sync state", () => {
    expect(() =>
      BillSchema.parse({
        id: "b3",
        status: "OPEN",
        sync_status: "WHATEVER",
        amount: { amount: 1, currency_code: "USD" },
      }),
    ).toThrow();
  });
});

describe("vendor credits", () => {
  it("tolerates missing optional fields", () => {
    const v = toVendorCredit(
      VendorCreditSchema.parse({ id: "vc1", amount: { amount: 2500, currency_code: "USD" } }),
    );
    expect(v).toMatchObject({
      id: "vc1",
      amount: { minor: 2500, currency: "USD" },
      remainingAmount: null,
      lineItems: [],
    });
  });
});
