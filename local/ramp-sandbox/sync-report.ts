/**
 * `GET /sandbox/sync-report`: what Ramp's UI would show a demo's watcher, for every kind — how
 * many objects, how many due to sync (ready), synced, failed (an export error shown) — and
 * every object not synced with why, in words, when the sandbox knows it: the cases the seed
 * plants on purpose (a bill awaiting approval, a bill exported outside this integration, the
 * card charge that paid such a bill). The demo's progress and ending read it (local/demo.ts);
 * the developer API stays Ramp's shape.
 */
import { business, type ControlReply, type ControlRequest } from "./control-common.js";
import type { Bill, Business } from "./model.js";
import type { SandboxState } from "./state.js";

export interface KindCounts {
  total: number;
  /** Ramp would list them for sync (SYNC_READY; an approved bill not yet synced; its payment once paid). */
  ready: number;
  synced: number;
  /** Not synced and showing an export error. */
  failed: number;
}

export interface UnsyncedObject {
  kind: "transaction" | "reimbursement" | "bill" | "bill_payment" | "transfer" | "cashback";
  id: string;
  status: string;
  /** The export error Ramp shows (the integration's message), if any. */
  last_error: string | null;
  /** Why the seed made it so, when it did on purpose (null: it should have synced). */
  seeded: string | null;
}

/** A bill Ramp shows synced although no integration gave it an ERP id: exported outside this one. */
const syncedOutside = (b: Bill) => b.status !== "NOT_SYNCED" && b.remoteId === null;

const SEEDED = {
  pending:
    "a bill still awaiting approval: Ramp offers approved bills only, so it is not due (approve it in Ramp to sync it)",
  outside:
    "a bill exported outside this integration (Ramp shows it synced, with no ERP id): its payment cannot be posted, and Ramp shows the user what to do",
  paidByOutside:
    "the card charge that paid a bill exported outside this integration: it is settled by that bill's payment (never expensed twice), so it waits with it",
  notReady: "not marked ready in Ramp: nothing is due until a user codes it and marks it ready",
} as const;

export function syncReport(biz: Business): {
  counts: Record<UnsyncedObject["kind"], KindCounts>;
  unsynced: UnsyncedObject[];
} {
  const unsynced: UnsyncedObject[] = [];
  const paidByOutside = new Set(
    biz.bills
      .all()
      .filter((b) => syncedOutside(b) && b.payment?.kind === "CARD")
      .flatMap((b) => b.payment?.transactionIds ?? []),
  );
  const spend = <T extends { id: string; status: string; sync: { lastError: string | null } }>(
    kind: UnsyncedObject["kind"],
    all: readonly T[],
    why: (o: T) => string | null = () => null,
  ): KindCounts => {
    const c: KindCounts = { total: all.length, ready: 0, synced: 0, failed: 0 };
    for (const o of all) {
      if (o.status === "SYNCED") c.synced++;
      else {
        if (o.status === "SYNC_READY") c.ready++;
        if (o.sync.lastError) c.failed++;
        unsynced.push({
          kind,
          id: o.id,
          status: o.status,
          last_error: o.sync.lastError,
          seeded: o.status === "NOT_SYNC_READY" ? SEEDED.notReady : why(o),
        });
      }
    }
    return c;
  };
  const transactions = spend("transaction", biz.transactions.all(), (t) =>
    paidByOutside.has(t.id) ? SEEDED.paidByOutside : null,
  );
  const reimbursements = spend("reimbursement", biz.reimbursements.all());
  const transfers = spend("transfer", biz.transfers.all());
  const cashbacks = spend("cashback", biz.cashbacks.all());

  // Bills carry two phases in one status; the payment phase exists once the bill is paid.
  const bills: KindCounts = { total: 0, ready: 0, synced: 0, failed: 0 };
  const payments: KindCounts = { total: 0, ready: 0, synced: 0, failed: 0 };
  for (const b of biz.bills.all()) {
    if (b.archived) continue;
    bills.total++;
    const billSynced = b.status !== "NOT_SYNCED";
    if (billSynced) bills.synced++;
    else {
      if (b.approval === "APPROVED") bills.ready++;
      if (b.sync.lastError) bills.failed++;
      unsynced.push({
        kind: "bill",
        id: b.id,
        status: b.status,
        last_error: b.sync.lastError,
        seeded: b.approval === "PENDING" ? SEEDED.pending : null,
      });
    }
    if (b.payStatus !== "PAID") continue;
    payments.total++;
    if (b.status === "BILL_AND_PAYMENT_SYNCED") {
      payments.synced++;
      continue;
    }
    payments.ready++;
    // Before the bill phase syncs, its error is the bill's; after, an error is the payment's.
    const error = billSynced ? b.sync.lastError : null;
    if (error) payments.failed++;
    unsynced.push({
      kind: "bill_payment",
      id: b.id,
      status: b.status,
      last_error: error,
      seeded: syncedOutside(b) ? SEEDED.outside : null,
    });
  }
  return {
    counts: {
      transaction: transactions,
      reimbursement: reimbursements,
      bill: bills,
      bill_payment: payments,
      transfer: transfers,
      cashback: cashbacks,
    },
    unsynced,
  };
}

export function handleSyncReport(sb: SandboxState, req: ControlRequest): ControlReply | null {
  if (req.method !== "GET" || req.path !== "/sandbox/sync-report") return null;
  return { status: 200, body: syncReport(business(sb, req)) };
}
