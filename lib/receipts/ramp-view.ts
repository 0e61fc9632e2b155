/**
 * The Ramp client as the receipts worker reads it (ports.ts ReceiptRampPort): receipt
 * lists in pages of 100 (Ramp's largest), a receipt by id (404 → null: deleted), a
 * bill's fresh invoice URLs, and the reimbursements synced since a time.
 */

import type { RampClient } from "../ramp/client.js";
import { RampApiError } from "../ramp/errors.js";
import type { ReceiptRampPort, ReceiptRef } from "./ports.js";

const PAGE = 100;

async function* pages<T, R>(items: AsyncIterable<T>, map: (t: T) => R): AsyncGenerator<R[]> {
  let page: R[] = [];
  for await (const item of items) {
    page.push(map(item));
    if (page.length >= PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

const notFoundIsNull = async <T>(fn: () => Promise<T>): Promise<T | null> => {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RampApiError && err.status === 404) return null;
    throw err;
  }
};

type ReceiptClient = Pick<RampClient, "listReceipts" | "getReceipt" | "getBill" | "listReimbursements">;

export function receiptRampOf(client: ReceiptClient): ReceiptRampPort {
  const ref = (r: {
    id: string;
    createdAt: string | null;
    url: string;
    transactionId: string | null;
  }): ReceiptRef => ({
    id: r.id,
    createdAt: r.createdAt,
    url: r.url,
    transactionId: r.transactionId,
  });
  return {
    receiptPages: (f) =>
      pages(
        client.listReceipts({
          ...(f.transactionId ? { transactionId: f.transactionId } : {}),
          ...(f.createdAfter ? { createdAfter: f.createdAfter } : {}),
          ...(f.fromDate ? { fromDate: f.fromDate } : {}),
          ...(f.toDate ? { toDate: f.toDate } : {}),
          pageSize: PAGE,
        }),
        ref,
      ),
    getReceipt: async (id) => {
      const r = await notFoundIsNull(() => client.getReceipt(id));
      return r ? ref(r) : null;
    },
    billInvoiceUrls: async (billId) =>
      (await notFoundIsNull(() => client.getBill(billId)))?.invoiceUrls ?? null,
    syncedReimbursements: (since) =>
      pages(
        client.listReimbursements({ syncStatus: "SYNCED", pageSize: PAGE, extra: { synced_after: since } }),
        (r) => ({ id: r.id, entityId: r.entityId, receiptIds: r.receiptIds }),
      ),
  };
}
