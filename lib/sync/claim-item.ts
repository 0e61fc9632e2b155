/**
 * The effects of the gate's decision for one work item (ARCHITECTURE steps 1–2;
 * the decision itself is item-gate.ts): claim the ledger row, then get the item
 * its ERP id — post it, record the id it already has (settled, paid in the ERP,
 * found complete on a takeover or retry), or finish an incomplete record — and
 * record every failure after the claim, so a row is never left CLAIMED.
 */
import { resolveCompany } from "../erp/mapping/index.js";
import { userError } from "../erp/port.js";
import { RampObjectInvalidError, summariseInvalid } from "../ramp/invalid.js";
import { inButtonWindow } from "./button-retry.js";
import { InjectedCrash } from "./crash-points.js";
import { classifyFailure, failureMessage } from "./failure.js";
import type { Gate, Route } from "./item-gate.js";
import { METRIC } from "./metrics.js";
import type { ClaimRequest, ClaimResult, LedgerItem } from "./ports.js";
import type { ItemDeps, ItemOutcome, Prepared, WorkItem } from "./process-item.js";
import {
  blockedChargeFingerprint,
  entityOf,
  fingerprintFor,
  invalidFingerprint,
  ledgerReference,
  postingFor,
  type SyncObject,
} from "./sync-object.js";

type Done = Extract<Prepared, { kind: "done" }>;
export const done = (outcome: ItemOutcome, object?: SyncObject): Done =>
  object ? { kind: "done", outcome, object } : { kind: "done", outcome };

/** Skips that mean "already in the ERP": the row holds the ERP id. */
const IN_ERP_SKIPS = new Set(["posted", "reporting", "marked"]);

/**
 * Claims one ledger row. A row already on its way (or done) is skipped; a Sync Button
 * request then attaches itself to it, so the row is answered under that request.
 */
async function claimRow(
  deps: ItemDeps,
  item: WorkItem,
  req: Omit<ClaimRequest, "tenantId" | "owner" | "leaseMs" | "syncRequestId">,
): Promise<{ skipped: ItemOutcome } | { claim: Exclude<ClaimResult, { outcome: "skip" }> }> {
  const { tenantId, syncRequestId } = item;
  const claim = await deps.store.ledger.claim({
    ...req,
    tenantId,
    owner: deps.owner,
    leaseMs: deps.settings.leaseMs,
    syncRequestId,
  });
  if (claim.outcome !== "skip") return { claim };
  if (syncRequestId) await deps.store.ledger.attachSyncRequest(tenantId, req.kind, req.rampId, syncRequestId);
  const erpRef = IN_ERP_SKIPS.has(claim.reason) ? claim.item.erpRef : undefined;
  return { skipped: { status: "skipped", reason: claim.reason, ...(erpRef ? { erpRef } : {}) } };
}

/**
 * Claims the row of an object Ramp sent in a shape we cannot read and records it
 * FAILED needs-integrator with the reason (field paths and issue codes, no values).
 * An unchanged broken object is held for the cool-down, so the same failure is not
 * re-read and re-told every poll; a changed one (another summary) is tried again.
 */
export async function failUnreadable(deps: ItemDeps, item: WorkItem, err: unknown): Promise<ItemOutcome> {
  const summary = summariseInvalid(err);
  const { tenantId, kind, rampId } = item;
  deps.logger.error("ramp object cannot be read", { tenantId, kind, rampId, summary });
  const c = await claimRow(deps, item, {
    kind,
    rampId,
    fingerprint: invalidFingerprint(summary),
    entityId: item.entityId,
  });
  if ("skipped" in c) return c.skipped;
  if (c.claim.outcome === "takeover") {
    // Its previous holder read the object and may have written it to the ERP before dying; a FAILED
    // row would let a later retry post it again without looking. Leave the row to the next takeover.
    await deps.store.ledger.release(tenantId, kind, rampId, deps.owner);
    return { status: "retry", reason: `unreadable object on a taken-over row: ${summary}` };
  }
  return recordFailure(deps, c.claim.item, new RampObjectInvalidError(summary, rampId), {
    holdUnchanged: true,
  });
}

/**
 * Claims a card charge whose bill payment cannot post and records a user-actionable
 * failure that says why and what to do. Its fingerprint names the failed row's
 * attempt: the charge is told once per failure of the payment, not every poll, and
 * once the payment posts, the charge's ordinary claim differs and it syncs at once.
 */
export async function failSettledCharge(
  deps: ItemDeps,
  item: WorkItem,
  object: SyncObject,
  gate: Extract<Gate, { kind: "fail-charge" }>,
): Promise<ItemOutcome> {
  const { billId, blocker } = gate;
  const c = await claimRow(deps, item, {
    kind: "transaction",
    rampId: object.object.id,
    fingerprint: blockedChargeFingerprint(object, blocker),
    entityId: entityOf(object) ?? item.entityId,
  });
  if ("skipped" in c) return c.skipped;
  const what = blocker.kind === "bill_payment" ? "Card payment of bill" : "Card-paid bill";
  return recordFailure(
    deps,
    c.claim.item,
    userError(
      "MISSING_BILL",
      `${what} ${billId} is not in the ERP`,
      "This charge paid that bill and is recorded with the bill's payment, which failed (see the bill's export error). " +
        "Fix that and this charge syncs with it; if you record the payment in the ERP by hand, mark this charge synced in Ramp too (it needs no entry of its own).",
      `settling ${blocker.kind} ${billId} is FAILED ${blocker.category ?? ""}`,
    ),
  );
}

/** The gate said claim: its effects before the claim, the claim, then the route to an ERP id. */
/**
 * An object that waits for another one (item-gate "held") is recorded HELD with the
 * reason, so `ops status` and `ops show` can say what it waits for; nothing is claimed.
 * Best effort: the hold is re-decided on every poll, so a lost write loses nothing.
 */
export async function holdItem(deps: ItemDeps, item: WorkItem, object: SyncObject, reason: string) {
  try {
    await deps.store.ledger.recordHeld({
      tenantId: item.tenantId,
      kind: object.kind,
      rampId: object.object.id,
      reason,
      fingerprint: fingerprintFor(object),
      entityId: entityOf(object) ?? item.entityId ?? undefined,
    });
  } catch (err) {
    deps.logger.warn("could not record a hold", {
      kind: object.kind,
      rampId: object.object.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
  return done({ status: "held", reason });
}

export async function claimAndRoute(
  deps: ItemDeps,
  item: WorkItem,
  object: SyncObject,
  gate: Extract<Gate, { kind: "claim" }>,
): Promise<Prepared> {
  const { tenantId } = item;
  if (gate.adoptBill)
    await deps.store.ledger.adoptSyncedElsewhere({ tenantId, kind: "bill", ...gate.adoptBill });
  if (gate.link) await deps.store.settlesLinks.link(tenantId, gate.link.billId, gate.link.transactionIds);
  const c = await claimRow(deps, item, {
    kind: object.kind,
    rampId: object.object.id,
    fingerprint: fingerprintFor(object),
    entityId: entityOf(object) ?? item.entityId,
  });
  if ("skipped" in c) return done(c.skipped, object);
  const claimed = { claim: c.claim, claimedAt: deps.clock() };
  try {
    return await routeClaimed(deps, object, gate.route, claimed);
  } catch (err) {
    if (err instanceof InjectedCrash) throw err;
    return done(await recordFailure(deps, claimed.claim.item, err));
  }
}

interface Claimed {
  claim: Exclude<ClaimResult, { outcome: "skip" }>;
  claimedAt: number;
}

async function routeClaimed(deps: ItemDeps, object: SyncObject, route: Route, c: Claimed): Promise<Prepared> {
  const { rt } = deps;
  const claimed = c.claim.item;
  switch (route.kind) {
    case "bill-unknown":
      throw userError(
        "MISSING_BILL",
        "Bill not found in the ERP",
        "Ramp shows this bill as synced, but it was exported outside this integration and Ramp holds no ERP id for it. Record the payment in the ERP by hand and mark it synced in Ramp, or contact support to link the bill.",
      );
    case "settled": {
      // Posts nothing of its own, but Ramp still refuses to mark a transaction that needs an
      // accounting vendor (VENDOR_CODING_REQUIRED): give it one first, like any other transaction.
      const coded = await withVendor(deps, object);
      return { kind: "record", erpRef: route.erpRef, via: "settled", claimed, object: coded.object };
    }
    case "paid-in-erp": {
      // Paid in the ERP already: post nothing, report the ERP's payment (else the bill itself).
      const company = resolveCompany(rt.tenant, entityOf(object), rt.entityNames);
      const found = await deps.erpSlot(() => rt.erp.findBillPayment(route.billErpId, company.key));
      return { kind: "record", erpRef: found ?? route.billErpId, via: "paid-in-erp", claimed, object };
    }
    case "post": {
      // The company first: an unmapped entity fails here with its Ramp name, before any vendor work.
      resolveCompany(rt.tenant, entityOf(object), rt.entityNames);
      const coded = await withVendor(deps, object);
      const posting = postingFor(coded.object, rt.tenant, rt.coding, {
        ...(route.billErpId ? { billErpId: route.billErpId } : {}),
        ...(route.creditErpId ? { creditErpId: route.creditErpId } : {}),
        vendorRemoteId: coded.vendorRemoteId,
      });
      const post = { kind: "post" as const, posting, claimed, object: coded.object, claimedAt: c.claimedAt };
      if (c.claim.outcome === "claimed") return post;
      return lookBeforePosting(deps, c.claim.outcome, post);
    }
  }
}

/** A transaction that needs an accounting vendor gets one in Ramp first (now coded). */
async function withVendor(
  deps: ItemDeps,
  object: SyncObject,
): Promise<{ object: SyncObject; vendorRemoteId: string | null }> {
  if (object.kind !== "transaction" || !object.object.requiresAccountingVendorCreation)
    return { object, vendorRemoteId: null };
  const transaction = object.object;
  // Not inside an ERP slot: the resolver takes one for its ERP calls only (syncer.ts itemDepsFor).
  const r = await deps.vendors.ensureVendor(transaction);
  deps.logger.info("accounting vendor set on transaction", {
    tenantId: deps.rt.tenant.tenantId,
    transactionId: transaction.id,
    vendor: r.vendor.remoteId,
    how: r.vendor.how,
  });
  return { object: { kind: "transaction", object: r.transaction }, vendorRemoteId: r.vendor.remoteId };
}

/**
 * Complete or finish (ARCHITECTURE.md): an earlier attempt may have written to the ERP —
 * a holder killed mid-write (takeover), or a failed attempt whose write landed in part
 * (a timeout after the create, a reimbursement whose payment was refused). Look before
 * anything else, and record only a complete record; an incomplete one is finished
 * through the adapter's postBatch path, never posted a second time.
 */
async function lookBeforePosting(
  deps: ItemDeps,
  how: "takeover" | "retry",
  post: Extract<Prepared, { kind: "post" }>,
): Promise<Prepared> {
  const { posting, claimed, object } = post;
  if (how === "takeover" && deps.settings.takeoverGraceMs > 0)
    await deps.sleep(deps.settings.takeoverGraceMs);
  const found = await deps.erpSlot(() => deps.rt.erp.find(posting.ref, posting.companyKey, posting));
  if (!found) return post;
  if (found.state === "complete")
    return { kind: "record", erpRef: found.erpId, via: "found", claimed, object };
  deps.logger.warn("incomplete ERP record found; finishing it before anything is recorded", {
    tenantId: claimed.tenantId,
    kind: claimed.kind,
    rampId: claimed.rampId,
    state: found.state,
    missing: found.missing,
  });
  return { ...post, resume: found };
}

export async function recordFailure(
  deps: ItemDeps,
  claimed: LedgerItem,
  err: unknown,
  opts: { holdUnchanged?: boolean } = {},
): Promise<ItemOutcome> {
  const { tenantId, kind, rampId } = claimed;
  const { tenant } = deps.rt;
  const f = classifyFailure(err);
  const referenceId = ledgerReference(tenantId, kind, rampId);
  const message = failureMessage(f, { supportContact: tenant.sync.supportContact, referenceId });
  // Inside a Sync Button window a transient failure is retried within seconds and told, if need
  // be, by the deadline job; telling it after N quick attempts would end the retries early.
  const inWindow = inButtonWindow(deps.deadlineOf?.(kind, rampId), deps.clock());
  const rec = await deps.store.ledger.recordFailed(tenantId, kind, rampId, deps.owner, {
    category: f.category,
    message,
    transientAttemptsBeforeReport: inWindow
      ? Number.MAX_SAFE_INTEGER
      : tenant.sync.transientAttemptsBeforeReport,
    coolDownMs: deps.settings.userCoolDownMs,
    ...(opts.holdUnchanged ? { holdUnchanged: true } : {}),
  });
  if (!rec.ok) return { status: "skipped", reason: "lost-lease" };
  deps.metrics.add(METRIC.failed, "Count", 1, { kind, category: f.category });
  const data = { tenantId, kind, rampId, category: f.category, detail: f.detail, referenceId };
  if (f.category === "needs_integrator") deps.logger.error("sync failed", data);
  else deps.logger.warn("sync failed", data);
  return { status: "failed", category: f.category, message, reportable: rec.item.reportable === true };
}
