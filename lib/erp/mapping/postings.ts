/**
 * One mapper per kind: a normalised Ramp object + tenant configuration + coding
 * context → the Posting the ERP port takes. Pure functions; every failure a
 * finance user can fix is an ErpError with category user_actionable.
 * Accounts the coding does not name come from the company's defaults
 * (ARCHITECTURE.md posting rules). The document currency is the object's own;
 * whether the ERP converts or refuses it is the adapter's business.
 */
import type { CompanyConfig, TenantConfig } from "../../config/tenant.js";
import { externalRef } from "../../domain/kinds.js";
import type { Money } from "../../money/index.js";
import type {
  RampBill,
  RampCashback,
  RampReimbursement,
  RampTransaction,
  RampTransfer,
  RampVendorCredit,
} from "../../ramp/model.js";
import { type PostingOf, userError } from "../port.js";
import { type CodingContext, expenseLines, selectedVendor } from "./coding.js";
import { assertOwnedBy, resolveCompany } from "./company.js";
import { dateOnly, postingDate } from "./dates.js";
import { assertRampRatesAmount, billPaymentAmounts, billRampRate } from "./fx-postings.js";

function base<
  K extends
    | "transaction"
    | "bill"
    | "bill_payment"
    | "reimbursement"
    | "transfer"
    | "cashback"
    | "vendor_credit"
    | "credit_application",
>(
  kind: K,
  rampId: string,
  company: CompanyConfig,
  date: string,
  currency: string,
  memo: string | null,
  link: string | null = null,
) {
  return {
    kind,
    ref: externalRef(kind, rampId),
    rampId,
    companyKey: company.key,
    date,
    currency,
    memo,
    link,
  };
}

export interface TransactionMappingOptions {
  /** A vendor the syncer created or matched for this merchant (vendor creation on sync). */
  vendorRemoteId?: string | null;
}

/** Card transaction: expense lines ← card liability. Refunds arrive negative and stay negative. */
export function mapTransaction(
  tx: RampTransaction,
  cfg: TenantConfig,
  ctx: CodingContext,
  opts: TransactionMappingOptions = {},
): PostingOf<"transaction"> {
  const company = resolveCompany(cfg, tx.entityId);
  assertRampRatesAmount(cfg.fx.policy, `Card transaction ${tx.id}`, tx.amount, company);
  const vendorSel = selectedVendor(tx.selections, tx.lineItems, ctx);
  const vendor = vendorSel?.optionRemoteId ?? opts.vendorRemoteId ?? null;
  return {
    ...base(
      "transaction",
      tx.id,
      company,
      postingDate(`transaction ${tx.id}`, tx.accountingDate, tx.userTransactionTime),
      tx.amount.currency,
      tx.memo,
    ),
    lines: expenseLines(
      {
        total: tx.amount,
        header: tx.selections,
        items: tx.lineItems,
        companyKey: company.key,
        defaultExpense: company.defaults.defaultExpense,
        memo: tx.memo,
      },
      ctx,
    ),
    creditAccountRemoteId: company.defaults.cardLiability,
    vendorRemoteId: vendor ? assertOwnedBy(vendor, company.key, "UNKNOWN_VENDOR", "Vendor") : null,
    merchantName: tx.merchantName,
    originalAmount: tx.originalAmount,
  };
}

/** The bill's vendor: Ramp's vendor link, else the vendor selection, else the fallback vendor. */
function billVendor(
  what: string,
  vendorName: string | null,
  candidates: Array<string | null | undefined>,
  company: CompanyConfig,
): string {
  const vendor = candidates.find((c): c is string => !!c) ?? company.defaults.fallbackVendor;
  if (!vendor) {
    throw userError(
      "UNKNOWN_VENDOR",
      `${what}: vendor${vendorName ? ` "${vendorName}"` : ""} is not linked to an ERP vendor`,
      "Link the vendor to an ERP vendor in Ramp (or set a fallback vendor in the integration settings), then retry.",
    );
  }
  return assertOwnedBy(vendor, company.key, "UNKNOWN_VENDOR", "Vendor");
}

export function mapBill(bill: RampBill, cfg: TenantConfig, ctx: CodingContext): PostingOf<"bill"> {
  const company = resolveCompany(cfg, bill.entityId);
  const vendorSel = selectedVendor(bill.selections, bill.lineItems, ctx);
  return {
    ...base(
      "bill",
      bill.id,
      company,
      postingDate(`bill ${bill.invoiceNumber ?? bill.id}`, bill.accountingDate, bill.issuedAt),
      bill.amount.currency,
      bill.memo,
      bill.deepLinkUrl,
    ),
    vendorRemoteId: billVendor(
      `Bill ${bill.invoiceNumber ?? bill.id}`,
      bill.vendor?.name ?? null,
      [bill.vendor?.remoteId, vendorSel?.optionRemoteId],
      company,
    ),
    invoiceNumber: bill.invoiceNumber,
    dueDate: dateOnly(bill.dueAt),
    lines: expenseLines(
      {
        total: bill.amount,
        header: bill.selections,
        items: bill.lineItems,
        companyKey: company.key,
        defaultExpense: company.defaults.defaultExpense,
        memo: bill.memo,
      },
      ctx,
    ),
    payableAccountRemoteId: company.defaults.accountsPayable,
    rampRate: billRampRate(cfg.fx.policy, bill, company),
  };
}

/**
 * The payment phase of a bill: AP ← bank, or AP ← card liability when Ramp paid
 * it by card (those card transactions are then not expensed again).
 */
export function mapBillPayment(
  bill: RampBill,
  billErpId: string,
  cfg: TenantConfig,
  ctx: CodingContext,
): PostingOf<"bill_payment"> {
  const company = resolveCompany(cfg, bill.entityId);
  const payment = bill.payment;
  const card = payment?.details?.type === "card";
  const vendorSel = selectedVendor(bill.selections, bill.lineItems, ctx);
  const { amount, paid } = billPaymentAmounts(cfg.fx.policy, bill, company);
  return {
    ...base(
      "bill_payment",
      bill.id,
      company,
      postingDate(
        `payment of bill ${bill.invoiceNumber ?? bill.id}`,
        payment?.effectiveDate,
        payment?.paymentDate,
        bill.paidAt,
      ),
      amount.currency,
      bill.memo,
      bill.deepLinkUrl,
    ),
    billRef: externalRef("bill", bill.id),
    billErpId,
    vendorRemoteId: billVendor(
      `Bill ${bill.invoiceNumber ?? bill.id}`,
      bill.vendor?.name ?? null,
      [bill.vendor?.remoteId, vendorSel?.optionRemoteId],
      company,
    ),
    amount,
    payableAccountRemoteId: company.defaults.accountsPayable,
    creditAccountRemoteId: card ? company.defaults.cardLiability : company.defaults.bank,
    method: card ? "card" : "bank",
    paid,
    fxGainLossAccountRemoteId: company.defaults.fxGainLoss ?? null,
  };
}

/** Reimbursement: expense ← reimbursements payable; cleared to bank in the same posting once Ramp paid. */
export function mapReimbursement(
  r: RampReimbursement,
  cfg: TenantConfig,
  ctx: CodingContext,
): PostingOf<"reimbursement"> {
  const company = resolveCompany(cfg, r.entityId);
  const paidOn = dateOnly(r.paidAt);
  return {
    ...base(
      "reimbursement",
      r.id,
      company,
      postingDate(`reimbursement ${r.id}`, r.accountingDate, r.transactionDate, r.createdAt),
      r.amount.currency,
      r.memo ?? r.merchant,
    ),
    employeeName: r.userFullName ?? r.userEmail ?? "Employee",
    employeeRemoteId: null,
    lines: expenseLines(
      {
        total: r.amount,
        header: r.selections,
        items: r.lineItems,
        companyKey: company.key,
        defaultExpense: company.defaults.defaultExpense,
        memo: r.memo,
      },
      ctx,
    ),
    payableAccountRemoteId: company.defaults.reimbursementsPayable,
    payment: paidOn ? { date: paidOn, bankAccountRemoteId: company.defaults.bank } : null,
  };
}

/** Statement payment: card liability ← bank. */
export function mapTransfer(t: RampTransfer, cfg: TenantConfig): PostingOf<"transfer"> {
  const company = resolveCompany(cfg, t.entityId);
  return {
    ...base(
      "transfer",
      t.id,
      company,
      postingDate(`transfer ${t.id}`, t.createdAt),
      t.amount.currency,
      "Ramp card statement payment",
    ),
    amount: t.amount,
    debitAccountRemoteId: company.defaults.cardLiability,
    creditAccountRemoteId: company.defaults.bank,
  };
}

/** Cashback: card liability ← cashback income. */
export function mapCashback(c: RampCashback, cfg: TenantConfig): PostingOf<"cashback"> {
  const company = resolveCompany(cfg, c.entityId);
  return {
    ...base(
      "cashback",
      c.id,
      company,
      postingDate(`cashback ${c.id}`, c.createdAt),
      c.amount.currency,
      "Ramp cashback",
    ),
    amount: c.amount,
    debitAccountRemoteId: company.defaults.cardLiability,
    creditAccountRemoteId: company.defaults.cashbackIncome,
  };
}

/** Vendor credit: AP (vendor) ← expense lines. Ramp's vendor id is not an ERP id: the vendor comes from coding or the fallback. */
export function mapVendorCredit(
  vc: RampVendorCredit,
  cfg: TenantConfig,
  ctx: CodingContext,
): PostingOf<"vendor_credit"> {
  const company = resolveCompany(cfg, vc.entityId);
  const vendorSel = selectedVendor(vc.selections, vc.lineItems, ctx);
  return {
    ...base(
      "vendor_credit",
      vc.id,
      company,
      postingDate(`vendor credit ${vc.id}`, vc.accountingDate, vc.createdAt),
      vc.amount.currency,
      vc.memo,
    ),
    vendorRemoteId: billVendor(`Vendor credit ${vc.id}`, null, [vendorSel?.optionRemoteId], company),
    lines: expenseLines(
      {
        total: vc.amount,
        header: vc.selections,
        items: vc.lineItems,
        companyKey: company.key,
        defaultExpense: company.defaults.defaultExpense,
        memo: vc.memo,
      },
      ctx,
    ),
    payableAccountRemoteId: company.defaults.accountsPayable,
  };
}

/**
 * A credit applied to a bill: dated like the bill (Ramp gives no date for the application; the
 * credit lowers what this bill owes, so it belongs with the bill), on the bill's vendor and payable.
 */
export function mapCreditApplication(
  app: { id: string; billId: string; creditId: string; amount: Money; bill: RampBill },
  erpIds: { bill: string; credit: string },
  cfg: TenantConfig,
  ctx: CodingContext,
): PostingOf<"credit_application"> {
  const bill = app.bill;
  const company = resolveCompany(cfg, bill.entityId);
  const vendorSel = selectedVendor(bill.selections, bill.lineItems, ctx);
  const what = `credit ${app.creditId} applied to bill ${bill.invoiceNumber ?? bill.id}`;
  return {
    ...base(
      "credit_application",
      app.id,
      company,
      postingDate(what, bill.accountingDate, bill.issuedAt, bill.paidAt),
      app.amount.currency,
      null,
      bill.deepLinkUrl,
    ),
    billRef: externalRef("bill", app.billId),
    billErpId: erpIds.bill,
    creditRef: externalRef("vendor_credit", app.creditId),
    creditErpId: erpIds.credit,
    vendorRemoteId: billVendor(
      `Bill ${bill.invoiceNumber ?? bill.id}`,
      bill.vendor?.name ?? null,
      [bill.vendor?.remoteId, vendorSel?.optionRemoteId],
      company,
    ),
    amount: app.amount,
    payableAccountRemoteId: company.defaults.accountsPayable,
  };
}
