/**
 * The Ramp object behind one work item, and the pure decisions taken on it
 * before and after the claim: is this phase still owed, what does the ERP id of
 * a related phase come from, and which Posting it becomes (ARCHITECTURE posting
 * rules). No I/O here; process-item.ts does the effects.
 */
import type { TenantConfig } from "../config/tenant.js";
import { fingerprintOf } from "../domain/fingerprint.js";
import type { Kind } from "../domain/kinds.js";
import {
  type CodingContext,
  mapBill,
  mapBillPayment,
  mapCashback,
  mapCreditApplication,
  mapReimbursement,
  mapTransaction,
  mapTransfer,
  mapVendorCredit,
} from "../erp/mapping/index.js";
import type { Posting } from "../erp/port.js";
import type {
  RampBill,
  RampCashback,
  RampReimbursement,
  RampTransaction,
  RampTransfer,
  RampVendorCredit,
} from "../ramp/model.js";
import { billPhases } from "./bill-phases.js";
import type { CreditApplication } from "./credit-application.js";
import type { LedgerItem } from "./ports.js";

export type SyncObject =
  | { kind: "transaction"; object: RampTransaction }
  | { kind: "bill"; object: RampBill }
  | { kind: "bill_payment"; object: RampBill }
  | { kind: "reimbursement"; object: RampReimbursement }
  | { kind: "transfer"; object: RampTransfer }
  | { kind: "cashback"; object: RampCashback }
  | { kind: "vendor_credit"; object: RampVendorCredit }
  | { kind: "credit_application"; object: CreditApplication };

/** Pairs a kind with a snapshot or fetched object (the snapshot is already normalised by the poller). */
export function syncObjectOf(kind: Kind, object: unknown): SyncObject {
  return { kind, object } as SyncObject;
}

export const entityOf = (o: SyncObject): string | null => o.object.entityId ?? null;

/**
 * Fields that change because *we* reported the object (or Ramp progressed it)
 * do not count as "the user changed it" — otherwise every report would reset
 * the failure cool-down.
 */
const VOLATILE = ["syncStatus", "syncedAt", "remoteId", "deepLinkUrl", "requiresAccountingVendorCreation"];

export const fingerprintFor = (o: SyncObject) => fingerprintOf(o.object, VOLATILE);

/**
 * The ledger fingerprint of an object Ramp sent in a shape we cannot read: its
 * summary (lib/ramp/invalid.ts). Poller and syncer both compute it, so an unchanged
 * broken object is not retried before its cool-down while a changed one (another
 * problem, or the object fixed) is.
 */
export const invalidFingerprint = (summary: string) => fingerprintOf({ invalid: summary });

/**
 * The ledger fingerprint of a card charge held by its bill payment's failure: it names the
 * failed row's attempt, so the charge is told once per failure of the payment, not every poll.
 * Attempts, not rev: reporting the payment's failure to Ramp moves its rev but is no new failure.
 */
export const blockedChargeFingerprint = (
  charge: SyncObject,
  blocker: Pick<LedgerItem, "kind" | "rampId" | "attempts" | "category">,
) =>
  fingerprintOf({
    charge: fingerprintFor(charge),
    blockedBy: `${blocker.kind}#${blocker.rampId}#${blocker.attempts}#${blocker.category}`,
  });

export type Owed = { owed: true } | { owed: false; reason: "already-synced" | "not-ready" | "phase-done" };

/**
 * Whether this phase is still owed to the ERP according to Ramp. Bills follow
 * the decision table (sync_status × payment status); the rest their sync_status.
 * An object Ramp already shows SYNCED was exported elsewhere: posting it would
 * duplicate that export.
 */
export function owedPhase(o: SyncObject): Owed {
  switch (o.kind) {
    case "bill":
    case "bill_payment":
      return billPhases(o.object).includes(o.kind) ? { owed: true } : { owed: false, reason: "phase-done" };
    case "vendor_credit":
    case "credit_application":
      return { owed: true };
    default: {
      const s = o.object.syncStatus;
      if (s === "SYNCED") return { owed: false, reason: "already-synced" };
      if (s === "NOT_SYNC_READY") return { owed: false, reason: "not-ready" };
      return { owed: true };
    }
  }
}

/** Rows whose ERP record exists (their `erpRef` is final). */
export function postedRef(row: LedgerItem | undefined): string | null {
  if (!row?.erpRef) return null;
  return row.state === "POSTED" || row.state === "REPORTING" || row.state === "MARKED" ? row.erpRef : null;
}

/**
 * The bill's ERP id, which the payment phase needs: our own ledger first, else
 * the reference Ramp holds for a bill already BILL_SYNCED (exported earlier).
 */
export function billErpIdOf(billRow: LedgerItem | undefined, bill: RampBill): string | null {
  const own = postedRef(billRow);
  if (own) return own;
  return bill.syncStatus !== "NOT_SYNCED" && bill.remoteId ? bill.remoteId : null;
}

export interface MappingExtras {
  /** bill_payment: the bill's ERP id. */
  billErpId?: string;
  /** credit_application: the ERP ids of the bill and of the credit. */
  creditErpId?: string;
  /** transaction: the vendor matched or created on sync. */
  vendorRemoteId?: string | null;
}

/** The Posting for this object (throws ErpError user-actionable on unmapped entity or coding). */
export function postingFor(
  o: SyncObject,
  cfg: TenantConfig,
  ctx: CodingContext,
  extras: MappingExtras = {},
): Posting {
  switch (o.kind) {
    case "transaction":
      return mapTransaction(o.object, cfg, ctx, { vendorRemoteId: extras.vendorRemoteId ?? null });
    case "bill":
      return mapBill(o.object, cfg, ctx);
    case "bill_payment":
      if (!extras.billErpId) throw new Error(`bill_payment ${o.object.id}: the bill's ERP id is required`);
      return mapBillPayment(o.object, extras.billErpId, cfg, ctx);
    case "reimbursement":
      return mapReimbursement(o.object, cfg, ctx);
    case "transfer":
      return mapTransfer(o.object, cfg);
    case "cashback":
      return mapCashback(o.object, cfg);
    case "vendor_credit":
      return mapVendorCredit(o.object, cfg, ctx);
    case "credit_application":
      if (!extras.billErpId || !extras.creditErpId)
        throw new Error(
          `credit_application ${o.object.id}: the bill's and the credit's ERP ids are required`,
        );
      return mapCreditApplication(o.object, { bill: extras.billErpId, credit: extras.creditErpId }, cfg, ctx);
  }
}

/** Bills before their payments, payments before the card transactions they settle, then the rest. */
const ORDER: Record<Kind, number> = {
  bill: 0,
  bill_payment: 1,
  transaction: 2,
  reimbursement: 3,
  transfer: 3,
  cashback: 3,
  vendor_credit: 3,
  // After the bill and the credit it joins (both posted by the time it is claimed).
  credit_application: 4,
};
export const processingOrder = (a: { kind: Kind }, b: { kind: Kind }) => ORDER[a.kind] - ORDER[b.kind];

/** What support types in to find the whole story: the ledger row's id. */
export const ledgerReference = (tenantId: string, kind: Kind, rampId: string) =>
  `${tenantId}/${kind}/${rampId}`;
