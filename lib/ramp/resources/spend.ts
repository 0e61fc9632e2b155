/** The syncable spend objects: transactions, reimbursements, transfers, cashbacks, bills (docs/ramp-api.md §10). */
import type { z } from "zod";
import type { Query } from "../http.js";
import type { RampBill, RampCashback, RampReimbursement, RampTransaction, RampTransfer } from "../model.js";
import { toBill, toCashback, toReimbursement, toTransaction, toTransfer } from "../normalise.js";
import {
  BillSchema,
  CashbackSchema,
  ReimbursementSchema,
  TransactionSchema,
  TransferSchema,
} from "../schemas/objects.js";
import { enc, type RampCore, V1 } from "./core.js";

/** Filters shared by the object lists; `entityId` scopes a multi-entity business. */
export interface ObjectListFilter {
  entityId?: string;
  syncStatus?: "NOT_SYNC_READY" | "SYNC_READY" | "SYNCED";
  /** Rows the customer asked to sync with the Sync button (transactions, reimbursements). */
  requestedToSync?: boolean;
  pageSize?: number;
  /** Any further query parameter Ramp accepts (from_date, state, statement_id…). */
  extra?: Query;
}

export interface BillListFilter {
  entityId?: string;
  syncReady?: boolean;
  syncStatus?: "NOT_SYNCED" | "BILL_SYNCED" | "BILL_AND_PAYMENT_SYNCED";
  paymentStatus?: "OPEN" | "PAID";
  pageSize?: number;
  extra?: Query;
}

export interface SpendApi {
  listTransactions(filter?: ObjectListFilter): AsyncGenerator<RampTransaction>;
  getTransaction(id: string): Promise<RampTransaction>;
  listReimbursements(filter?: ObjectListFilter): AsyncGenerator<RampReimbursement>;
  getReimbursement(id: string): Promise<RampReimbursement>;
  listTransfers(filter?: ObjectListFilter): AsyncGenerator<RampTransfer>;
  getTransfer(id: string): Promise<RampTransfer>;
  listCashbacks(filter?: ObjectListFilter): AsyncGenerator<RampCashback>;
  getCashback(id: string): Promise<RampCashback>;
  listBills(filter?: BillListFilter): AsyncGenerator<RampBill>;
  getBill(id: string): Promise<RampBill>;
}

const objectQuery = (f: ObjectListFilter = {}): Query => ({
  entity_id: f.entityId,
  sync_status: f.syncStatus,
  requested_to_sync: f.requestedToSync,
  page_size: f.pageSize,
  ...f.extra,
});

const billQuery = (f: BillListFilter = {}): Query => ({
  entity_id: f.entityId,
  sync_ready: f.syncReady,
  sync_status: f.syncStatus,
  payment_status: f.paymentStatus,
  page_size: f.pageSize,
  ...f.extra,
});

export function spendApi(core: RampCore): SpendApi {
  /** The list and the single read of one object kind, both normalised. */
  const kind = <W, T, F>(
    name: string,
    schema: z.ZodType<W, unknown>,
    map: (w: W) => T,
    query: (f?: F) => Query,
  ) => ({
    list: (filter?: F) => core.list(`${V1}/${name}`, schema, map, query(filter)),
    get: async (id: string) => map(await core.get(`${V1}/${name}/${enc(id)}`, schema as z.ZodType<W>)),
  });
  const transactions = kind("transactions", TransactionSchema, toTransaction, objectQuery);
  const reimbursements = kind("reimbursements", ReimbursementSchema, toReimbursement, objectQuery);
  const transfers = kind("transfers", TransferSchema, toTransfer, objectQuery);
  const cashbacks = kind("cashbacks", CashbackSchema, toCashback, objectQuery);
  const bills = kind("bills", BillSchema, toBill, billQuery);
  return {
    listTransactions: transactions.list,
    getTransaction: transactions.get,
    listReimbursements: reimbursements.list,
    getReimbursement: reimbursements.get,
    listTransfers: transfers.list,
    getTransfer: transfers.get,
    listCashbacks: cashbacks.list,
    getCashback: cashbacks.get,
    listBills: bills.list,
    getBill: bills.get,
  };
}
