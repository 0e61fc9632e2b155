/**
 * Receipts added after the object was exported ("late receipts"), for transactions:
 * a `transactions.receipt_added` webhook names the transaction; the poll lists receipts
 * created since its cursor (`GET /receipts?created_after=`, no re-listing of history).
 * Either way a receipt is attached only to an object the ledger has in the ERP; one whose
 * object is not exported yet is left to the export, which reads the object's `receipts[]`.
 */
import { type AttachRun, attachReceipts } from "./attach.js";
import type { ReceiptObject } from "./message.js";
import type { ReceiptDeps, ReceiptRef } from "./ports.js";

export const NOTHING: AttachRun = { attached: 0, bytes: 0, failed: 0, retry: false, scopeMissing: false };

export function mergeRuns(a: AttachRun, b: AttachRun): AttachRun {
  return {
    attached: a.attached + b.attached,
    bytes: a.bytes + b.bytes,
    failed: a.failed + b.failed,
    retry: a.retry || b.retry,
    scopeMissing: a.scopeMissing || b.scopeMissing,
  };
}

/** Listed receipts → the transactions the ledger has in the ERP → attached (rows dedupe). */
export async function attachListed(d: ReceiptDeps, receipts: readonly ReceiptRef[]): Promise<AttachRun> {
  const byTxn = new Map<string, ReceiptRef[]>();
  for (const r of receipts)
    if (r.transactionId) byTxn.set(r.transactionId, [...(byTxn.get(r.transactionId) ?? []), r]);
  if (byTxn.size === 0) return NOTHING;
  const posted = await d.ledger.postedRefs(d.tenant.tenantId, "transaction", [...byTxn.keys()]);
  const objects: ReceiptObject[] = [];
  const known = new Map<string, ReceiptRef>();
  for (const [txnId, refs] of byTxn) {
    const p = posted.get(txnId);
    if (!p) continue;
    for (const r of refs) known.set(r.id, r);
    objects.push({
      kind: "transaction",
      rampId: txnId,
      entityId: p.entityId,
      erpRef: p.erpRef,
      receiptIds: refs.map((r) => r.id),
      at: null,
    });
  }
  return objects.length ? attachReceipts(d, objects, known) : NOTHING;
}

/** One `transactions.receipt_added`: the transaction's receipts (one `GET /receipts?transaction_id=`). */
export async function attachLate(d: ReceiptDeps, transactionId: string): Promise<AttachRun> {
  const posted = await d.ledger.postedRefs(d.tenant.tenantId, "transaction", [transactionId]);
  if (!posted.has(transactionId)) return NOTHING;
  const refs: ReceiptRef[] = [];
  for await (const page of d.ramp.receiptPages({ transactionId })) refs.push(...page);
  return attachListed(
    d,
    refs.map((r) => ({ ...r, transactionId })),
  );
}
