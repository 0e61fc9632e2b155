/**
 * Every object checked three ways after the chaos — what Ramp shows, what the
 * ledger holds, what the ERP holds — into the four counts the issue asks for:
 *
 * - duplicates: more than one ERP record under an object's reference (or more
 *   than one payment move under a reimbursement's `#payment` reference);
 * - incomplete reported synced: Ramp shows the object synced (or the ledger
 *   MARKED) while its ERP record is missing, not the reported one, or not
 *   complete (a draft, an invoice without its payment, an unreconciled payment);
 * - lost: neither synced (MARKED, Ramp synced) nor failed with a message Ramp
 *   was told;
 * - told more than once: named as successful in more than one accepted sync call
 *   of its sync type, or more than one "synced" event in its Ramp history.
 */

import { externalRef, SYNC_TYPE_BY_KIND } from "../../lib/domain/kinds.js";
import { resolveCompany } from "../../lib/erp/mapping/index.js";
import type { ErpPort, Posting } from "../../lib/erp/port.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { paymentMode } from "../../lib/sync/bill-phases.js";
import type { WorkItem } from "../../lib/sync/process-item.js";
import { postingFor, syncObjectOf } from "../../lib/sync/sync-object.js";
import type { Harness } from "../integration/syncer-harness.js";

export interface Counts {
  duplicates: number;
  incompleteSynced: number;
  lost: number;
  toldTwice: number;
}

export interface ErpTruth {
  port: ErpPort;
  /** Records carrying exactly this reference in the ERP (never deduplicated). */
  recordsUnder(refs: readonly string[], companyKey: string): Promise<Map<string, number>>;
}

export async function threeWayCheck(
  h: Harness,
  erp: ErpTruth,
  items: readonly WorkItem[],
): Promise<{ counts: Counts; problems: string[]; outcomes: Record<string, number> }> {
  const calls = await h.syncCalls();
  const told = new Map<string, number>();
  for (const c of calls)
    for (const id of c.successful)
      told.set(`${c.syncType}:${id}`, (told.get(`${c.syncType}:${id}`) ?? 0) + 1);
  const rt = await h.rt();
  const counts: Counts = { duplicates: 0, incompleteSynced: 0, lost: 0, toldTwice: 0 };
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  for (const it of items) {
    const what = `${it.kind} ${it.rampId}`;
    const row = await h.store.ledger.get(it.tenantId, it.kind, it.rampId);
    const view = await h.object(it.rampId);
    const company = resolveCompany(h.tenant, it.entityId).key;
    const link = it.kind === "transaction" ? await h.store.settlesLinks.get(it.tenantId, it.rampId) : null;
    const ref = link ? externalRef("bill_payment", link.billId) : externalRef(it.kind, it.rampId);
    const counted = await erp.recordsUnder([ref, `${ref}#payment`], company);
    const records = counted.get(ref) ?? 0;
    outcomes[`${it.kind} ${row?.state ?? "none"}`] =
      (outcomes[`${it.kind} ${row?.state ?? "none"}`] ?? 0) + 1;
    if (!link && (records > 1 || (counted.get(`${ref}#payment`) ?? 0) > 1)) {
      counts.duplicates++;
      problems.push(`${what}: ${records} ERP records, ${counted.get(`${ref}#payment`) ?? 0} payment moves`);
    }
    // A bill's two phases share one Ramp status: the payment phase is synced only with both.
    const rampSynced =
      it.kind === "bill_payment"
        ? view.sync.status === "BILL_AND_PAYMENT_SYNCED"
        : /SYNCED/.test(view.sync.status) && view.sync.status !== "NOT_SYNCED";
    // Paid in the ERP already: nothing of ours is posted; the report names the ERP's own payment.
    const paidInErp = it.kind === "bill_payment" && paymentMode(it.snapshot as RampBill) === "paid_in_erp";
    const marked = row?.state === "MARKED";
    if ((marked || rampSynced) && !paidInErp) {
      let posting: Posting | undefined;
      try {
        const billRow =
          it.kind === "bill_payment" ? await h.store.ledger.get(it.tenantId, "bill", it.rampId) : undefined;
        posting = postingFor(syncObjectOf(it.kind, it.snapshot), h.tenant, rt.coding, {
          ...(billRow?.erpRef ? { billErpId: billRow.erpRef } : {}),
          vendorRemoteId: null,
        });
      } catch {
        posting = undefined; // e.g. a vendor the sync created: completeness of a move needs no posting
      }
      const found = await erp.port.find(ref, company, link ? undefined : posting);
      const reference = it.kind === "bill" || it.kind === "bill_payment" ? null : view.sync.reference_id;
      if (
        found?.state !== "complete" ||
        found.erpId !== row?.erpRef ||
        (reference && reference !== row.erpRef)
      ) {
        counts.incompleteSynced++;
        problems.push(
          `${what}: Ramp ${view.sync.status} ${view.sync.reference_id ?? ""}, ledger ${row?.state} ${row?.erpRef ?? ""}, ERP ${found ? `${found.erpId} ${found.state} ${found.missing ?? ""}` : "none"}`,
        );
      }
    }
    const failedTold =
      row?.state === "FAILED" && row.told === true && !!row.message && !!view.sync.last_error;
    if (!(marked && rampSynced) && !failedTold) {
      counts.lost++;
      problems.push(`${what}: ledger ${row?.state} ${row?.message ?? ""}, Ramp ${view.sync.status}`);
    }
    const syncType = SYNC_TYPE_BY_KIND[it.kind];
    const n = syncType ? (told.get(`${syncType}:${it.rampId}`) ?? 0) : 0;
    const history = (view.sync as { history?: Array<{ event: string }> }).history ?? [];
    const syncedEvents = history.filter((e) => e.event === "synced").length;
    if (n > 1 || (it.kind !== "bill" && it.kind !== "bill_payment" && syncedEvents > 1)) {
      counts.toldTwice++;
      problems.push(`${what}: named in ${n} sync calls, ${syncedEvents} synced events`);
    }
  }
  return { counts, problems, outcomes };
}
