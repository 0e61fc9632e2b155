/**
 * `ops receipts retry`: receipts given up for good go back to work once the cause is fixed
 * (a file replaced in Ramp by a smaller scan, an ERP that refused and now takes it, a file
 * store down for hours). Pure over declared ports. The rows are reset to `failed` with no
 * attempts (the worker skips only settled rows: attached or given up), then one `attach`
 * message per 500 objects goes to the receipts queue; the worker downloads, attaches and
 * records them as for any export — once each, the ERP's own listing deduplicating. Rows
 * waiting for `receipts:read` are not given up and are left to the poll's scope probe.
 */
import { OBJECTS_PER_MESSAGE, type ReceiptObject, type ReceiptsMessage } from "../receipts/message.js";
import type { ReceiptLedgerPort, ReceiptRow, ReceiptStorePort } from "../receipts/ports.js";
import type { FailReason } from "../receipts/rules.js";

export interface RetryReceiptsDeps {
  store: Pick<ReceiptStorePort, "listUnattached" | "put">;
  ledger: ReceiptLedgerPort;
  send(messages: ReceiptsMessage[]): Promise<void>;
  now(): number;
}

export interface RetryReceiptsRequest {
  tenantId: string;
  /** Only rows given up for this reason; absent = every reason. */
  reason?: FailReason;
  dryRun: boolean;
  /** Rows read at most (the oldest first, as the GSI lists them). */
  limit?: number;
}

export interface RetryReceiptsResult {
  receipts: Array<Pick<ReceiptRow, "kind" | "rampId" | "receiptId" | "reason">>;
  objects: number;
  messages: number;
  /** Rows whose object the ledger no longer has in the ERP: left as they are. */
  notInErp: number;
}

export async function retryReceipts(
  d: RetryReceiptsDeps,
  req: RetryReceiptsRequest,
): Promise<RetryReceiptsResult> {
  const rows = (await d.store.listUnattached(req.tenantId, req.limit ?? 5_000)).filter(
    (r) => r.state === "given_up" && (!req.reason || r.reason === req.reason),
  );
  const objects = new Map<string, ReceiptObject>();
  const picked: ReceiptRow[] = [];
  let notInErp = 0;
  for (const kind of ["transaction", "reimbursement", "bill"] as const) {
    const mine = rows.filter((r) => r.kind === kind);
    if (!mine.length) continue;
    const posted = await d.ledger.postedRefs(req.tenantId, kind, [...new Set(mine.map((r) => r.rampId))]);
    for (const r of mine) {
      const p = posted.get(r.rampId);
      if (!p) {
        notInErp++;
        continue;
      }
      const key = `${kind}#${r.rampId}`;
      const o = objects.get(key) ?? {
        kind,
        rampId: r.rampId,
        entityId: p.entityId,
        erpRef: p.erpRef,
        receiptIds: [],
        at: null,
      };
      o.receiptIds.push(r.receiptId);
      objects.set(key, o);
      picked.push(r);
    }
  }
  const all = [...objects.values()];
  const messages: ReceiptsMessage[] = [];
  for (let k = 0; k < all.length; k += OBJECTS_PER_MESSAGE)
    messages.push({
      v: 1,
      type: "attach",
      tenantId: req.tenantId,
      objects: all.slice(k, k + OBJECTS_PER_MESSAGE),
    });
  if (!req.dryRun && picked.length) {
    const now = d.now();
    await d.store.put(
      picked.map((r) => ({
        ...r,
        state: "failed" as const,
        attempts: 0,
        detail: "retry requested by an operator",
        updatedAt: now,
      })),
    );
    await d.send(messages);
  }
  return {
    receipts: picked.map((r) => ({
      kind: r.kind,
      rampId: r.rampId,
      receiptId: r.receiptId,
      reason: r.reason,
    })),
    objects: all.length,
    messages: messages.length,
    notInErp,
  };
}
