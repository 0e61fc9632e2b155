/**
 * What the console shows, read from one business: every spend object as a row (kind, entity,
 * Ramp's status, a bucket for the Accounting tab's tabs, the export error), counts per kind and
 * entity, and the Export Errors list. Pure reads of the sandbox state: the console never writes
 * state itself, its buttons call the control API (see script.ts).
 */
import { money, toMajorString } from "../../../lib/money/index.js";
import { billSyncReady } from "../business.js";
import type { Business, SpendObject, VendorCredit } from "../model.js";

export const KINDS = [
  "transaction",
  "reimbursement",
  "bill",
  "transfer",
  "cashback",
  "vendor_credit",
] as const;
export type ConsoleKind = (typeof KINDS)[number];

/**
 * The Accounting tab's buckets. A bill with outstanding work (approved, not exported, or paid
 * after its bill was synced) is "ready", as the guide's `sync_ready` table says. Vendor credits
 * carry no sync status in the sandbox (it has no report for them), so they sit in "untracked".
 */
export type Bucket = "not_ready" | "ready" | "synced" | "untracked";
export const BUCKETS: readonly Bucket[] = ["not_ready", "ready", "synced", "untracked"];
export const BUCKET_LABEL: Record<Bucket, string> = {
  not_ready: "Not ready",
  ready: "Ready to sync",
  synced: "Synced",
  untracked: "No sync status",
};

export interface ConsoleRow {
  id: string;
  kind: ConsoleKind;
  entityId: string;
  entityName: string;
  /** Ramp's own status string (SYNC_READY, BILL_SYNCED, …). */
  status: string;
  bucket: Bucket;
  title: string;
  /** Major units as a decimal string (lib/money), never a float. */
  amount: string;
  currency: string;
  date: number;
  /** The message of the last failed report, while the object is not synced: an Export Error. */
  error: string | null;
  requestedToSync: boolean;
  /** Whether Ramp's UI would offer Mark ready (objects not yet ready; bills awaiting approval). */
  canMarkReady: boolean;
}

export function kindOfParam(v: string | null): ConsoleKind | null {
  const k = (v ?? "").replace(/s$/, "").replace(/-/g, "_");
  return (KINDS as readonly string[]).includes(k) ? (k as ConsoleKind) : null;
}

function bucketOf(o: SpendObject): Bucket {
  if (o.kind === "bill") {
    if (billSyncReady(o)) return "ready";
    return o.status === "NOT_SYNCED" ? "not_ready" : "synced";
  }
  if (o.status === "SYNCED") return "synced";
  return o.status === "SYNC_READY" ? "ready" : "not_ready";
}

function titleOf(biz: Business, o: SpendObject): string {
  switch (o.kind) {
    case "transaction":
      return o.merchant.name;
    case "reimbursement":
      return `${o.merchant} (${o.user.name})`;
    case "bill":
      return `${biz.vendors.get(o.vendorId)?.name ?? "Unknown vendor"} · ${o.invoiceNumber}`;
    case "transfer":
      return `Statement payment ${o.paymentId}`;
    case "cashback":
      return "Cashback";
  }
}

function dateOf(o: SpendObject): number {
  switch (o.kind) {
    case "transaction":
      return o.userTime;
    case "reimbursement":
      return o.transactionDate;
    case "bill":
      return o.issuedAt;
    default:
      return o.createdAt;
  }
}

function entityName(biz: Business, id: string): string {
  return biz.entities.find((e) => e.id === id)?.name ?? id;
}

export function spendRow(biz: Business, o: SpendObject): ConsoleRow {
  const bucket = bucketOf(o);
  return {
    id: o.id,
    kind: o.kind,
    entityId: o.entityId,
    entityName: entityName(biz, o.entityId),
    status: o.status,
    bucket,
    title: titleOf(biz, o),
    amount: toMajorString(money(o.minor, o.currency)),
    currency: o.currency,
    date: dateOf(o),
    error: bucket === "synced" ? null : o.sync.lastError,
    requestedToSync: o.sync.requestedToSync,
    canMarkReady: o.kind === "bill" ? o.approval !== "APPROVED" : o.status === "NOT_SYNC_READY",
  };
}

function creditRow(biz: Business, c: VendorCredit): ConsoleRow {
  return {
    id: c.id,
    kind: "vendor_credit",
    entityId: c.entityId,
    entityName: entityName(biz, c.entityId),
    status: "—",
    bucket: "untracked",
    title: `${biz.vendors.get(c.vendorId)?.name ?? "Unknown vendor"} · ${c.memo}`,
    amount: toMajorString(money(c.minor, c.currency)),
    currency: c.currency,
    date: c.accountingDate,
    error: null,
    requestedToSync: false,
    canMarkReady: false,
  };
}

export function rowsOf(biz: Business, kind: ConsoleKind): ConsoleRow[] {
  switch (kind) {
    case "transaction":
      return biz.transactions.all().map((o) => spendRow(biz, o));
    case "reimbursement":
      return biz.reimbursements.all().map((o) => spendRow(biz, o));
    case "bill":
      return biz.bills.all().map((o) => spendRow(biz, o));
    case "transfer":
      return biz.transfers.all().map((o) => spendRow(biz, o));
    case "cashback":
      return biz.cashbacks.all().map((o) => spendRow(biz, o));
    case "vendor_credit":
      return biz.vendorCredits.all().map((c) => creditRow(biz, c));
  }
}

export interface CountLine {
  kind: ConsoleKind;
  entityId: string;
  entityName: string;
  counts: Record<Bucket, number>;
  errors: number;
  total: number;
}

/** Counts per kind and entity, in KINDS order then the business's entity order; empty lines left out. */
export function countLines(biz: Business): CountLine[] {
  const lines: CountLine[] = [];
  for (const kind of KINDS) {
    const rows = rowsOf(biz, kind);
    for (const e of biz.entities) {
      const mine = rows.filter((r) => r.entityId === e.id);
      if (mine.length === 0) continue;
      const counts = { not_ready: 0, ready: 0, synced: 0, untracked: 0 };
      for (const r of mine) counts[r.bucket]++;
      lines.push({
        kind,
        entityId: e.id,
        entityName: e.name,
        counts,
        errors: mine.filter((r) => r.error !== null).length,
        total: mine.length,
      });
    }
  }
  return lines;
}

/** Export Errors: every object whose last report failed and that is not synced since. */
export function exportErrors(biz: Business): ConsoleRow[] {
  return KINDS.flatMap((k) => rowsOf(biz, k).filter((r) => r.error !== null));
}

export interface RowFilter {
  kind: ConsoleKind;
  bucket?: Bucket | null;
  entityId?: string | null;
  errorsOnly?: boolean;
}

export function filterRows(biz: Business, f: RowFilter): ConsoleRow[] {
  return rowsOf(biz, f.kind).filter(
    (r) =>
      (!f.bucket || r.bucket === f.bucket) &&
      (!f.entityId || r.entityId === f.entityId) &&
      (!f.errorsOnly || r.error !== null),
  );
}
