/**
 * The sandbox's internal records. They hold domain values (integer minor units, epoch ms);
 * `serialize.ts` turns them into Ramp's wire shapes, so the 2025 and 2026 money shapes are
 * derived from one number and can never disagree.
 */
import type { SortedStore } from "./sorted-store.js";

export type SelectionType =
  | "GL_ACCOUNT"
  | "MERCHANT"
  | "OTHER"
  | "TAX_CODE"
  | "SUBSIDIARY"
  | "COST_CENTER"
  | "PROJECT";

/** A coding selection as Ramp shows it on an object (a snapshot of the option and its field). */
export interface Selection {
  id: string;
  name: string;
  external_id: string;
  external_code: string;
  type: SelectionType;
  category: { id: string; name: string; external_id: string; type: SelectionType };
  provider_name: string;
}

export interface Line {
  minor: number;
  /** Currency of `minor` (the settlement/entity currency). */
  currency: string;
  memo: string;
  selections: Selection[];
}

export interface HistoryEntry {
  at: number;
  event: string;
  detail?: Record<string, unknown>;
}

export type SyncStatus = "NOT_SYNC_READY" | "SYNC_READY" | "SYNCED";
export type BillSyncStatus = "NOT_SYNCED" | "BILL_SYNCED" | "BILL_AND_PAYMENT_SYNCED";

export interface SyncState {
  lastError: string | null;
  referenceId: string | null;
  requestedToSync: boolean;
  syncRequestId: string | null;
  updatedAt: number;
  history: HistoryEntry[];
}

interface Base {
  id: string;
  entityId: string;
  createdAt: number;
  sync: SyncState;
}

export interface Txn extends Base {
  kind: "transaction";
  status: SyncStatus;
  syncedAt: number | null;
  state: "CLEARED" | "PENDING";
  minor: number;
  currency: string;
  merchantMinor: number;
  merchantCurrency: string;
  userTime: number;
  accountingDate: number;
  settlementDate: number;
  merchant: {
    id: string;
    name: string;
    descriptor: string;
    mcc: string;
    mccDescription: string;
    city: string;
    country: string;
  };
  skCategory: { id: number; name: string };
  memo: string | null;
  cardHolder: {
    userId: string;
    first: string;
    last: string;
    employeeId: string;
    departmentId: string;
    department: string;
    locationId: string;
    location: string;
  };
  cardId: string;
  limitId: string;
  statementId: string | null;
  receipts: string[];
  header: Selection[];
  lines: Line[];
  originalTransactionId: string | null;
}

export interface Reimb extends Base {
  kind: "reimbursement";
  status: SyncStatus;
  syncedAt: number | null;
  type: "OUT_OF_POCKET" | "MILEAGE";
  state: "REIMBURSED" | "APPROVED";
  minor: number;
  currency: string;
  merchantMinor: number;
  merchantCurrency: string;
  transactionDate: number;
  accountingDate: number;
  submittedAt: number;
  approvedAt: number;
  user: { id: string; email: string; name: string; employeeId: string };
  merchant: string;
  memo: string;
  distanceMiles: number | null;
  /** Receipt ids (objects in `Business.receipts`); seeded from a hash of the id (receipts.ts). */
  receipts: string[];
  header: Selection[];
  lines: Line[];
}

export interface Transfer extends Base {
  kind: "transfer";
  status: SyncStatus;
  syncedAt: number | null;
  minor: number;
  currency: string;
  paymentId: string;
  transferStatus: "COMPLETED" | "ACH_CONFIRMED";
  statementId: string;
}

export interface Cashback extends Base {
  kind: "cashback";
  status: SyncStatus;
  syncedAt: number | null;
  minor: number;
  currency: string;
}

export type PaymentKind = "CARD" | "BANK" | "PAID_IN_ERP";

export interface BillPayment {
  id: string;
  kind: PaymentKind;
  minor: number;
  currency: string;
  paymentDate: number;
  effectiveDate: number | null;
  /** CARD: the paying card transactions and the spend limit they were charged to. */
  spendLimitId?: string;
  transactionIds?: string[];
  sourceBankAccountId?: string;
  vendorAccountId?: string;
}

export interface Bill extends Base {
  kind: "bill";
  status: BillSyncStatus;
  payStatus: "OPEN" | "PAID";
  approval: "APPROVED" | "PENDING";
  archived: boolean;
  minor: number;
  currency: string;
  /**
   * `fx_conversion_rate`, invoice currency → the entity's (payer's) currency: the rate Ramp
   * applied when the bill was booked. Absent: "1.0" (a bill in the entity's currency).
   */
  fxRate?: string;
  invoiceNumber: string;
  memo: string;
  issuedAt: number;
  dueAt: number;
  accountingDate: number;
  paidAt: number | null;
  vendorId: string;
  ownerId: string;
  header: Selection[];
  lines: Line[];
  payment: BillPayment | null;
  appliedCredits: { id: string; minor: number }[];
  remoteId: string | null;
  deepLinkUrl: string | null;
  billSyncedAt: number | null;
  /** Attached invoice files (PDF), served at `/files/invoices/{bill id}/{n}` (receipts.ts). */
  invoiceFiles: { size: number }[];
}

/** A receipt file as Ramp stores it: on a card transaction or a reimbursement. */
export interface Receipt {
  id: string;
  createdAt: number;
  transactionId: string | null;
  reimbursementId: string | null;
  userId: string;
  contentType: ReceiptContentType;
  /** Byte length of the served file. */
  size: number;
  /** Deleted in Ramp: the id may linger on the object's `receipts`, but reads answer 404. */
  deleted: boolean;
}

export type ReceiptContentType = "application/pdf" | "image/png" | "image/jpeg";

export type SpendObject = Txn | Reimb | Transfer | Cashback | Bill;
export type SpendKind = SpendObject["kind"];

export interface RampVendor {
  id: string;
  name: string;
  /** The registered name (`name_legal`); `name` is the trading name cardholders see. */
  nameLegal: string;
  /** The id from another system (2026 `external_vendor_id`); null when none was set. */
  externalVendorId: string | null;
  accountingVendorRemoteId: string | null;
  /**
   * Links per entity (multi-entity Ramp: a vendor is linked to the ERP vendor of each
   * entity's company/subsidiary). A bill uses its entity's link; absent → the single link.
   */
  accountingVendorRemoteIdByEntity?: Record<string, string>;
  country: string;
  createdAt: number;
  isActive: boolean;
  merchantId: string;
  ownerId: string;
}

export interface VendorCredit {
  id: string;
  vendorId: string;
  entityId: string;
  minor: number;
  remainingMinor: number;
  currency: string;
  accountingDate: number;
  createdAt: number;
  memo: string;
  lines: Line[];
}

export interface Entity {
  id: string;
  name: string;
  currency: string;
  isPrimary: boolean;
  /** The ERP subsidiary/company this entity is linked to in Ramp's UI (settable by tests). */
  remoteId: string | null;
}

export interface ConnectionSettings {
  transaction_sync_button_enabled: boolean;
  reimbursement_sync_button_enabled: boolean;
  transaction_accounting_vendor_creation_on_sync_enabled: boolean;
  vendor_credits_enabled: boolean;
  entity_selection_enabled: boolean;
}

export interface Connection {
  id: string;
  name: string;
  type: "API" | "CSV" | "DIRECT";
  isActive: boolean;
  status: "linked" | "unlinked" | "revoked" | "failed_to_auth";
  readyToMigrate: boolean;
  createdAt: number;
  lastLinkedAt: number | null;
  settings: ConnectionSettings;
  coa: Coa;
}

/** One uploaded chart-of-accounts item (GL account, option, vendor, tax rate, tax code option). */
export interface CoaItem {
  ramp_id: string;
  id: string;
  name: string;
  code: string | null;
  isActive: boolean;
  isSynced: boolean;
  visibility: "VISIBLE" | "HIDDEN";
  entityRemoteIds: string[] | null;
  createdAt: number;
  updatedAt: number;
  /** Kind-specific fields (classification, display_name, rate, tax_rate_ids, field ramp id…). */
  extra: Record<string, unknown>;
}

export interface CoaField {
  ramp_id: string;
  id: string;
  name: string;
  displayName: string | null;
  inputType: "BOOLEAN" | "FREE_FORM_TEXT" | "SINGLE_CHOICE";
  isSplittable: boolean;
  isRequiredFor: string[];
  isActive: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Coa {
  /** Pseudo-field ids Ramp shows as `category_info.id` for GL and vendor selections. */
  glCategoryId: string;
  vendorCategoryId: string;
  glAccounts: SortedStore<CoaRow>;
  vendors: SortedStore<CoaRow>;
  fields: SortedStore<FieldRow>;
  options: SortedStore<CoaRow>;
  taxRates: SortedStore<CoaRow>;
  taxCodeOptions: SortedStore<CoaRow>;
  taxCodeField: {
    ramp_id: string;
    name: string;
    isActive: boolean;
    createdAt: number;
    updatedAt: number;
  } | null;
}

/** Stores are keyed by `id`, so CoA rows carry the ramp id as `id` and the remote id separately. */
export interface CoaRow {
  id: string;
  item: CoaItem;
}
export interface FieldRow {
  id: string;
  field: CoaField;
}

export interface ClientApp {
  clientId: string;
  clientSecret: string;
  /** Scopes the app has been granted; a token may request others but calls needing them get 403. */
  scopes: string[];
}

export interface SyncRequest {
  id: string;
  kind: "transaction" | "reimbursement";
  createdAt: number;
  deadline: number;
  rows: Map<string, "PENDING" | "SUCCEEDED" | "FAILED">;
}

export interface SyncRecord {
  syncId: string;
  idempotencyKey: string;
  syncType: string;
  at: number;
  successful: string[];
  failed: string[];
  syncRequestId: string | null;
}

export interface Business {
  id: string;
  name: string;
  seed: number;
  apps: ClientApp[];
  entities: Entity[];
  connections: Connection[];
  transactions: SortedStore<Txn>;
  reimbursements: SortedStore<Reimb>;
  transfers: SortedStore<Transfer>;
  cashbacks: SortedStore<Cashback>;
  bills: SortedStore<Bill>;
  vendors: SortedStore<RampVendor>;
  vendorCredits: SortedStore<VendorCredit>;
  receipts: import("./receipts.js").ReceiptStore;
  /** File downloads served (`/files/…`), keyed by receipt id or `{bill id}/{n}` for invoices. */
  downloads: { receipts: Record<string, number>; invoices: Record<string, number> };
  syncs: Map<string, SyncRecord>;
  syncRequests: Map<string, SyncRequest>;
  webhooks: import("./webhooks.js").Subscription[];
  /** Generators kept from seeding, for objects created later (e.g. the card charge paying a bill). */
  gen: { makeTxn: import("./seed.js").TxnMaker; chart: import("./chart.js").Chart };
}
