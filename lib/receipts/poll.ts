/**
 * The receipts part of a tenant's scheduled poll (ARCHITECTURE.md, "Receipts"):
 * 1. while the tenant is flagged for a missing `receipts:read`, one cheap read probes it;
 *    once granted, the rows that waited for it are attached and the flag is cleared;
 * 2. transaction receipts created since the cursor (`GET /receipts?created_after=`, pages of
 *    100) are attached to transactions already in the ERP — the webhook's safety net, and the
 *    only path when webhooks are off. A tenant's first poll only sets the cursor: history is
 *    the export's (each object's `receipts[]`);
 * 3. reimbursements: Ramp has no receipt event for them and `GET /receipts` filters by
 *    transaction only, so once a day the reimbursements synced in the last 7 days are re-read
 *    (`GET /reimbursements?sync_status=SYNCED&synced_after=`, pages of 100: ⌈M/100⌉ calls for
 *    M reimbursements synced that week) and receipt ids we hold no row for are attached.
 *    A receipt added more than 7 days after the export is not picked up (README, "What does
 *    not work yet"); `reconcile` still reports it missing.
 */
import { RampApiError } from "../ramp/errors.js";
import { type AttachRun, attachReceipts } from "./attach.js";
import { attachListed, mergeRuns, NOTHING } from "./late.js";
import type { ReceiptObject } from "./message.js";
import type { ReceiptDeps, ReceiptRef } from "./ports.js";

export const REIMBURSEMENT_REREAD_EVERY_MS = 24 * 3600_000;
/**
 * Each list reaches this far behind the cursor: Ramp's clock and ours differ, `created_at` is
 * in whole seconds (two receipts of one second can straddle a page), and a receipt added while
 * the tenant's first poll ran is younger than its cursor. What is listed twice costs a row read
 * (the rows dedupe it), never a second attachment.
 */
export const LIST_OVERLAP_MS = 10 * 60_000;
export const REIMBURSEMENT_LOOKBACK_MS = 7 * 24 * 3600_000;

export interface PollRun extends AttachRun {
  listed: number;
}

/** Scope-waiting rows back to work once Ramp answers receipts reads again. */
async function afterScopeGranted(d: ReceiptDeps): Promise<AttachRun> {
  const tenantId = d.tenant.tenantId;
  await d.store.clearScopeMissing(tenantId);
  const waiting = (await d.store.listUnattached(tenantId, 1000)).filter((r) => r.reason === "scope");
  const objects = new Map<string, ReceiptObject>();
  const posted = new Map<string, Map<string, { erpRef: string; entityId: string | null }>>();
  for (const kind of ["transaction", "reimbursement", "bill"] as const) {
    const ids = [...new Set(waiting.filter((r) => r.kind === kind).map((r) => r.rampId))];
    if (ids.length) posted.set(kind, await d.ledger.postedRefs(tenantId, kind, ids));
  }
  for (const r of waiting) {
    const p = posted.get(r.kind)?.get(r.rampId);
    const key = `${r.kind}#${r.rampId}`;
    const o = objects.get(key) ?? {
      kind: r.kind,
      rampId: r.rampId,
      entityId: p?.entityId ?? null,
      erpRef: r.erpRef,
      receiptIds: [],
      at: null,
    };
    o.receiptIds.push(r.receiptId);
    objects.set(key, o);
  }
  return attachReceipts(d, [...objects.values()]);
}

export async function pollReceipts(d: ReceiptDeps): Promise<PollRun> {
  const tenantId = d.tenant.tenantId;
  const now = d.clock();
  let run: AttachRun = NOTHING;
  let listed = 0;
  const cursor = await d.store.getCursor(tenantId);

  if ((await d.store.scopeMissingSince(tenantId)) !== null) {
    try {
      for await (const _page of d.ramp.receiptPages({ createdAfter: new Date(now).toISOString() })) break;
    } catch (err) {
      if (err instanceof RampApiError && err.status === 403)
        return { ...NOTHING, scopeMissing: true, listed: 0 };
      throw err;
    }
    run = mergeRuns(run, await afterScopeGranted(d));
  }

  if (cursor.createdAfter === null) {
    cursor.createdAfter = new Date(now).toISOString();
  } else {
    const from = new Date(Date.parse(cursor.createdAfter) - LIST_OVERLAP_MS).toISOString();
    for await (const page of d.ramp.receiptPages({ createdAfter: from })) {
      listed += page.length;
      run = mergeRuns(run, await attachListed(d, page));
      const newest = page.reduce<string | null>(
        (m, r: ReceiptRef) => (r.createdAt && (!m || r.createdAt > m) ? r.createdAt : m),
        null,
      );
      if (newest && newest > cursor.createdAfter) cursor.createdAfter = newest;
      // Progress survives a timeout: the rows dedupe whatever the next poll lists again.
      await d.store.putCursor(tenantId, cursor);
    }
  }

  if (
    cursor.reimbursementsReadAt === null ||
    now - cursor.reimbursementsReadAt >= REIMBURSEMENT_REREAD_EVERY_MS
  ) {
    const since = new Date(now - REIMBURSEMENT_LOOKBACK_MS).toISOString();
    for await (const page of d.ramp.syncedReimbursements(since)) {
      const withReceipts = page.filter((r) => r.receiptIds.length > 0);
      if (!withReceipts.length) continue;
      const posted = await d.ledger.postedRefs(
        tenantId,
        "reimbursement",
        withReceipts.map((r) => r.id),
      );
      const objects: ReceiptObject[] = withReceipts.flatMap((r) => {
        const p = posted.get(r.id);
        return p
          ? [
              {
                kind: "reimbursement" as const,
                rampId: r.id,
                entityId: r.entityId,
                erpRef: p.erpRef,
                receiptIds: r.receiptIds,
                at: null,
              },
            ]
          : [];
      });
      if (objects.length) run = mergeRuns(run, await attachReceipts(d, objects));
    }
    cursor.reimbursementsReadAt = now;
  }
  await d.store.putCursor(tenantId, cursor);
  return { ...run, listed };
}
