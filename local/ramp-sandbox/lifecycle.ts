/**
 * What happens to objects over time, shared by the developer routes and the control API:
 * becoming ready (with `*.ready_to_sync` events), Sync-All requests and their 5-minute
 * deadline, the UI's Export button, bill approval and payment.
 */
import { activeApiConnection, addHistory, billSyncReady } from "./business.js";
import type { Bill, Business, Reimb, SpendObject, SyncRequest, Txn } from "./model.js";
import { addTxnReceipts } from "./receipts.js";
import { payBill } from "./seed.js";
import type { SandboxState } from "./state.js";
import type { EventInput } from "./webhooks.js";

const EVENT_PREFIX: Record<SpendObject["kind"], string> = {
  transaction: "transactions",
  reimbursement: "reimbursements",
  bill: "bills",
  transfer: "transfers",
  cashback: "cashbacks",
};

export function emit(sb: SandboxState, biz: Business, events: EventInput[]): string[] {
  if (events.length === 0) return [];
  return sb.webhooks.emit(biz.id, biz.webhooks, events);
}

/** Marks objects ready (transactions, reimbursements, transfers, cashbacks) and announces it. */
export function markReady(sb: SandboxState, biz: Business, objs: SpendObject[]): string[] {
  const now = sb.clock.now();
  const events: EventInput[] = [];
  const changed: string[] = [];
  for (const o of objs) {
    if (o.kind === "bill") {
      if (o.approval !== "APPROVED") approveBillNoEvent(o, now);
      else continue;
    } else {
      if (o.status !== "NOT_SYNC_READY") continue;
      o.status = "SYNC_READY";
      addHistory(o, now, "marked_ready");
    }
    changed.push(o.id);
    events.push({ type: `${EVENT_PREFIX[o.kind]}.ready_to_sync`, object: { id: o.id } });
  }
  emit(sb, biz, events);
  return changed;
}

function approveBillNoEvent(b: Bill, now: number): void {
  b.approval = "APPROVED";
  addHistory(b, now, "approved");
}

export function approveBill(sb: SandboxState, biz: Business, b: Bill): void {
  if (b.approval === "APPROVED") return;
  approveBillNoEvent(b, sb.clock.now());
  emit(sb, biz, [
    { type: "bills.approved", object: { id: b.id } },
    { type: "bills.ready_to_sync", object: { id: b.id } },
  ]);
}

/** Pays an approved bill; a card payment creates the paying card transaction (see seed.ts). */
export function pay(
  sb: SandboxState,
  biz: Business,
  b: Bill,
  method: "BANK" | "CARD" | "PAID_IN_ERP",
): Txn | null {
  const now = sb.clock.now();
  const vendorName = biz.vendors.get(b.vendorId)?.name;
  const txn = payBill(
    sb.rng,
    b,
    method,
    now,
    (t) => {
      biz.transactions.insert(t);
      addTxnReceipts(biz, t);
    },
    biz.gen.makeTxn,
    biz.entities,
    vendorName,
  );
  addHistory(b, now, "paid", { method });
  const events: EventInput[] = [{ type: "bills.paid", object: { id: b.id } }];
  if (billSyncReady(b)) events.push({ type: "bills.ready_to_sync", object: { id: b.id } });
  if (txn) {
    addHistory(txn, now, "created_by_bill_card_payment", { bill_id: b.id });
    events.push({ type: "transactions.ready_to_sync", object: { id: txn.id } });
  }
  emit(sb, biz, events);
  return txn;
}

/** The UI's Export button: marks objects synced without telling the integration. */
export function exportObjects(sb: SandboxState, objs: SpendObject[]): string[] {
  const now = sb.clock.now();
  const done: string[] = [];
  for (const o of objs) {
    if (o.kind === "bill") {
      o.status = "BILL_AND_PAYMENT_SYNCED";
      o.billSyncedAt ??= now;
    } else {
      o.status = "SYNCED";
      o.syncedAt = now;
    }
    o.sync.requestedToSync = false;
    addHistory(o, now, "exported_in_ui");
    done.push(o.id);
  }
  return done;
}

export class SyncButtonDisabledError extends Error {}

/**
 * The Sync-All click: every SYNC_READY object of the kind (or the given ones) is flagged
 * `requested_to_sync` under a new `sync_request_id`, and `*.sync_requested` fires.
 */
export function syncAll(
  sb: SandboxState,
  biz: Business,
  kind: "transaction" | "reimbursement",
  ids?: string[],
): SyncRequest {
  const conn = activeApiConnection(biz);
  const flag =
    kind === "transaction" ? "transaction_sync_button_enabled" : "reimbursement_sync_button_enabled";
  if (!conn?.settings[flag])
    throw new SyncButtonDisabledError(`${flag} is not enabled on the active API connection`);
  const now = sb.clock.now();
  const store = kind === "transaction" ? biz.transactions : biz.reimbursements;
  const objs: (Txn | Reimb)[] = ids
    ? ids.map((id) => store.get(id)).filter((o): o is Txn | Reimb => o !== undefined)
    : [...store.all()];
  const req: SyncRequest = {
    id: sb.rng.uuid(),
    kind,
    createdAt: now,
    deadline: now + sb.config.syncRequestTimeoutMs,
    rows: new Map(),
  };
  for (const o of objs) {
    if (o.status !== "SYNC_READY") continue;
    o.sync.requestedToSync = true;
    o.sync.syncRequestId = req.id;
    addHistory(o, now, "sync_requested", { sync_request_id: req.id });
    req.rows.set(o.id, "PENDING");
  }
  biz.syncRequests.set(req.id, req);
  emit(sb, biz, [
    {
      type: `${kind === "transaction" ? "transactions" : "reimbursements"}.sync_requested`,
      object: { id: req.id, sync_request_id: req.id },
    },
  ]);
  return req;
}

export const SYNC_REQUEST_TIMEOUT_MESSAGE = "Sync request timed out: not reported within 5 minutes";

/** Auto-fails the rows of sync requests whose deadline passed (checked lazily on each call). */
export function sweepSyncRequests(sb: SandboxState, biz: Business): void {
  const now = sb.clock.now();
  for (const req of biz.syncRequests.values()) {
    if (now < req.deadline) continue;
    const store = req.kind === "transaction" ? biz.transactions : biz.reimbursements;
    for (const [id, state] of req.rows) {
      if (state !== "PENDING") continue;
      req.rows.set(id, "FAILED");
      const o = store.get(id);
      if (!o) continue;
      // The row fails in the request's progress even if the object was reported without the
      // sync_request_id (a client bug this makes visible); only an unsynced object gets the error.
      if (o.status !== "SYNCED") o.sync.lastError = SYNC_REQUEST_TIMEOUT_MESSAGE;
      o.sync.requestedToSync = false;
      addHistory(o, now, "sync_request_timed_out", { sync_request_id: req.id });
    }
  }
}

export function syncRequestToApi(req: SyncRequest): Record<string, unknown> {
  const counts = { pending: 0, succeeded: 0, failed: 0 };
  for (const s of req.rows.values()) {
    if (s === "PENDING") counts.pending++;
    else if (s === "SUCCEEDED") counts.succeeded++;
    else counts.failed++;
  }
  return {
    sync_request_id: req.id,
    kind: req.kind,
    created_at: new Date(req.createdAt).toISOString(),
    deadline: new Date(req.deadline).toISOString(),
    total: req.rows.size,
    ...counts,
    rows: Object.fromEntries(req.rows),
  };
}
