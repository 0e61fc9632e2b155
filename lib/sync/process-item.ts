/**
 * One work item through the exactly-once protocol (ARCHITECTURE steps 1–3):
 * load the object, check the phase is still owed, claim the ledger row, decide
 * what the ERP must get, and — after the (possibly batched) post — record
 * POSTED with the ERP's id or FAILED with the customer-facing message.
 *
 * prepareItem() stops before the ERP write so the syncer can batch the writes
 * of many items (postBatch); finishItem() records each result. Anything that
 * fails after the claim is recorded in the ledger, so a redelivery never finds
 * a row stuck CLAIMED; only failures before the claim ask SQS to redeliver.
 */
import type { TenantConfig } from "../config/tenant.js";
import { type CodingContext, resolveCompany } from "../erp/mapping/index.js";
import { type ErpPort, type FoundRecord, type Posting, type PostResult, userError } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import { RampApiError } from "../ramp/errors.js";
import { isObjectShapeError, RampObjectInvalidError, summariseInvalid } from "../ramp/invalid.js";
import type { RampBill } from "../ramp/model.js";
import type { RampLogger } from "../ramp/ports.js";
import { paymentMode, settlingTransactionIds } from "./bill-phases.js";
import { type CrashHook, InjectedCrash } from "./crash-points.js";
import { classifyFailure, failureMessage } from "./failure.js";
import type { ErrorCategory, Kind } from "./kinds.js";
import { METRIC, type SyncMetrics } from "./metrics.js";
import type { ItemStore, LedgerItem } from "./ports.js";
import {
  billErpIdOf,
  blockedChargeFingerprint,
  entityOf,
  fingerprintFor,
  invalidFingerprint,
  ledgerReference,
  owedPhase,
  postedRef,
  postingFor,
  type SyncObject,
  syncObjectOf,
} from "./sync-object.js";
import type { VendorResolver } from "./vendor-creation.js";

export interface WorkItem {
  tenantId: string;
  kind: Kind;
  rampId: string;
  entityId: string | null;
  syncRequestId: string | null;
  /** The object as listed (normalised); absent → fetched by id. */
  snapshot?: unknown;
}

export type ItemOutcome =
  /** POSTED in the ledger: `via` says how the ERP id was obtained. */
  | { status: "posted"; erpRef: string; via: PostedVia }
  | { status: "skipped"; reason: string }
  /** Not claimed: waits for a related object (bill, card-paid bill payment). */
  | { status: "held"; reason: string }
  | { status: "failed"; category: ErrorCategory; message: string; reportable: boolean }
  /** Failed before anything was claimed: SQS should redeliver. */
  | { status: "retry"; reason: string };

export type SyncRamp = Pick<
  RampClient,
  | "getTransaction"
  | "getBill"
  | "getReimbursement"
  | "getTransfer"
  | "getCashback"
  | "getVendorCredit"
  | "postSync"
  | "listAccountingVendors"
  | "uploadAccountingVendors"
  | "setTransactionCoding"
>;

/** Everything one tenant's items need during one batch. */
export interface TenantRuntime {
  tenant: TenantConfig;
  ramp: SyncRamp;
  erp: ErpPort;
  coding: CodingContext;
}

export interface ItemSettings {
  leaseMs: number;
  /** A takeover waits this long before looking the reference up (lets the old holder's write land). */
  takeoverGraceMs: number;
  /** A user-actionable failure is not retried with an unchanged object before this long. */
  userCoolDownMs: number;
}

export interface ItemDeps {
  store: ItemStore;
  rt: TenantRuntime;
  vendors: VendorResolver;
  owner: string;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: RampLogger;
  metrics: SyncMetrics;
  settings: ItemSettings;
  /** Every ERP call of this tenant goes through it (bounded concurrency). */
  erpSlot: <T>(fn: () => Promise<T>) => Promise<T>;
  crash?: CrashHook;
}

/**
 * How a POSTED row got its ERP id: created now, found complete, finished (an earlier
 * attempt left it incomplete), settled by a card-paid bill's payment, or paid in the ERP.
 */
export type PostedVia = "created" | "found" | "finished" | "settled" | "paid-in-erp";

export type Prepared =
  | { done: ItemOutcome }
  | { record: string; via: "found" | "settled" | "paid-in-erp"; claimed: LedgerItem; object: SyncObject }
  /** `resume`: an earlier attempt left this incomplete record; it is finished, never posted anew. */
  | { post: Posting; resume?: FoundRecord; claimed: LedgerItem; object: SyncObject; claimedAt: number };

/** Follow-up work an item unlocks once POSTED (payment after bill, settled card transactions after payment). */
export function followUpsOf(object: SyncObject, base: Pick<WorkItem, "tenantId">): WorkItem[] {
  if (object.kind === "bill") {
    const next = syncObjectOf("bill_payment", object.object);
    return owedPhase(next).owed
      ? [
          {
            ...base,
            kind: "bill_payment",
            rampId: object.object.id,
            entityId: entityOf(object),
            syncRequestId: null,
            snapshot: object.object,
          },
        ]
      : [];
  }
  if (object.kind === "bill_payment") {
    return settlingTransactionIds(object.object).map((id) => ({
      ...base,
      kind: "transaction" as const,
      rampId: id,
      entityId: entityOf(object),
      syncRequestId: null,
    }));
  }
  return [];
}

async function loadObject(ramp: SyncRamp, item: WorkItem): Promise<SyncObject> {
  if (item.snapshot && typeof item.snapshot === "object") return syncObjectOf(item.kind, item.snapshot);
  switch (item.kind) {
    case "transaction":
      return { kind: "transaction", object: await ramp.getTransaction(item.rampId) };
    case "bill":
    case "bill_payment":
      return { kind: item.kind, object: await ramp.getBill(item.rampId) };
    case "reimbursement":
      return { kind: "reimbursement", object: await ramp.getReimbursement(item.rampId) };
    case "transfer":
      return { kind: "transfer", object: await ramp.getTransfer(item.rampId) };
    case "cashback":
      return { kind: "cashback", object: await ramp.getCashback(item.rampId) };
    case "vendor_credit":
      return { kind: "vendor_credit", object: await ramp.getVendorCredit(item.rampId) };
  }
}

/**
 * Claims the row of an object Ramp sent in a shape we cannot read and records it
 * FAILED needs-integrator with the reason (field paths and issue codes, no values).
 * An unchanged broken object is held for the cool-down, so the same failure is not
 * re-read and re-told every poll; a changed one (another summary) is tried again.
 */
async function failUnreadable(deps: ItemDeps, item: WorkItem, err: unknown): Promise<ItemOutcome> {
  const summary = summariseInvalid(err);
  const { tenantId, kind, rampId } = item;
  deps.logger.error("ramp object cannot be read", { tenantId, kind, rampId, summary });
  const claim = await deps.store.ledger.claim({
    tenantId,
    kind,
    rampId,
    owner: deps.owner,
    leaseMs: deps.settings.leaseMs,
    fingerprint: invalidFingerprint(summary),
    entityId: item.entityId,
    syncRequestId: item.syncRequestId,
  });
  if (claim.outcome === "skip") {
    if (item.syncRequestId)
      await deps.store.ledger.attachSyncRequest(tenantId, kind, rampId, item.syncRequestId);
    return { status: "skipped", reason: claim.reason };
  }
  if (claim.outcome === "takeover") {
    // Its previous holder read the object and may have written it to the ERP before dying; a FAILED
    // row would let a later retry post it again without looking. Leave the row to the next takeover.
    await deps.store.ledger.release(tenantId, kind, rampId, deps.owner);
    return { status: "retry", reason: `unreadable object on a taken-over row: ${summary}` };
  }
  return recordFailure(deps, claim.item, new RampObjectInvalidError(summary, rampId), {
    holdUnchanged: true,
  });
}

/** Why the bill payment settling a card charge will not post by itself, if it will not. */
interface SettlementBlocker {
  /** The failed row: the payment, or the bill phase when the payment never got that far. */
  row: LedgerItem;
}

async function settlementBlocker(
  store: ItemDeps["store"],
  tenantId: string,
  billId: string,
  paymentRow: LedgerItem | undefined,
): Promise<SettlementBlocker | null> {
  // A transient failure is retried by the ledger's own rules; only failures a person must fix block.
  const stuck = (r: LedgerItem | undefined) => r?.state === "FAILED" && r.category !== "transient";
  if (paymentRow) return stuck(paymentRow) ? { row: paymentRow } : null;
  const billRow = await store.ledger.get(tenantId, "bill", billId);
  return stuck(billRow) ? { row: billRow as LedgerItem } : null;
}

/**
 * Claims a card charge whose bill payment cannot post and records a user-actionable
 * failure that says why and what to do. Its fingerprint names the failed row's
 * attempt: the charge is told once per failure of the payment, not every poll, and
 * once the payment posts, the charge's ordinary claim differs and it syncs at once.
 */
async function failSettledCharge(
  deps: ItemDeps,
  item: WorkItem,
  object: SyncObject,
  billId: string,
  blocker: SettlementBlocker,
): Promise<ItemOutcome> {
  const { tenantId } = item;
  const rampId = object.object.id;
  const claim = await deps.store.ledger.claim({
    tenantId,
    kind: "transaction",
    rampId,
    owner: deps.owner,
    leaseMs: deps.settings.leaseMs,
    fingerprint: blockedChargeFingerprint(object, blocker.row),
    entityId: entityOf(object) ?? item.entityId,
    syncRequestId: item.syncRequestId,
  });
  if (claim.outcome === "skip") {
    if (item.syncRequestId)
      await deps.store.ledger.attachSyncRequest(tenantId, "transaction", rampId, item.syncRequestId);
    return { status: "skipped", reason: claim.reason };
  }
  const what = blocker.row.kind === "bill_payment" ? "Card payment of bill" : "Card-paid bill";
  return recordFailure(
    deps,
    claim.item,
    userError(
      "MISSING_BILL",
      `${what} ${billId} is not in the ERP`,
      "This charge paid that bill and is recorded with the bill's payment, which failed (see the bill's export error). " +
        "Fix that and this charge syncs with it; if you record the payment in the ERP by hand, mark this charge synced in Ramp too (it needs no entry of its own).",
      `settling ${blocker.row.kind} ${billId} is FAILED ${blocker.row.category ?? ""}`,
    ),
  );
}

export async function prepareItem(deps: ItemDeps, item: WorkItem): Promise<Prepared> {
  const { store, rt, logger } = deps;
  const { tenantId } = item;
  let object: SyncObject;
  try {
    deps.metrics.add(METRIC.rampCalls, "Count", item.snapshot ? 0 : 1, { route: `GET ${item.kind}` });
    object = await loadObject(rt.ramp, item);
  } catch (err) {
    if (err instanceof RampApiError && err.status === 404)
      return { done: { status: "skipped", reason: "not-found" } };
    // Ramp answered, but with an object we cannot read: reading it again reads the same. It fails
    // on its own (claimed, FAILED needs-integrator, told to Ramp) instead of cycling through SQS.
    if (isObjectShapeError(err)) return { done: await failUnreadable(deps, item, err) };
    return {
      done: {
        status: "retry",
        reason: `could not read the object from Ramp: ${classifyFailure(err).detail}`,
      },
    };
  }
  const owed = owedPhase(object);
  if (!owed.owed) return { done: { status: "skipped", reason: owed.reason } };

  // Gates that need no claim: a payment waits for its bill, a card-settled transaction for the payment.
  let billErpId: string | undefined;
  let billUnknown = false;
  let settledRef: string | null = null;
  if (object.kind === "bill_payment") {
    const bill: RampBill = object.object;
    const billRow = await store.ledger.get(tenantId, "bill", bill.id);
    billErpId = billErpIdOf(billRow, bill) ?? undefined;
    if (!billErpId) {
      // The bill phase comes first; its completion chains this payment (followUpsOf).
      if (owedPhase(syncObjectOf("bill", bill)).owed) {
        return prepareItem(deps, { ...item, kind: "bill", snapshot: bill });
      }
      if (bill.syncStatus === "NOT_SYNCED") {
        return { done: { status: "held", reason: "the bill is not in the ERP yet" } };
      }
      // Ramp shows the bill synced but holds no ERP id for it: claim the payment so the
      // customer is told why it cannot be posted (below), instead of holding it forever.
      billUnknown = true;
    }
    if (bill.syncStatus !== "NOT_SYNCED" && billRow?.state !== "MARKED") {
      // Exported before us (or elsewhere): mirror Ramp and adopt the bill as MARKED, so
      // this payment's report (success or failure) is not held for a bill we will never
      // report ourselves.
      await store.ledger.adoptSyncedElsewhere({
        tenantId,
        kind: "bill",
        rampId: bill.id,
        erpRef: billErpId ?? null,
        entityId: entityOf(object) ?? undefined,
      });
    }
    const settled = settlingTransactionIds(bill);
    if (settled.length) await store.settlesLinks.link(tenantId, bill.id, settled);
  }
  if (object.kind === "transaction") {
    const link = await store.settlesLinks.get(tenantId, object.object.id);
    if (link) {
      const paymentRow = await store.ledger.get(tenantId, "bill_payment", link.billId);
      settledRef = postedRef(paymentRow);
      if (!settledRef) {
        // Held only while the payment can still post by itself; once it failed in a way only a
        // person can fix, the charge fails too and says why, instead of waiting unseen forever.
        const blocker = await settlementBlocker(store, tenantId, link.billId, paymentRow);
        if (blocker) return { done: await failSettledCharge(deps, item, object, link.billId, blocker) };
        return {
          done: {
            status: "held",
            reason: `paid a card-paid bill (${link.billId}) whose payment is not posted yet`,
          },
        };
      }
    }
  }

  const claim = await store.ledger.claim({
    tenantId,
    kind: object.kind,
    rampId: object.object.id,
    owner: deps.owner,
    leaseMs: deps.settings.leaseMs,
    fingerprint: fingerprintFor(object),
    entityId: entityOf(object) ?? item.entityId,
    syncRequestId: item.syncRequestId,
  });
  if (claim.outcome === "skip") {
    if (item.syncRequestId) {
      // A Sync Button request answers rows already on their way under its own id.
      await store.ledger.attachSyncRequest(tenantId, object.kind, object.object.id, item.syncRequestId);
    }
    return { done: { status: "skipped", reason: claim.reason } };
  }
  const claimedAt = deps.clock();
  const claimed = claim.item;
  try {
    if (billUnknown) {
      throw userError(
        "MISSING_BILL",
        "Bill not found in the ERP",
        "Ramp shows this bill as synced, but it was exported outside this integration and Ramp holds no ERP id for it. Record the payment in the ERP by hand and mark it synced in Ramp, or contact support to link the bill.",
      );
    }
    if (settledRef) {
      // Posts nothing of its own, but Ramp still refuses to mark a transaction that needs an
      // accounting vendor (VENDOR_CODING_REQUIRED): give it one first, like any other transaction.
      if (object.kind === "transaction" && object.object.requiresAccountingVendorCreation) {
        const r = await deps.erpSlot(() => deps.vendors.ensureVendor(object.object as never));
        return {
          record: settledRef,
          via: "settled",
          claimed,
          object: { kind: "transaction", object: r.transaction },
        };
      }
      return { record: settledRef, via: "settled", claimed, object };
    }
    if (object.kind === "bill_payment" && billErpId && paymentMode(object.object) === "paid_in_erp") {
      // Paid in the ERP already: post nothing, report the ERP's payment (else the bill itself).
      const company = resolveCompany(rt.tenant, entityOf(object));
      const id = billErpId;
      const found = await deps.erpSlot(() => rt.erp.findBillPayment(id, company.key));
      return { record: found ?? billErpId, via: "paid-in-erp", claimed, object };
    }
    let toMap = object;
    let vendorRemoteId: string | null = null;
    if (object.kind === "transaction" && object.object.requiresAccountingVendorCreation) {
      const r = await deps.erpSlot(() => deps.vendors.ensureVendor(object.object as never));
      toMap = { kind: "transaction", object: r.transaction };
      vendorRemoteId = r.vendor.remoteId;
      logger.info("accounting vendor set on transaction", {
        tenantId,
        transactionId: object.object.id,
        vendor: r.vendor.remoteId,
        how: r.vendor.how,
      });
    }
    const posting = postingFor(toMap, rt.tenant, rt.coding, {
      ...(billErpId ? { billErpId } : {}),
      vendorRemoteId,
    });
    if (claim.outcome !== "claimed") {
      // Complete or finish (ARCHITECTURE.md): an earlier attempt may have written to the ERP —
      // a holder killed mid-write (takeover), or a failed attempt whose write landed in part
      // (a timeout after the create, a reimbursement whose payment was refused). Look before
      // anything else, and record only a complete record; an incomplete one is finished
      // through the adapter's postBatch path, never posted a second time.
      if (claim.outcome === "takeover" && deps.settings.takeoverGraceMs > 0)
        await deps.sleep(deps.settings.takeoverGraceMs);
      const found = await deps.erpSlot(() => rt.erp.find(posting.ref, posting.companyKey, posting));
      if (found?.state === "complete") return { record: found.erpId, via: "found", claimed, object: toMap };
      if (found) {
        logger.warn("incomplete ERP record found; finishing it before anything is recorded", {
          tenantId,
          kind: object.kind,
          rampId: object.object.id,
          state: found.state,
          missing: found.missing,
        });
        return { post: posting, resume: found, claimed, object: toMap, claimedAt };
      }
    }
    return { post: posting, claimed, object: toMap, claimedAt };
  } catch (err) {
    if (err instanceof InjectedCrash) throw err;
    return { done: await recordFailure(deps, claimed, err) };
  }
}

/** Records the ERP's answer for one item (POSTED or FAILED). */
export async function finishItem(
  deps: ItemDeps,
  claimed: LedgerItem,
  result: { ok: true; erpRef: string; via: PostedVia } | { ok: false; error: unknown },
): Promise<ItemOutcome> {
  if (!result.ok) return recordFailure(deps, claimed, result.error);
  const { tenantId, kind, rampId } = claimed;
  await deps.crash?.("post", { tenantId, ids: [rampId] });
  const rec = await deps.store.ledger.recordPosted(tenantId, kind, rampId, deps.owner, result.erpRef);
  if (!rec.ok) {
    // Someone took the row over (we were stalled past the lease): they find our record by reference.
    deps.logger.warn("lease lost before recording; the new holder finds the ERP record by reference", {
      tenantId,
      kind,
      rampId,
    });
    return { status: "skipped", reason: "lost-lease" };
  }
  await deps.crash?.("record", { tenantId, ids: [rampId] });
  deps.metrics.add(METRIC.posted, "Count", 1, { kind, via: result.via });
  return { status: "posted", erpRef: result.erpRef, via: result.via };
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
  const rec = await deps.store.ledger.recordFailed(tenantId, kind, rampId, deps.owner, {
    category: f.category,
    message,
    transientAttemptsBeforeReport: tenant.sync.transientAttemptsBeforeReport,
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

export type { PostResult };
