/**
 * One work item through the exactly-once protocol (ARCHITECTURE steps 1–3):
 * load the object, check the phase is still owed, claim the ledger row, decide
 * what the ERP must get, and — after the (possibly batched) post — record
 * POSTED with the ERP's id or FAILED with the customer-facing message.
 *
 * prepareItem() reads the object and the ledger facts, asks the pure gate
 * (item-gate.ts: skip, hold, bill first, fail a blocked charge, or claim) and
 * carries out its answer (claim-item.ts: the claim and the route to an ERP id).
 * It stops before the ERP write so the syncer can batch the writes
 * of many items (postBatch); finishItem() records each result. Anything that
 * fails after the claim is recorded in the ledger, so a redelivery never finds
 * a row stuck CLAIMED; only failures before the claim ask SQS to redeliver.
 */
import type { TenantConfig } from "../config/tenant.js";
import type { ErrorCategory, Kind } from "../domain/kinds.js";
import type { RampLogger } from "../domain/logger.js";
import type { EntityNames } from "../erp/mapping/company.js";
import type { CodingContext } from "../erp/mapping/index.js";
import type { ErpPort, FoundRecord, Posting, PostResult } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import { RampApiError } from "../ramp/errors.js";
import { isObjectShapeError } from "../ramp/invalid.js";
import { settlingTransactionIds } from "./bill-phases.js";
import {
  claimAndRoute,
  done,
  failSettledCharge,
  failUnreadable,
  holdItem,
  recordFailure,
} from "./claim-item.js";
import type { CrashHook } from "./crash-points.js";
import { applicationFromBill, parseApplicationId } from "./credit-application.js";
import { classifyFailure } from "./failure.js";
import { type GateFacts, gateOf } from "./item-gate.js";
import { METRIC, type SyncMetrics } from "./metrics.js";
import type { ItemStore, LedgerItem } from "./ports.js";
import { entityOf, owedPhase, type SyncObject, syncObjectOf } from "./sync-object.js";
import type { VendorResolver } from "./vendor-creation.js";

export interface WorkItem {
  tenantId: string;
  kind: Kind;
  rampId: string;
  entityId: string | null;
  syncRequestId: string | null;
  /** The object as listed (normalised); absent → fetched by id. */
  snapshot?: unknown;
  /** A Sync Button row's deadline (epoch ms): until then transient failures are retried in seconds, not told. */
  deadline?: number | null;
}

export type ItemOutcome =
  /** POSTED in the ledger: `via` says how the ERP id was obtained. */
  | { status: "posted"; erpRef: string; via: PostedVia }
  /** `erpRef`: the row was already in the ERP (POSTED, REPORTING, MARKED) — its receipts may still be owed. */
  | { status: "skipped"; reason: string; erpRef?: string }
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
  /** Ramp's entity names (GET /entities) when known: failure messages for unmapped entities name them. */
  entityNames?: EntityNames;
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
  /** The Sync Button deadline of this batch's row, if it has one (button-retry.ts). */
  deadlineOf?: (kind: Kind, rampId: string) => number | null;
  crash?: CrashHook;
  /** Told of every object in the ERP after this batch (posted now, or found already posted): its receipts. */
  inErp?: (object: SyncObject, erpRef: string) => void;
}

/**
 * How a POSTED row got its ERP id: created now, found complete, finished (an earlier
 * attempt left it incomplete), settled by a card-paid bill's payment, or paid in the ERP.
 */
export type PostedVia = "created" | "found" | "finished" | "settled" | "paid-in-erp";

/** Where prepareItem leaves an item: done, to record with an id it already has, or to post (batched by the syncer). */
export type Prepared =
  | { kind: "done"; outcome: ItemOutcome; object?: SyncObject }
  | {
      kind: "record";
      erpRef: string;
      via: "found" | "settled" | "paid-in-erp";
      claimed: LedgerItem;
      object: SyncObject;
    }
  /** `resume`: an earlier attempt left this incomplete record; it is finished, never posted anew. */
  | {
      kind: "post";
      posting: Posting;
      resume?: FoundRecord;
      claimed: LedgerItem;
      object: SyncObject;
      /** When the claim was taken or last renewed (the syncer renews aging claims before each write). */
      claimedAt: number;
    };

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
  if (object.kind === "bill_payment") return settledChargesOf(object, base);
  return [];
}

/** The card charges a card-paid bill (or its payment) settles, as work items to fetch by id. */
export function settledChargesOf(object: SyncObject, base: Pick<WorkItem, "tenantId">): WorkItem[] {
  if (object.kind !== "bill" && object.kind !== "bill_payment") return [];
  return settlingTransactionIds(object.object).map((id) => ({
    ...base,
    kind: "transaction" as const,
    rampId: id,
    entityId: entityOf(object),
    syncRequestId: null,
  }));
}

async function loadObject(ramp: SyncRamp, item: WorkItem): Promise<SyncObject | { kind: "gone" }> {
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
    case "credit_application": {
      // Read from its bill: an application Ramp no longer shows (the credit unapplied) is gone.
      const ids = parseApplicationId(item.rampId);
      const app = ids ? applicationFromBill(await ramp.getBill(ids.billId), item.rampId) : null;
      if (!app) return { kind: "gone" };
      return { kind: "credit_application", object: app };
    }
  }
}

/** Reads the object, or says how the item ends when it cannot be read. */
async function readObject(deps: ItemDeps, item: WorkItem): Promise<SyncObject | Done> {
  try {
    deps.metrics.add(METRIC.rampCalls, "Count", item.snapshot ? 0 : 1, { route: `GET ${item.kind}` });
    const loaded = await loadObject(deps.rt.ramp, item);
    return loaded.kind === "gone" ? done({ status: "skipped", reason: "not-found" }) : loaded;
  } catch (err) {
    if (err instanceof RampApiError && err.status === 404)
      return done({ status: "skipped", reason: "not-found" });
    // Ramp answered, but with an object we cannot read: reading it again reads the same. It fails
    // on its own (claimed, FAILED needs-integrator, told to Ramp) instead of cycling through SQS.
    if (isObjectShapeError(err)) return done(await failUnreadable(deps, item, err));
    return done({
      status: "retry",
      reason: `could not read the object from Ramp: ${classifyFailure(err).detail}`,
    });
  }
}

/** The ledger facts the gate needs (item-gate.ts), read as the gate will use them. */
async function readGateFacts(store: ItemStore, tenantId: string, object: SyncObject): Promise<GateFacts> {
  if (object.kind === "credit_application") {
    const [billRow, creditRow] = await Promise.all([
      store.ledger.get(tenantId, "bill", object.object.billId),
      store.ledger.get(tenantId, "vendor_credit", object.object.creditId),
    ]);
    return { kind: "application", billRow, creditRow };
  }
  if (object.kind === "bill_payment")
    return { kind: "payment", billRow: await store.ledger.get(tenantId, "bill", object.object.id) };
  if (object.kind !== "transaction") return { kind: "none" };
  const link = await store.settlesLinks.get(tenantId, object.object.id);
  if (!link) return { kind: "none" };
  const paymentRow = await store.ledger.get(tenantId, "bill_payment", link.billId);
  // The bill's row matters only while the payment has no row of its own.
  if (paymentRow) return { kind: "settled-charge", link, paymentRow };
  return {
    kind: "settled-charge",
    link,
    paymentRow,
    billRow: await store.ledger.get(tenantId, "bill", link.billId),
  };
}

type Done = Extract<Prepared, { kind: "done" }>;

export async function prepareItem(deps: ItemDeps, item: WorkItem, recheck = true): Promise<Prepared> {
  const object = await readObject(deps, item);
  if (object.kind === "done") return object;
  const gate = gateOf(object, await readGateFacts(deps.store, item.tenantId, object));
  switch (gate.kind) {
    case "skip":
      return done({ status: "skipped", reason: gate.reason });
    case "held": {
      const held = await holdItem(deps, item, object, gate.reason);
      // What it waits for may have ended between the read and the hold: a payment that posted or
      // failed just then looked for HELD charges before this one was HELD. Read again after the
      // hold (both sides write, then read), and go on now if the wait is over.
      if (!recheck) return held;
      const again = gateOf(object, await readGateFacts(deps.store, item.tenantId, object));
      return again.kind === "held" ? held : prepareItem(deps, { ...item, snapshot: object.object }, false);
    }
    case "bill-first":
      return prepareItem(deps, { ...item, kind: "bill", snapshot: object.object });
    case "fail-charge":
      return done(await failSettledCharge(deps, item, object, gate));
    case "claim":
      return claimAndRoute(deps, item, object, gate);
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
  const rec = await deps.store.ledger.recordPosted(
    tenantId,
    kind,
    rampId,
    deps.owner,
    result.erpRef,
    claimed,
  );
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

export type { PostResult };
