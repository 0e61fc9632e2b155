/**
 * The receipts part of `ops status` and `ops show` (lib/receipts): per tenant, how
 * many receipts are attached (running totals), which are not and why (the rows on
 * GSI1, grouped by state × reason), and whether `receipts:read` is missing; per
 * object, each receipt's row. Pure assembly over the declared port.
 */
import type { ReceiptKind } from "../receipts/message.js";
import type { ReceiptRow, ReceiptStorePort } from "../receipts/ports.js";
import { REASON_TEXT } from "../receipts/rules.js";
import { isoOf } from "./time.js";

/** Rows read for the status's grouping; a count at the cap reads "N+". */
export const UNATTACHED_READ = 1000;

export interface ReceiptsStatus {
  attached: number;
  bytes: number;
  notAttached: Array<{ state: "failed" | "given_up"; reason: string; count: number }>;
  /** Counted up to UNATTACHED_READ. */
  notAttachedCapped: boolean;
  scopeMissingSince: string | null;
}

export interface ReceiptLine {
  kind: ReceiptKind;
  receiptId: string;
  state: ReceiptRow["state"];
  reason: string | null;
  detail: string | null;
  attempts: number;
  attachmentId: string | null;
  bytes: number | null;
  updatedAt: string;
}

export type ReceiptsStatusStore = Pick<ReceiptStorePort, "listUnattached" | "scopeMissingSince"> & {
  stats(tenantId: string): Promise<{ attached: number; bytes: number }>;
};

export async function readReceiptsStatus(
  store: ReceiptsStatusStore,
  tenantId: string,
): Promise<ReceiptsStatus> {
  const [stats, rows, scope] = await Promise.all([
    store.stats(tenantId),
    store.listUnattached(tenantId, UNATTACHED_READ),
    store.scopeMissingSince(tenantId),
  ]);
  const groups = new Map<string, { state: "failed" | "given_up"; reason: string; count: number }>();
  for (const r of rows) {
    if (r.state === "attached") continue;
    const key = `${r.state}#${r.reason ?? "-"}`;
    const g = groups.get(key) ?? { state: r.state, reason: r.reason ?? "-", count: 0 };
    g.count++;
    groups.set(key, g);
  }
  return {
    ...stats,
    notAttached: [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    notAttachedCapped: rows.length >= UNATTACHED_READ,
    scopeMissingSince: isoOf(scope ?? undefined),
  };
}

export function receiptLineOf(r: ReceiptRow): ReceiptLine {
  return {
    kind: r.kind,
    receiptId: r.receiptId,
    state: r.state,
    reason: r.reason ? REASON_TEXT[r.reason] : null,
    detail: r.detail ?? null,
    attempts: r.attempts,
    attachmentId: r.attachmentId ?? null,
    bytes: r.bytes ?? null,
    updatedAt: isoOf(r.updatedAt) as string,
  };
}

const RECEIPT_KINDS = new Set<string>(["transaction", "reimbursement", "bill"]);

export async function readObjectReceipts(
  store: Pick<ReceiptStorePort, "rowsOf">,
  tenantId: string,
  rampId: string,
  kinds: readonly string[],
): Promise<ReceiptLine[]> {
  const mine = kinds.filter((k): k is ReceiptKind => RECEIPT_KINDS.has(k));
  if (!mine.length) return [];
  const rows = await store.rowsOf(
    tenantId,
    mine.map((kind) => ({ kind, rampId })),
  );
  return rows.map(receiptLineOf).sort((a, b) => a.receiptId.localeCompare(b.receiptId));
}
