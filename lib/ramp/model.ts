/**
 * Ramp objects as the rest of the service sees them: normalised at the client's
 * boundary (lib/ramp/schemas) from every wire shape Ramp sends — legacy decimal
 * amounts, CurrencyAmount objects, 2026 `entity_amount` — into Money, with
 * camelCase names. Only lib/ramp knows the wire format; mapping and sync code use these.
 */
import type { Money } from "../money/index.js";

/** One coding selection: which option of which field (GL account, vendor, department, tax code…). */
export interface Selection {
  /** Ramp id of the selected option (`id` on the wire). */
  optionRampId: string;
  /** Our remote id of the option (`external_id`), `null` when Ramp has none. */
  optionRemoteId: string | null;
  optionName: string | null;
  optionCode: string | null;
  /** Ramp id / our remote id / name of the field (`category_info`). */
  fieldRampId: string | null;
  fieldRemoteId: string | null;
  fieldName: string | null;
  /** `category_info.type` first, else top-level `type`: GL_ACCOUNT, MERCHANT, TAX_CODE, OTHER… */
  type: string | null;
}

export interface LineItem {
  amount: Money;
  memo: string | null;
  selections: Selection[];
}

export type SyncStatus = "NOT_SYNC_READY" | "SYNC_READY" | "SYNCED";

export interface RampTransaction {
  id: string;
  entityId: string | null;
  state: string | null;
  syncStatus: SyncStatus | null;
  /** Settled amount in the entity's currency, signed (negative = refund). */
  amount: Money;
  /** Amount in the merchant's currency when it differs (informational / second currency). */
  originalAmount: Money | null;
  /** ISO date-time; falls back to `userTransactionTime` for posting. */
  accountingDate: string | null;
  userTransactionTime: string | null;
  merchantId: string | null;
  merchantName: string | null;
  memo: string | null;
  cardHolder: {
    userId: string | null;
    firstName: string | null;
    lastName: string | null;
    employeeId: string | null;
  } | null;
  /** Spend limit; equals a card-paid bill's `payment.details.spend_limit_id`. */
  limitId: string | null;
  selections: Selection[];
  lineItems: LineItem[];
  requiresAccountingVendorCreation: boolean;
  syncedAt: string | null;
  originalTransactionId: string | null;
  /** Receipt ids; `GET /receipts` gives each one's pre-signed URL (lib/receipts). */
  receiptIds: string[];
}

/** A receipt file's handle: `url` is pre-signed and expires (about an hour). */
export interface RampReceipt {
  id: string;
  createdAt: string | null;
  url: string;
  transactionId: string | null;
  userId: string | null;
}

export interface RampReimbursement {
  id: string;
  entityId: string | null;
  state: string | null;
  type: string | null;
  syncStatus: SyncStatus | null;
  /** What the business pays, signed. */
  amount: Money;
  accountingDate: string | null;
  transactionDate: string | null;
  createdAt: string | null;
  userId: string | null;
  userFullName: string | null;
  userEmail: string | null;
  employeeId: string | null;
  merchant: string | null;
  memo: string | null;
  /** Set when Ramp has paid the employee (REIMBURSED…), so payable can be cleared to bank. */
  paidAt: string | null;
  selections: Selection[];
  lineItems: LineItem[];
  syncedAt: string | null;
  /** Receipt ids; `GET /receipts/{id}` gives each one's pre-signed URL (lib/receipts). */
  receiptIds: string[];
}

export interface RampTransfer {
  id: string;
  entityId: string | null;
  amount: Money;
  createdAt: string | null;
  status: string | null;
  syncStatus: SyncStatus | null;
  paymentId: string | null;
  bankAccountId: string | null;
}

export interface RampCashback {
  id: string;
  entityId: string | null;
  amount: Money;
  createdAt: string | null;
  syncStatus: SyncStatus | null;
}

export type BillSyncStatus = "NOT_SYNCED" | "BILL_SYNCED" | "BILL_AND_PAYMENT_SYNCED";

export type BillPaymentDetails =
  | { type: "card"; spendLimitId: string | null; transactionIds: string[] }
  | { type: "manual"; manualPaymentMethod: string }
  | {
      type: "vendor";
      sourceBankAccountId: string | null;
      vendorAccountId: string | null;
      approvalStatus: string | null;
    };

export interface RampBillPayment {
  id: string | null;
  /**
   * What was paid. Ramp's docs are silent on its currency: a foreign bill's payment in the
   * payer's (entity's) currency is what left the bank, at the payment's rate; one in the
   * invoice currency says only that the bill was paid (README "Currency").
   */
  amount: Money;
  paymentMethod: string | null;
  paymentDate: string | null;
  effectiveDate: string | null;
  details: BillPaymentDetails | null;
}

export interface RampBill {
  id: string;
  entityId: string | null;
  /** Payment status. */
  status: "OPEN" | "PAID";
  syncStatus: BillSyncStatus;
  approvalStatus: string | null;
  /** Invoice total in the invoice currency. */
  amount: Money;
  /**
   * `fx_conversion_rate`: invoice currency → payer currency, as Ramp sends it (unchecked).
   * Ramp's docs do not say when it is fixed; we read it as the rate Ramp applied when it
   * booked the bill (README "Currency").
   */
  fxConversionRate?: string | null;
  invoiceNumber: string | null;
  memo: string | null;
  issuedAt: string | null;
  dueAt: string | null;
  accountingDate: string | null;
  paidAt: string | null;
  vendor: { id: string | null; name: string | null; remoteId: string | null } | null;
  selections: Selection[];
  lineItems: LineItem[];
  payment: RampBillPayment | null;
  remoteId: string | null;
  deepLinkUrl: string | null;
  /** Pre-signed invoice file URLs (expiry unknown: re-fetch the bill for fresh ones). Never logged. */
  invoiceUrls: string[];
  /** Vendor credits applied to this bill in Ramp: each becomes a `credit_application` (lib/sync/credit-application.ts). */
  appliedVendorCredits?: Array<{ id: string; amount: Money }>;
}

export interface RampVendorCredit {
  id: string;
  vendorId: string | null;
  entityId: string | null;
  amount: Money;
  remainingAmount: Money | null;
  accountingDate: string | null;
  createdAt: string | null;
  memo: string | null;
  lineItems: LineItem[];
  selections: Selection[];
}

export interface RampEntity {
  id: string;
  name: string;
  currency: string | null;
  isPrimary: boolean;
}
