/**
 * Control calls for receipts and the file host, so a receipts worker can be tested end to end:
 * a user attaching a receipt (which fires `transactions.receipt_added` for a card transaction),
 * deleting one (its id lingers on the object, as in Ramp, while reads answer 404), resizing or
 * retyping one (e.g. a 30 MB file), the pre-signed URL lifetime, and per-file download counts.
 */
import { addHistory } from "./business.js";
import { business, ControlError, type ControlReply, type ControlRequest, num } from "./control-common.js";
import { emit } from "./lifecycle.js";
import type { Business, Receipt, ReceiptContentType } from "./model.js";
import { CONTENT_TYPES, hashedAttributes, MIN_FILE_SIZE, receiptToControl } from "./receipts.js";
import type { SandboxState } from "./state.js";

/** Largest file the sandbox will serve (well above any size a test needs, e.g. 30 MB). */
const MAX_FILE_SIZE = 512 * 1024 * 1024;

function receipt(biz: Business, id: string): Receipt {
  const r = biz.receipts.get(id);
  if (!r) throw new ControlError(404, `unknown receipt ${id}`);
  return r;
}

function contentType(v: unknown): ReceiptContentType | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !(CONTENT_TYPES as readonly string[]).includes(v))
    throw new ControlError(400, `content_type must be one of: ${CONTENT_TYPES.join(", ")}`);
  return v as ReceiptContentType;
}

function size(v: unknown): number | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  if (!Number.isSafeInteger(n) || n < MIN_FILE_SIZE || n > MAX_FILE_SIZE)
    throw new ControlError(400, `size must be an integer between ${MIN_FILE_SIZE} and ${MAX_FILE_SIZE}`);
  return n;
}

/** Receipt and file-host control calls; null when the call is not one of these. */
export function handleReceiptControl(sb: SandboxState, req: ControlRequest): ControlReply | null {
  const { method, path, body } = req;
  const m = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
  let g: RegExpExecArray | null;
  const done = (b: unknown, status = 200) => ({ status, body: b });

  if (m("POST", /^\/sandbox\/receipts$/)) {
    const biz = business(sb, req);
    const txnId = typeof body.transaction_id === "string" ? body.transaction_id : null;
    const reimbId = typeof body.reimbursement_id === "string" ? body.reimbursement_id : null;
    if ((txnId === null) === (reimbId === null))
      throw new ControlError(400, "give exactly one of transaction_id and reimbursement_id");
    const txn = txnId === null ? undefined : biz.transactions.get(txnId);
    const reimb = reimbId === null ? undefined : biz.reimbursements.get(reimbId);
    const owner = txn ?? reimb;
    if (!owner)
      throw new ControlError(404, `unknown ${txnId ? "transaction" : "reimbursement"} ${txnId ?? reimbId}`);
    let createdAt = sb.clock.now();
    if (body.created_at !== undefined) {
      createdAt = typeof body.created_at === "string" ? Date.parse(body.created_at) : Number.NaN;
      if (Number.isNaN(createdAt)) throw new ControlError(400, "created_at must be an ISO date-time");
    }
    createdAt = Math.floor(createdAt / 1000) * 1000; // whole seconds, as the wire shows them
    const id = sb.rng.uuid();
    const hashed = hashedAttributes(id, createdAt);
    const r: Receipt = {
      id,
      createdAt,
      transactionId: txn?.id ?? null,
      reimbursementId: reimb?.id ?? null,
      userId: txn ? txn.cardHolder.userId : (reimb?.user.id as string),
      contentType: contentType(body.content_type) ?? hashed.contentType,
      size: size(body.size) ?? hashed.size,
      deleted: false,
    };
    biz.receipts.insert(r);
    owner.receipts.push(r.id);
    addHistory(owner, sb.clock.now(), "receipt_added", { receipt_id: r.id });
    if (txn)
      emit(sb, biz, [{ type: "transactions.receipt_added", object: { id: txn.id, receipt_id: r.id } }]);
    return done(receiptToControl(sb, biz, r), 201);
  }
  g = m("GET", /^\/sandbox\/receipts\/([^/]+)$/);
  if (g) {
    const biz = business(sb, req);
    return done(receiptToControl(sb, biz, receipt(biz, g[1] as string)));
  }
  g = m("PATCH", /^\/sandbox\/receipts\/([^/]+)$/);
  if (g) {
    const biz = business(sb, req);
    const r = receipt(biz, g[1] as string);
    const ct = contentType(body.content_type);
    const sz = size(body.size);
    if (ct !== undefined) r.contentType = ct;
    if (sz !== undefined) r.size = sz;
    return done(receiptToControl(sb, biz, r));
  }
  g = m("DELETE", /^\/sandbox\/receipts\/([^/]+)$/);
  if (g) {
    const biz = business(sb, req);
    const r = receipt(biz, g[1] as string);
    r.deleted = true;
    return done(receiptToControl(sb, biz, r));
  }
  if (m("PUT", /^\/sandbox\/files\/ttl$/)) {
    const seconds = num(body.seconds);
    if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds < 1)
      throw new ControlError(400, "seconds must be a positive integer");
    sb.config.fileUrlTtlSeconds = seconds;
    return done({ seconds });
  }
  if (m("GET", /^\/sandbox\/files\/ttl$/)) return done({ seconds: sb.config.fileUrlTtlSeconds });
  if (m("GET", /^\/sandbox\/files\/downloads$/)) return done(business(sb, req).downloads);
  if (m("POST", /^\/sandbox\/files\/downloads\/reset$/)) {
    const biz = business(sb, req);
    biz.downloads = { receipts: {}, invoices: {} };
    return done(biz.downloads);
  }
  return null;
}
