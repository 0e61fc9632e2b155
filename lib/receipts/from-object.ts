/**
 * Which receipts an object in the ERP carries, as the syncer hands them to the
 * receipts queue: transactions' and reimbursements' `receipts[]`, a bill's invoice
 * files (on the bill's record, not its payment's). Other kinds carry none.
 */
import type { SyncObject } from "../sync/sync-object.js";
import { invoiceFileId } from "./invoice-id.js";
import type { ReceiptObject } from "./message.js";

export function receiptObjectOf(o: SyncObject, erpRef: string): ReceiptObject | null {
  const base = { rampId: o.object.id, entityId: o.object.entityId ?? null, erpRef };
  switch (o.kind) {
    case "transaction":
      return o.object.receiptIds.length
        ? { ...base, kind: "transaction", receiptIds: o.object.receiptIds, at: o.object.userTransactionTime }
        : null;
    case "reimbursement":
      return o.object.receiptIds.length
        ? { ...base, kind: "reimbursement", receiptIds: o.object.receiptIds, at: null }
        : null;
    case "bill":
      return o.object.invoiceUrls.length
        ? {
            ...base,
            kind: "bill",
            receiptIds: [...new Set(o.object.invoiceUrls.map(invoiceFileId))],
            at: null,
          }
        : null;
    default:
      return null;
  }
}
