/**
 * What the receipts worker (lib/receipts/attach.ts, late.ts, poll.ts) needs, and
 * nothing else: DynamoDB rows (lib/store/receipts.ts), Ramp's receipt reads (the
 * client, lib/ramp/resources/receipts.ts), the downloader and the ERP port's attach.
 * Unit tests use in-memory versions (test/support/memory-receipts.ts).
 */
import type { TenantConfig } from "../config/tenant.js";
import type { RampLogger } from "../domain/logger.js";
import type { ErpPort } from "../erp/port.js";
import type { SyncMetrics } from "../sync/metrics.js";
import type { DownloadResult } from "./download.js";
import type { ReceiptKind } from "./message.js";
import type { FailReason, ReceiptState } from "./rules.js";
import type { UrlCache } from "./url-cache.js";

/** One receipt of one object: `PK=TENANT#<t> SK=RECEIPT#<kind>#<rampId>#<receiptId>`. */
export interface ReceiptRow {
  tenantId: string;
  kind: ReceiptKind;
  rampId: string;
  receiptId: string;
  state: ReceiptState;
  /** The object's ERP id the file went (or goes) to. */
  erpRef: string;
  attempts: number;
  reason?: FailReason | undefined;
  /** What failed, for operators: no URL, no signature, no user text. */
  detail?: string | undefined;
  attachmentId?: string | undefined;
  bytes?: number | undefined;
  contentType?: string | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface ReceiptCursor {
  /** `created_at` of the newest receipt a poll has seen (ISO); the next poll lists after it. */
  createdAfter: string | null;
  /** When reimbursements were last re-read for receipts added after their export (epoch ms). */
  reimbursementsReadAt: number | null;
}

export interface ReceiptStorePort {
  /** Every row of these objects (one Query per object, run together). */
  rowsOf(tenantId: string, objects: readonly { kind: ReceiptKind; rampId: string }[]): Promise<ReceiptRow[]>;
  put(rows: readonly ReceiptRow[]): Promise<void>;
  /** Rows not attached (failed, given up), newest first, at most `limit` (ops status, reconcile). */
  listUnattached(tenantId: string, limit: number): Promise<ReceiptRow[]>;
  /** true the first time only: the scope is recorded missing once per tenant (and alarmed then). */
  recordScopeMissing(tenantId: string, at: number): Promise<boolean>;
  clearScopeMissing(tenantId: string): Promise<void>;
  scopeMissingSince(tenantId: string): Promise<number | null>;
  getCursor(tenantId: string): Promise<ReceiptCursor>;
  putCursor(tenantId: string, cursor: ReceiptCursor): Promise<void>;
}

/** A receipt as the worker needs it (the client's RampReceipt). */
export interface ReceiptRef {
  id: string;
  createdAt: string | null;
  url: string;
  transactionId: string | null;
}

export interface ReceiptListFilters {
  transactionId?: string;
  createdAfter?: string;
  fromDate?: string;
  toDate?: string;
}

export interface ReceiptRampPort {
  /** `GET /receipts` pages of up to 100, in Ramp's order; stops when the consumer stops. */
  receiptPages(filters: ReceiptListFilters): AsyncIterable<ReceiptRef[]>;
  /** `GET /receipts/{id}`; null when Ramp has none (deleted: 404). */
  getReceipt(id: string): Promise<ReceiptRef | null>;
  /** A bill's fresh `invoice_urls`; null when the bill is gone. */
  billInvoiceUrls(billId: string): Promise<string[] | null>;
  /** Reimbursements synced after `since` (ISO): ids, entity and receipt ids (the late-receipt re-read). */
  syncedReimbursements(
    since: string,
  ): AsyncIterable<{ id: string; entityId: string | null; receiptIds: string[] }[]>;
}

/** The ledger facts a late receipt needs: is the object in the ERP, under which id. */
export interface ReceiptLedgerPort {
  postedRefs(
    tenantId: string,
    kind: ReceiptKind,
    rampIds: readonly string[],
  ): Promise<Map<string, { erpRef: string; entityId: string | null }>>;
}

export type Download = (url: string, opts: { maxBytes: number }) => Promise<DownloadResult>;

export const RECEIPT_CRASH_POINTS = ["receipt-downloaded", "receipt-attached"] as const;
export type ReceiptCrashPoint = (typeof RECEIPT_CRASH_POINTS)[number];

export interface ReceiptDeps {
  tenant: TenantConfig;
  store: ReceiptStorePort;
  ledger: ReceiptLedgerPort;
  ramp: ReceiptRampPort;
  erp: Pick<ErpPort, "attach" | "attachMany" | "listAttachments" | "capabilities">;
  download: Download;
  logger: RampLogger;
  metrics: SyncMetrics;
  clock: () => number;
  /** URLs earlier runs of this warm Lambda listed (url-cache.ts); absent = none kept. */
  urls?: UrlCache;
  /** Downloads in flight per tenant. */
  downloadConcurrency?: number;
  maxBytes?: number;
  /** Tests: a hook that throws (or a child that is SIGKILLed) between download and attach, attach and record. */
  crash?: (point: ReceiptCrashPoint, info: { tenantId: string; ids: string[] }) => void | Promise<void>;
}
