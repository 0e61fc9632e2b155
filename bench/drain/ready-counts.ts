/**
 * What each ready listing will hand the poller, per Ramp entity, read straight from the
 * sandbox's memory before the drain starts: the input of the Ramp-call floor (bench/floor.ts).
 * Read in-process rather than over the API so counting costs the drain no calls and no
 * share of Ramp's rate-limit window. The predicates are the sandbox's own list filters
 * (routes/spend.ts: `sync_status=SYNC_READY`, bills' `sync_ready`, payment-only bills'
 * `sync_status=BILL_SYNCED&sync_ready=true`, every vendor credit — the poller lists fully used
 * ones, and a first walk has no `from_created_at`), i.e. what the listings the poller calls return.
 */
import type { ReadySource } from "../../lib/ramp/resume.js";
import { billSyncReady } from "../../local/ramp-sandbox/business.js";
import type { Business } from "../../local/ramp-sandbox/model.js";
import type { ListedCount } from "../floor.js";

export function readyCounts(
  biz: Business,
  sources: readonly ReadySource[],
  entityIds: readonly string[],
): ListedCount[] {
  const ready: Record<ReadySource, Array<{ entityId: string }>> = {
    transaction: biz.transactions.all().filter((o) => o.status === "SYNC_READY"),
    reimbursement: biz.reimbursements.all().filter((o) => o.status === "SYNC_READY"),
    transfer: biz.transfers.all().filter((o) => o.status === "SYNC_READY"),
    cashback: biz.cashbacks.all().filter((o) => o.status === "SYNC_READY"),
    bill: biz.bills.all().filter((b) => billSyncReady(b)),
    bill_payment: biz.bills.all().filter((b) => billSyncReady(b) && b.status === "BILL_SYNCED"),
    vendor_credit: [...biz.vendorCredits.all()],
  };
  return sources.flatMap((source) =>
    entityIds.map((entityId) => ({
      source,
      entityId,
      objects: ready[source].filter((o) => o.entityId === entityId).length,
    })),
  );
}
