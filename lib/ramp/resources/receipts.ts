/**
 * Receipts (scope `receipts:read`): the list, filtered per transaction or by time, and one
 * receipt by id — the only way to a reimbursement's receipt, whose id sits on the
 * reimbursement. Each read mints a fresh pre-signed `url`.
 */
import type { Query } from "../http.js";
import type { RampReceipt } from "../model.js";
import { ReceiptSchema, type ReceiptWire } from "../schemas/receipts.js";
import { enc, type RampCore, V1 } from "./core.js";

export interface ReceiptListFilter {
  transactionId?: string;
  /** Receipts created after this ISO time (the late-receipt poll's cursor). */
  createdAfter?: string;
  createdBefore?: string;
  /** Window on the transactions' `user_transaction_time` (one list for many exported rows). */
  fromDate?: string;
  toDate?: string;
  /** 2..100 (Ramp's range); the default 20 costs five times the calls. */
  pageSize?: number;
}

export interface ReceiptsApi {
  listReceipts(filter?: ReceiptListFilter): AsyncGenerator<RampReceipt>;
  getReceipt(id: string): Promise<RampReceipt>;
}

export const toReceipt = (r: ReceiptWire): RampReceipt => ({
  id: r.id,
  createdAt: r.created_at ?? null,
  url: r.receipt_url,
  transactionId: r.transaction_id ?? null,
  userId: r.user_id ?? null,
});

const receiptQuery = (f: ReceiptListFilter = {}): Query => ({
  transaction_id: f.transactionId,
  created_after: f.createdAfter,
  created_before: f.createdBefore,
  from_date: f.fromDate,
  to_date: f.toDate,
  page_size: f.pageSize,
});

export function receiptsApi(core: RampCore): ReceiptsApi {
  return {
    listReceipts: (filter) => core.list(`${V1}/receipts`, ReceiptSchema, toReceipt, receiptQuery(filter)),
    getReceipt: async (id) => toReceipt(await core.get(`${V1}/receipts/${enc(id)}`, ReceiptSchema)),
  };
}
