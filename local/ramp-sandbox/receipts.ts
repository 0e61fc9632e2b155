/**
 * Receipts and bill invoice files: the receipt objects behind the ids on transactions and
 * reimbursements, and the pre-signed file URLs (S3-like `Expires` + `Signature`) Ramp answers
 * with. Every seeded attribute derives from a SHA-256 of the object's id, never from the seeded
 * PRNG, so adding receipts shifted no existing seed (tests depend on those sequences).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { isoTime } from "./clock.js";
import type { Bill, Business, Receipt, ReceiptContentType, Reimb, Txn } from "./model.js";
import type { SandboxState } from "./state.js";

const MINUTE = 60_000;
/** A receipt file is never smaller than this (the generated files fit well inside it). */
export const MIN_FILE_SIZE = 1024;
export const CONTENT_TYPES: readonly ReceiptContentType[] = ["application/pdf", "image/png", "image/jpeg"];

function digest(label: string): Buffer {
  return createHash("sha256").update(label).digest();
}

/** A v4-layout uuid from a hash, for ids the sandbox derives (reimbursement receipts). */
function hashUuid(label: string): string {
  const h = digest(label).toString("hex");
  const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Mostly PDF, some PNG, a few JPEG; a few KB; created 1–360 minutes after `after`. */
export function hashedAttributes(
  id: string,
  after: number,
): { contentType: ReceiptContentType; size: number; createdAt: number } {
  const h = digest(`receipt:${id}`);
  const r = (h[0] as number) % 20;
  const contentType: ReceiptContentType = r < 14 ? "application/pdf" : r < 18 ? "image/png" : "image/jpeg";
  return {
    contentType,
    size: 2048 + (h.readUInt16BE(1) % 10_240),
    // Whole seconds, as the wire shows them, so `created_after=<a listed created_at>` is exact.
    createdAt: Math.floor((after + MINUTE + (h.readUInt32BE(3) % (6 * 60)) * MINUTE) / 1000) * 1000,
  };
}

/** ~60% of reimbursements carry one receipt, decided by a hash of the reimbursement id. */
export function hashedReimbursementReceipts(reimbursementId: string): string[] {
  const h = digest(`reimbursement-receipts:${reimbursementId}`);
  return (h[0] as number) < 154 ? [hashUuid(`reimbursement-receipt:${reimbursementId}:0`)] : [];
}

/** 0–2 invoice PDFs of 20–120 KB per bill, decided by a hash of the bill id. */
export function hashedInvoiceFiles(billId: string): { size: number }[] {
  const h = digest(`bill-invoices:${billId}`);
  const n = (h[0] as number) % 3;
  return Array.from({ length: n }, (_, i) => ({ size: 20_480 + (h.readUInt32BE(1 + 4 * i) % 102_400) }));
}

/**
 * Receipts ordered by (created_at, id) — the list's stable order. `start` is the id of the last
 * receipt of the previous page (as the other lists), located through the id index.
 */
export class ReceiptStore {
  private items: Receipt[] = [];
  private byId = new Map<string, Receipt>();

  get size(): number {
    return this.items.length;
  }

  get(id: string): Receipt | undefined {
    return this.byId.get(id);
  }

  all(): readonly Receipt[] {
    return this.items;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  insert(r: Receipt): void {
    if (this.byId.has(r.id)) throw new Error(`duplicate receipt id ${r.id}`);
    this.byId.set(r.id, r);
    this.items.splice(this.firstAfter(r), 0, r);
  }

  load(rs: readonly Receipt[]): void {
    for (const r of rs) {
      if (this.byId.has(r.id)) throw new Error(`duplicate receipt id ${r.id}`);
      this.byId.set(r.id, r);
    }
    this.items = [...this.items, ...rs].sort(compare);
  }

  private firstAfter(key: Receipt): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.items[mid] as Receipt, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** An unknown `start` yields nothing (its position is unknowable), like a cursor past the end. */
  page(start: string | undefined, limit: number, match: (r: Receipt) => boolean) {
    const out: Receipt[] = [];
    let from = 0;
    if (start !== undefined) {
      const s = this.byId.get(start);
      if (!s) return { items: out, more: false };
      from = this.firstAfter(s);
    }
    for (let i = from; i < this.items.length; i++) {
      const r = this.items[i] as Receipt;
      if (!match(r)) continue;
      if (out.length === limit) return { items: out, more: true };
      out.push(r);
    }
    return { items: out, more: false };
  }
}

function compare(a: Receipt, b: Receipt): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function txnReceipt(t: Txn, id: string): Receipt {
  const a = hashedAttributes(id, t.userTime);
  return {
    id,
    ...a,
    transactionId: t.id,
    reimbursementId: null,
    userId: t.cardHolder.userId,
    deleted: false,
  };
}

export function reimbursementReceipt(x: Reimb, id: string): Receipt {
  const a = hashedAttributes(id, x.transactionDate);
  return {
    id,
    ...a,
    transactionId: null,
    reimbursementId: x.id,
    userId: x.user.id,
    deleted: false,
  };
}

/** Receipt objects for a transaction created after seeding (e.g. the card charge paying a bill). */
export function addTxnReceipts(biz: Business, t: Txn): void {
  for (const id of t.receipts) if (!biz.receipts.has(id)) biz.receipts.insert(txnReceipt(t, id));
}

/** Seeding: reimbursement receipt ids, bill invoice files, and every receipt object. */
export function seedReceipts(txns: Txn[], reimbs: Reimb[], bills: Bill[]): Receipt[] {
  for (const x of reimbs) x.receipts = hashedReimbursementReceipts(x.id);
  for (const b of bills) b.invoiceFiles = hashedInvoiceFiles(b.id);
  return [
    ...txns.flatMap((t) => t.receipts.map((id) => txnReceipt(t, id))),
    ...reimbs.flatMap((x) => x.receipts.map((id) => reimbursementReceipt(x, id))),
  ];
}

// ---- pre-signed file URLs -----------------------------------------------------------------

/** The file key signed in a URL: `receipts/{id}` or `invoices/{bill id}/{n}`. */
export function sign(sb: SandboxState, key: string, expires: number): string {
  return createHmac("sha256", sb.fileSecret).update(`${key}\n${expires}`).digest("hex");
}

export function signedUrl(sb: SandboxState, key: string): string {
  const expires = Math.floor(sb.clock.now() / 1000) + sb.config.fileUrlTtlSeconds;
  return `${sb.baseUrl}/files/${key}?Expires=${expires}&Signature=${sign(sb, key, expires)}`;
}

export type SignatureCheck = "ok" | "missing" | "expired" | "bad_signature";

export function checkSignature(sb: SandboxState, key: string, query: URLSearchParams): SignatureCheck {
  const expiresRaw = query.get("Expires");
  const signature = query.get("Signature");
  if (!expiresRaw || !signature) return "missing";
  const expires = Number(expiresRaw);
  if (!Number.isSafeInteger(expires)) return "bad_signature";
  const want = Buffer.from(sign(sb, key, expires), "utf8");
  const got = Buffer.from(signature, "utf8");
  if (want.length !== got.length || !timingSafeEqual(want, got)) return "bad_signature";
  if (sb.clock.now() >= expires * 1000) return "expired";
  return "ok";
}

export function receiptToApi(sb: SandboxState, r: Receipt): Record<string, unknown> {
  return {
    id: r.id,
    created_at: isoTime(r.createdAt),
    // Ramp's receipts list is per transaction; a reimbursement receipt has none (the 2025
    // schema types it non-nullable: a deliberate divergence, README "Receipts").
    transaction_id: r.transactionId,
    user_id: r.userId,
    receipt_url: signedUrl(sb, `receipts/${r.id}`),
  };
}

export function invoiceUrls(sb: SandboxState, b: Bill): string[] {
  return b.invoiceFiles.map((_, i) => signedUrl(sb, `invoices/${b.id}/${i}`));
}

/** The control API's view: every internal attribute plus a fresh URL and the download count. */
export function receiptToControl(sb: SandboxState, biz: Business, r: Receipt): Record<string, unknown> {
  return {
    id: r.id,
    created_at: isoTime(r.createdAt),
    transaction_id: r.transactionId,
    reimbursement_id: r.reimbursementId,
    user_id: r.userId,
    content_type: r.contentType,
    size: r.size,
    deleted: r.deleted,
    receipt_url: signedUrl(sb, `receipts/${r.id}`),
    downloads: biz.downloads.receipts[r.id] ?? 0,
  };
}
