/**
 * The ERP port: what the sync needs from any ERP, and nothing else.
 * Adapters (lib/erp/tryton, lib/erp/journal, later NetSuite/QuickBooks/Odoo)
 * implement it; the syncer and coa-push only ever see this interface.
 *
 * Remote ids (ARCHITECTURE.md) are `<company key>:<ERP id>`: stable, and unique
 * across the companies of one tenant, because one Ramp business may map several.
 */

import type { ErrorCategory, Kind } from "../domain/kinds.js";
import type { Money } from "../money/index.js";
import { ErpBaseError } from "./errors.js";

export type RemoteId = string;

export interface ErpCompany {
  /** The tenant's key for this company (entity map); prefix of every remote id it owns. */
  key: string;
  /** The ERP's own id of the company. */
  erpId: string;
  name: string;
  /** ISO-4217 functional currency. */
  currency: string;
}

export type GlClassification =
  | "ASSET"
  | "LIABILITY"
  | "EQUITY"
  | "REVENUE"
  | "EXPENSE"
  | "CREDCARD"
  | "UNKNOWN";

export interface ErpGlAccount {
  remoteId: RemoteId;
  companyKey: string;
  code: string | null;
  name: string;
  classification: GlClassification;
  active: boolean;
}

export interface ErpFieldOption {
  remoteId: RemoteId;
  companyKey: string;
  value: string;
  code: string | null;
  active: boolean;
}

/**
 * A custom coding dimension (Department, Cost Center…). Its remote id is not
 * company-scoped (e.g. `field:DEPT`): one Ramp field spans the companies, its
 * options are scoped to entities.
 */
export interface ErpField {
  remoteId: string;
  name: string;
  options: ErpFieldOption[];
}

export interface ErpVendor {
  remoteId: RemoteId;
  companyKey: string;
  name: string;
  code: string | null;
  active: boolean;
}

export interface ErpTaxRate {
  remoteId: RemoteId;
  companyKey: string;
  name: string;
  /** Decimal fraction as a string, "0.10" = 10 %. */
  rate: string;
  /** GL account the tax posts to (Ramp requires one for API connections). */
  glAccountRemoteId: RemoteId | null;
  active: boolean;
}

export interface ErpTaxCode {
  remoteId: RemoteId;
  companyKey: string;
  name: string;
  taxRateRemoteIds: RemoteId[];
  active: boolean;
}

/** Everything Ramp users code against, read from the ERP (ERP → Ramp direction). */
export interface CodingSurface {
  companies: ErpCompany[];
  glAccounts: ErpGlAccount[];
  fields: ErpField[];
  vendors: ErpVendor[];
  taxRates: ErpTaxRate[];
  taxCodes: ErpTaxCode[];
}

// ---------------------------------------------------------------- postings

export interface Dimension {
  fieldRemoteId: string;
  optionRemoteId: RemoteId;
}

/** One expense line. Amounts are in the posting's currency and signed like the object (negative = refund). */
export interface ExpenseLine {
  accountRemoteId: RemoteId;
  /** Net amount (tax excluded when `tax` is set). */
  amount: Money;
  /** Tax part of the line; amount + tax.amount is what Ramp shows for the line. */
  tax: { taxCodeRemoteId: RemoteId; amount: Money } | null;
  dimensions: Dimension[];
  memo: string | null;
}

interface PostingBase {
  /** Deterministic external reference `ramp:<kind>:<ramp id>` (lib/domain/kinds.ts externalRef). */
  ref: string;
  rampId: string;
  companyKey: string;
  /** Accounting date, YYYY-MM-DD. */
  date: string;
  /** Document currency. When it is not the company's currency the ERP converts at its own rate, or refuses. */
  currency: string;
  memo: string | null;
  /** Link back to the object in Ramp, where the ERP has room for it. */
  link: string | null;
}

export interface CardTransactionPosting extends PostingBase {
  kind: "transaction";
  lines: ExpenseLine[];
  /** Card liability (clearing) account credited. */
  creditAccountRemoteId: RemoteId;
  vendorRemoteId: RemoteId | null;
  merchantName: string | null;
  /** Merchant-currency amount kept as information / second currency where the ERP has one. */
  originalAmount: Money | null;
}

export interface BillPosting extends PostingBase {
  kind: "bill";
  vendorRemoteId: RemoteId;
  invoiceNumber: string | null;
  dueDate: string | null;
  lines: ExpenseLine[];
  payableAccountRemoteId: RemoteId;
  /**
   * fx.policy `ramp-rates`: the rate Ramp applied (document → company currency) that a
   * foreign bill is booked at, instead of the ERP's own. Absent/null: the ERP converts at its
   * rate of the bill's date (`erp-rates`), or there is nothing to convert.
   */
  rampRate?: string | null;
}

export interface BillPaymentPosting extends PostingBase {
  kind: "bill_payment";
  /** The bill's external ref and ERP id (the payment phase needs the bill in the ERP). */
  billRef: string;
  billErpId: string;
  vendorRemoteId: RemoteId;
  amount: Money;
  payableAccountRemoteId: RemoteId;
  /** Bank account, or the card liability for card-paid bills (no second AP payment from the bank). */
  creditAccountRemoteId: RemoteId;
  method: "bank" | "card";
  /**
   * A foreign bill's payment in the company currency: what left the bank or card. The payable
   * is cleared at what the bill was booked at, and `paid` minus that goes to the FX gain/loss
   * account (realised difference). Absent/null: the ERP converts `amount` at its own rate of
   * the payment date (`erp-rates`), or the bill is in the company currency.
   */
  paid?: Money | null;
  /** Where a realised FX difference goes (companies[].defaults.fxGainLoss); null while unset. */
  fxGainLossAccountRemoteId?: RemoteId | null;
}

export interface ReimbursementPosting extends PostingBase {
  kind: "reimbursement";
  employeeName: string;
  employeeRemoteId: RemoteId | null;
  lines: ExpenseLine[];
  payableAccountRemoteId: RemoteId;
  /** Present when Ramp already paid the employee: payable is cleared to this bank account. */
  payment: { date: string; bankAccountRemoteId: RemoteId } | null;
}

/** Statement payment: card liability ← bank. */
export interface TransferPosting extends PostingBase {
  kind: "transfer";
  amount: Money;
  debitAccountRemoteId: RemoteId;
  creditAccountRemoteId: RemoteId;
}

/** Cashback: card liability ← cashback income. */
export interface CashbackPosting extends PostingBase {
  kind: "cashback";
  amount: Money;
  debitAccountRemoteId: RemoteId;
  creditAccountRemoteId: RemoteId;
}

/** Supplier credit note: AP (vendor) debited, expense lines credited. */
export interface VendorCreditPosting extends PostingBase {
  kind: "vendor_credit";
  vendorRemoteId: RemoteId;
  lines: ExpenseLine[];
  payableAccountRemoteId: RemoteId;
}

/**
 * A vendor credit applied to a bill (lib/sync/credit-application.ts): the credit memo set
 * against the bill's invoice for `amount`, on the vendor's payable. Both must be in the ERP.
 */
export interface CreditApplicationPosting extends PostingBase {
  kind: "credit_application";
  billRef: string;
  billErpId: string;
  creditRef: string;
  creditErpId: string;
  vendorRemoteId: RemoteId;
  amount: Money;
  payableAccountRemoteId: RemoteId;
}

export type Posting =
  | CreditApplicationPosting
  | CardTransactionPosting
  | BillPosting
  | BillPaymentPosting
  | ReimbursementPosting
  | TransferPosting
  | CashbackPosting
  | VendorCreditPosting;

export type PostingOf<K extends Kind> = Extract<Posting, { kind: K }>;

export interface PostResult {
  /** The ERP's reference id, what Ramp gets as `reference_id`. */
  erpId: string;
  /** false when the reference already existed (look-before-create found it). */
  created: boolean;
}

export type PostOutcome = { ok: true; result: PostResult } | { ok: false; error: ErpError };

/**
 * How complete the ERP's record under a reference is (ARCHITECTURE.md, "Complete or finish").
 * A worker killed inside a multi-step ERP write leaves one of these behind:
 * - `complete`: everything the posting needs is in the ERP (posted, paid where Ramp paid);
 * - `draft`: the record exists but was never posted (killed between create and post);
 * - `partial`: posted, but a later step is missing — a reimbursement invoice without the
 *   payment Ramp already made, a bill payment not reconciled with its bill.
 * Only a complete record may be recorded and reported to Ramp as synced.
 */
export type RecordState = "complete" | "draft" | "partial";

export interface FoundRecord extends PostResult {
  created: false;
  state: RecordState;
  /** What is missing (for logs and the finishing step), null when complete. */
  missing: string | null;
}

/**
 * One ERP record under a reference, as reconciliation (lib/reconcile) holds it
 * against Ramp and the ledger. Adapters report every record they find — two
 * records under one reference are two summaries, never deduplicated.
 */
export interface ErpRecordSummary {
  ref: string;
  /** The id we report to Ramp for it (same form as PostResult.erpId). */
  erpId: string;
  companyKey: string;
  /** Judged without a posting: draft or complete; `partial` where the record alone shows a missing step. */
  state: RecordState;
  /** The document's total as Ramp shows the object (signed like it), in the document's currency; null when unknown. */
  amount: Money | null;
  /** Remote ids of the accounts the record's expense (debit) lines hit — sorted, unique; empty when unknown. */
  accountRemoteIds: string[];
}

// ---------------------------------------------------------------- receipts

/**
 * One file to attach to a posted record: a Ramp receipt, or a bill's invoice file.
 * `receiptId` with the record's reference is the idempotency key (attaching the same
 * pair again is a no-op); `fileName` is built by us (`<receiptId>.<ext>`), never user text.
 */
export interface AttachmentFile {
  receiptId: string;
  fileName: string;
  /** Checked by the downloader (lib/receipts): application/pdf, image/png, image/jpeg, … */
  contentType: string;
  bytes: Uint8Array;
}

/** One record and the files to attach to it (ErpPort.attachMany). */
export interface AttachItem {
  target: AttachTarget;
  files: readonly AttachmentFile[];
}

/** An item's results, or the error it alone failed with. */
export type AttachOutcome = AttachResult[] | ErpError;

/** The ERP record files are attached to: what `post`/`find` returned for the reference. */
export interface AttachTarget {
  ref: string;
  companyKey: string;
  /** The id we reported to Ramp (PostResult.erpId). */
  erpId: string;
}

export interface AttachResult {
  receiptId: string;
  /** The ERP's id of the attachment (Tryton ir.attachment id; the journal's relative file path). */
  attachmentId: string;
  /** false when it was already attached (look before create). */
  created: boolean;
}

// ---------------------------------------------------------------- errors

export type ErpErrorCode =
  | "CLOSED_PERIOD"
  | "INACTIVE_ACCOUNT"
  | "UNKNOWN_ACCOUNT"
  | "UNKNOWN_OPTION"
  | "UNKNOWN_VENDOR"
  | "UNKNOWN_TAX"
  | "UNBALANCED"
  | "MISSING_MAPPING"
  | "UNSUPPORTED_CURRENCY"
  | "MISSING_BILL"
  | "UNAVAILABLE"
  | "TIMEOUT"
  | "RATE_LIMITED"
  | "UNEXPECTED";

/**
 * A failure with what Ramp's Export Errors need: its category, a short title and,
 * for user-actionable ones, how to fix it. The sync layer formats the final message.
 */
export class ErpError extends ErpBaseError {
  override name = "ErpError";
  readonly category: ErrorCategory;
  readonly code: ErpErrorCode;
  readonly title: string;
  readonly howToFix: string | null;
  /** Technical detail for logs and support, never shown to the finance user. */
  readonly detail: string | null;

  constructor(
    category: ErrorCategory,
    code: ErpErrorCode,
    title: string,
    opts: { howToFix?: string; detail?: string; cause?: unknown } = {},
  ) {
    super(opts.howToFix ? `${title}. ${opts.howToFix}` : title, { cause: opts.cause });
    this.category = category;
    this.code = code;
    this.title = title;
    this.howToFix = opts.howToFix ?? null;
    this.detail = opts.detail ?? null;
  }
}

export const userError = (code: ErpErrorCode, title: string, howToFix: string, detail?: string) =>
  new ErpError("user_actionable", code, title, { howToFix, ...(detail ? { detail } : {}) });

export const transientError = (code: ErpErrorCode, title: string, detail?: string, cause?: unknown) =>
  new ErpError("transient", code, title, { ...(detail ? { detail } : {}), cause });

export const integratorError = (title: string, detail?: string, cause?: unknown) =>
  new ErpError("needs_integrator", "UNEXPECTED", title, { ...(detail ? { detail } : {}), cause });

// ---------------------------------------------------------------- the port

export interface ErpCapabilities {
  /** postBatch does real batching (fewer round trips), not just a loop. */
  batchPosting: boolean;
  maxBatchSize: number;
  /** How documents in a currency other than the company's are handled. */
  foreignCurrency: "convert_at_erp_rate" | "refuse";
  supplierInvoices: boolean;
  creditNotes: boolean;
  dimensions: boolean;
  taxes: boolean;
  vendorCreation: boolean;
  /** Largest single file `attach` accepts (bytes); the downloader caps below it. */
  maxAttachmentBytes: number;
  /** Concurrent posting calls the ERP tolerates per tenant. */
  maxConcurrency: number;
}

export interface ErpPort {
  /** "tryton", "journal", … */
  readonly type: string;
  readonly capabilities: ErpCapabilities;

  /** The coding surface of every configured company. */
  readSurface(): Promise<CodingSurface>;

  /**
   * Looks a reference up and says how complete its record is. With the posting, completeness
   * is judged against what the posting needs (a reimbursement Ramp already paid needs its
   * payment move); without it, only the record itself (draft or posted) is judged.
   */
  find(ref: string, companyKey: string, posting?: Posting): Promise<FoundRecord | null>;

  /**
   * Posts. Adapters also look before creating (defence in depth), but the protocol does not
   * rely on it: it only calls post for a reference it has no record of (lib/sync/process-item).
   */
  post(posting: Posting): Promise<PostResult>;

  /** Posts several, each independently; outcome order follows input order. */
  postBatch(postings: readonly Posting[]): Promise<PostOutcome[]>;

  /**
   * Finishes records `find` reported incomplete (posts a draft, adds the missing payment,
   * reconciles), through the same path postBatch uses; never creates a second record for a
   * reference. The outcome's erpId is the finished record's. Outcome order follows input order.
   */
  finishBatch(items: readonly { posting: Posting; found: FoundRecord }[]): Promise<PostOutcome[]>;

  /**
   * Every record under each of many references at once (reconciliation): keyed by ref,
   * references with no record absent. Batched per company (a journal read once, Tryton
   * searches of at most a few hundred references each), never one call per reference.
   */
  findMany(refs: readonly { ref: string; companyKey: string }[]): Promise<Map<string, ErpRecordSummary[]>>;

  /** For PAID_IN_ERP bills: the payment the ERP already holds for the bill, if any. */
  findBillPayment(billErpId: string, companyKey: string): Promise<string | null>;

  /**
   * Attaches files to a posted record, each idempotent by (ref, receiptId): a file already
   * attached under the record is found, not added again (a redelivery or a crash between
   * download and attach leaves one attachment). Results follow input order. Throws ErpError
   * (transient when the ERP is unavailable; user_actionable when the record is gone).
   */
  attach(target: AttachTarget, files: readonly AttachmentFile[]): Promise<AttachResult[]>;

  /**
   * Many records' files in one write, where the ERP pays per write rather than per file (the
   * journal rewrites its whole file per attach call: one call per receipts run, not per
   * object). Each item's outcome in input order: its results, or the ErpError that item alone
   * failed with. Absent: callers attach one record at a time.
   */
  attachMany?(items: readonly AttachItem[]): Promise<AttachOutcome[]>;

  /**
   * The receipt ids attached under each record (reconciliation, ops show), keyed by ref;
   * records with none absent. Batched like findMany, never one call per reference.
   */
  listAttachments(targets: readonly AttachTarget[]): Promise<Map<string, string[]>>;

  /** Creates (or finds by exact name) a vendor from a merchant; idempotent. */
  createVendor(input: { companyKey: string; name: string }): Promise<ErpVendor>;

  close(): Promise<void>;
}
