/**
 * Wire objects → the domain model of lib/ramp/model.ts. Every money shape
 * Ramp uses ends here as Money (integer minor units): 2026 `entity_amount`
 * first, then `CurrencyAmount`, then the legacy decimal in major units, which is
 * converted by string arithmetic (lib/money) so no float survives the parser.
 */
import { fromMajor, fromMinor, type Money } from "../money/index.js";
import { RampError } from "./errors.js";
import type {
  BillPaymentDetails,
  LineItem,
  RampBill,
  RampBillPayment,
  RampCashback,
  RampEntity,
  RampReimbursement,
  RampTransaction,
  RampTransfer,
  RampVendorCredit,
  Selection,
} from "./model.js";
import type { CurrencyAmountWire, LineItemWire, SelectionWire, SignedAmountWire } from "./schemas/common.js";
import type {
  BillPaymentWire,
  BillWire,
  CashbackWire,
  EntityWire,
  ReimbursementWire,
  TransactionWire,
  TransferWire,
  VendorCreditWire,
} from "./schemas/objects.js";

export class RampMoneyShapeError extends RampError {
  override name = "RampMoneyShapeError";
}

function moneyFromCurrencyAmount(a: CurrencyAmountWire): Money {
  return fromMinor(a.amount, a.currency_code, a.minor_unit_conversion_rate ?? null);
}

function moneyFromSigned(a: SignedAmountWire): Money {
  return fromMinor(a.value, a.currency);
}

/** Prefer the 2026 signed minor-unit amount; fall back to the legacy decimal + currency. */
function preferredAmount(
  signed: SignedAmountWire | null | undefined,
  decimal: number | null | undefined,
  currency: string | null | undefined,
  what: string,
): Money {
  if (signed) return moneyFromSigned(signed);
  if (decimal != null && currency) return fromMajor(decimal, currency);
  throw new RampMoneyShapeError(`${what}: no amount in any known shape`);
}

function toSelection(s: SelectionWire): Selection {
  return {
    optionRampId: s.id,
    optionRemoteId: s.external_id ?? null,
    optionName: s.name ?? null,
    optionCode: s.external_code ?? null,
    fieldRampId: s.category_info?.id ?? null,
    fieldRemoteId: s.category_info?.external_id ?? null,
    fieldName: s.category_info?.name ?? null,
    type: s.category_info?.type ?? s.type ?? null,
  };
}

function toLineItem(l: LineItemWire): LineItem {
  return {
    amount: moneyFromCurrencyAmount(l.amount),
    memo: l.memo ?? null,
    selections: l.accounting_field_selections.map(toSelection),
  };
}

export function toTransaction(t: TransactionWire): RampTransaction {
  const amount = preferredAmount(t.entity_amount, t.amount, t.currency_code, `transaction ${t.id}`);
  const merchant = t.merchant_amount
    ? moneyFromSigned(t.merchant_amount)
    : t.original_transaction_amount
      ? moneyFromCurrencyAmount(t.original_transaction_amount)
      : null;
  return {
    id: t.id,
    entityId: t.entity_id ?? null,
    state: t.state ?? null,
    syncStatus: t.sync_status,
    amount,
    // Only informative when it is a second currency.
    originalAmount: merchant && merchant.currency !== amount.currency ? merchant : null,
    accountingDate: t.accounting_date ?? null,
    userTransactionTime: t.user_transaction_time ?? null,
    merchantId: t.merchant_id ?? null,
    merchantName: t.merchant_name ?? null,
    memo: t.memo ?? null,
    receiptIds: t.receipts,
    cardHolder: t.card_holder
      ? {
          userId: t.card_holder.user_id ?? null,
          firstName: t.card_holder.first_name ?? null,
          lastName: t.card_holder.last_name ?? null,
          employeeId: t.card_holder.employee_id ?? null,
        }
      : null,
    limitId: t.limit_id ?? null,
    selections: t.accounting_field_selections.map(toSelection),
    lineItems: t.line_items.map(toLineItem),
    requiresAccountingVendorCreation: t.requires_accounting_vendor_creation_to_sync === true,
    syncedAt: t.synced_at ?? null,
    originalTransactionId: t.original_transaction_id ?? null,
  };
}

const PAID_STATES = new Set(["REIMBURSED", "MANUALLY_REIMBURSED", "REIMBURSED_VIA_PUSH"]);

export function toReimbursement(r: ReimbursementWire): RampReimbursement {
  return {
    id: r.id,
    entityId: r.entity_id ?? null,
    state: r.state ?? null,
    type: r.type ?? null,
    syncStatus: r.sync_status,
    amount: preferredAmount(r.entity_amount, r.amount, r.currency, `reimbursement ${r.id}`),
    accountingDate: r.accounting_date ?? null,
    transactionDate: r.transaction_date ?? null,
    createdAt: r.created_at ?? null,
    userId: r.user_id ?? null,
    userFullName: r.user_full_name ?? null,
    userEmail: r.user_email ?? null,
    employeeId: r.employee_id ?? null,
    merchant: r.merchant ?? null,
    memo: r.memo ?? null,
    // Ramp names no "paid at" field; the payout time (2026) or, for paid states, nothing better is known.
    paidAt:
      r.payment_processed_at ?? (r.state && PAID_STATES.has(r.state) ? (r.accounting_date ?? null) : null),
    selections: r.accounting_field_selections.map(toSelection),
    lineItems: r.line_items.map(toLineItem),
    syncedAt: r.synced_at ?? null,
    receiptIds: r.receipts,
  };
}

export function toTransfer(t: TransferWire): RampTransfer {
  return {
    id: t.id,
    entityId: t.entity_id ?? null,
    amount: moneyFromCurrencyAmount(t.amount),
    createdAt: t.created_at ?? null,
    status: t.status ?? null,
    syncStatus: t.sync_status,
    paymentId: t.payment_id ?? null,
    bankAccountId: t.bank_account_id ?? null,
  };
}

export function toCashback(c: CashbackWire): RampCashback {
  return {
    id: c.id,
    entityId: c.entity_id ?? null,
    amount: moneyFromCurrencyAmount(c.amount),
    createdAt: c.created_at ?? null,
    syncStatus: c.sync_status,
  };
}

function toPaymentDetails(p: BillPaymentWire): BillPaymentDetails | null {
  const d = p.details;
  if (!d) return null;
  if (d.transaction_ids != null || d.spend_limit_id != null) {
    return { type: "card", spendLimitId: d.spend_limit_id ?? null, transactionIds: d.transaction_ids ?? [] };
  }
  if (d.manual_payment_method) return { type: "manual", manualPaymentMethod: d.manual_payment_method };
  return {
    type: "vendor",
    sourceBankAccountId: d.source_bank_account_id ?? null,
    vendorAccountId: d.vendor_account_id ?? null,
    approvalStatus: d.approval_status ?? null,
  };
}

function toBillPayment(p: BillPaymentWire): RampBillPayment {
  return {
    id: p.id ?? null,
    amount: moneyFromCurrencyAmount(p.amount),
    paymentMethod: p.payment_method ?? null,
    paymentDate: p.payment_date ?? null,
    effectiveDate: p.effective_date ?? null,
    details: toPaymentDetails(p),
  };
}

export function toBill(b: BillWire): RampBill {
  return {
    id: b.id,
    entityId: b.entity_id ?? null,
    status: b.status,
    syncStatus: b.sync_status,
    approvalStatus: b.approval_status ?? null,
    amount: moneyFromCurrencyAmount(b.amount),
    fxConversionRate: b.fx_conversion_rate == null ? null : String(b.fx_conversion_rate),
    invoiceNumber: b.invoice_number ?? null,
    memo: b.memo ?? null,
    invoiceUrls: b.invoice_urls,
    issuedAt: b.issued_at ?? null,
    dueAt: b.due_at ?? null,
    accountingDate: b.accounting_date ?? null,
    paidAt: b.paid_at ?? null,
    vendor: b.vendor
      ? { id: b.vendor.id ?? null, name: b.vendor.name ?? null, remoteId: b.vendor.remote_id ?? null }
      : null,
    selections: b.accounting_field_selections.map(toSelection),
    lineItems: b.line_items.map(toLineItem),
    payment: b.payment ? toBillPayment(b.payment) : null,
    // Absent when none: a bill without credits fingerprints as it did before the field was read.
    ...(b.applied_vendor_credits.length
      ? {
          appliedVendorCredits: b.applied_vendor_credits.map((c) => ({
            id: c.id,
            amount: moneyFromCurrencyAmount(c.amount),
          })),
        }
      : {}),
    remoteId: b.remote_id ?? null,
    deepLinkUrl: b.deep_link_url ?? null,
  };
}

export function toVendorCredit(v: VendorCreditWire): RampVendorCredit {
  return {
    id: v.id,
    vendorId: v.vendor_id ?? null,
    entityId: v.entity_id ?? null,
    amount: moneyFromCurrencyAmount(v.amount),
    remainingAmount: v.remaining_amount ? moneyFromCurrencyAmount(v.remaining_amount) : null,
    accountingDate: v.accounting_date ?? null,
    createdAt: v.created_at ?? null,
    memo: v.memo ?? null,
    lineItems: v.line_items.map(toLineItem),
    selections: v.accounting_field_selections.map(toSelection),
  };
}

export function toEntity(e: EntityWire): RampEntity {
  return { id: e.id, name: e.entity_name, currency: e.currency ?? null, isPrimary: e.is_primary === true };
}
