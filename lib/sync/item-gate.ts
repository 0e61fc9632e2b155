/**
 * The gate of one work item (ARCHITECTURE steps 1–2), pure: given the object as
 * Ramp has it and the few ledger facts that relate to it, is the phase still
 * owed, must it wait for a related object, or is it claimed — and once claimed,
 * how does it get its ERP id (post, settled by a card payment, paid in the ERP,
 * or a failure that says why). process-item.ts reads the facts and carries out
 * the decision.
 *
 * The gate does not ask Ramp whether an object's coding is still active before it is posted,
 * though Ramp refuses to mark synced an object coded to a deleted item (INACTIVE_CODING, the
 * guide's delete-vs-hide table). Selections carry no is_active, so asking would cost a chart read
 * per batch; and Ramp deletes an item only when coa-push found it gone or inactive in the ERP, so
 * the adapter's own check refuses the posting before anything is written (UNKNOWN_ACCOUNT,
 * INACTIVE_ACCOUNT, UNKNOWN_OPTION, UNKNOWN_TAX) and the failure is told to Ramp for that object
 * alone — Ramp accepts failures whatever the coding. What is left, an item deleted in Ramp by
 * hand while the ERP still has it, is Ramp's refusal: reporter.ts leaves the id out, logs it
 * and counts it for a person to look at.
 */
import type { RampBill } from "../ramp/model.js";
import { paymentMode, settlingTransactionIds } from "./bill-phases.js";
import type { AdoptRequest, LedgerItem, SettlesLink } from "./ports.js";
import { billErpIdOf, entityOf, owedPhase, postedRef, type SyncObject, syncObjectOf } from "./sync-object.js";

/** The ledger facts the gate decides on, read by process-item.readGateFacts. */
export type GateFacts =
  | { kind: "none" }
  /** A bill payment: its bill phase's row. */
  | { kind: "payment"; billRow: LedgerItem | undefined }
  /** A credit applied to a bill: the bill phase's row and the credit's. */
  | { kind: "application"; billRow: LedgerItem | undefined; creditRow: LedgerItem | undefined }
  /**
   * A card charge a card-paid bill's payment settles: the payment's row, and the bill's
   * row when the payment has none yet (read only when the payment is not posted).
   */
  | {
      kind: "settled-charge";
      link: SettlesLink;
      paymentRow: LedgerItem | undefined;
      billRow?: LedgerItem | undefined;
    };

/** How a claimed item gets its ERP id. */
export type Route =
  | { kind: "post"; billErpId?: string; creditErpId?: string }
  /** Ramp shows the bill synced but holds no ERP id for it: the payment fails and says why. */
  | { kind: "bill-unknown" }
  /** Settled by its bill's card payment: recorded with the payment's ERP id, nothing posted. */
  | { kind: "settled"; erpRef: string }
  /** Paid in the ERP already: recorded with the ERP's payment (else the bill's id). */
  | { kind: "paid-in-erp"; billErpId: string };

export type Gate =
  | { kind: "skip"; reason: string }
  /** Not claimed: waits for a related object. */
  | { kind: "held"; reason: string }
  /** A payment whose bill phase is still owed: the bill goes first (its completion chains the payment). */
  | { kind: "bill-first" }
  /** A card charge whose settling payment failed in a way a person must fix: it fails too, saying why. */
  | { kind: "fail-charge"; billId: string; blocker: LedgerItem }
  | {
      kind: "claim";
      route: Route;
      /** Before the claim: mirror Ramp's "bill synced" in the ledger (MARKED, synced elsewhere). */
      adoptBill?: Omit<AdoptRequest, "tenantId" | "kind">;
      /** Before the claim: the card charges this payment settles. */
      link?: { billId: string; transactionIds: string[] };
    };

// A transient failure is retried by the ledger's own rules; only failures a person must fix block.
const stuck = (r: LedgerItem | undefined): r is LedgerItem =>
  r?.state === "FAILED" && r.category !== "transient";

/** The failed row that keeps a settled charge's payment from posting by itself, if any. */
export function settlementBlocker(paymentRow: LedgerItem | undefined, billRow: LedgerItem | undefined) {
  if (paymentRow) return stuck(paymentRow) ? paymentRow : null;
  return stuck(billRow) ? billRow : null;
}

export function gateOf(object: SyncObject, facts: GateFacts): Gate {
  const owed = owedPhase(object);
  if (!owed.owed) return { kind: "skip", reason: owed.reason };
  if (object.kind === "bill_payment" && facts.kind === "payment") return paymentGate(object, facts.billRow);
  if (object.kind === "transaction" && facts.kind === "settled-charge") return settledChargeGate(facts);
  if (object.kind === "credit_application" && facts.kind === "application")
    return applicationGate(object.object.bill, facts);
  return { kind: "claim", route: { kind: "post" } };
}

function paymentGate(
  object: Extract<SyncObject, { kind: "bill_payment" }>,
  billRow: LedgerItem | undefined,
): Gate {
  const bill = object.object;
  const billErpId = billErpIdOf(billRow, bill);
  if (!billErpId) {
    if (owedPhase(syncObjectOf("bill", bill)).owed) return { kind: "bill-first" };
    if (bill.syncStatus === "NOT_SYNCED") return { kind: "held", reason: "the bill is not in the ERP yet" };
  }
  const settled = settlingTransactionIds(bill);
  let route: Route = { kind: "post", ...(billErpId ? { billErpId } : {}) };
  if (!billErpId) route = { kind: "bill-unknown" };
  else if (paymentMode(bill) === "paid_in_erp") route = { kind: "paid-in-erp", billErpId };
  return {
    kind: "claim",
    route,
    // Exported before us (or elsewhere): adopt the bill as MARKED, so this payment's report
    // (success or failure) is not held for a bill we will never report ourselves.
    ...(bill.syncStatus !== "NOT_SYNCED" && billRow?.state !== "MARKED"
      ? { adoptBill: { rampId: bill.id, erpRef: billErpId, entityId: entityOf(object) ?? undefined } }
      : {}),
    ...(settled.length ? { link: { billId: bill.id, transactionIds: settled } } : {}),
  };
}

function settledChargeGate(facts: Extract<GateFacts, { kind: "settled-charge" }>): Gate {
  const erpRef = postedRef(facts.paymentRow);
  if (erpRef) return { kind: "claim", route: { kind: "settled", erpRef } };
  // Held only while the payment can still post by itself; once it failed in a way only a
  // person can fix, the charge fails too and says why, instead of waiting unseen forever.
  const blocker = settlementBlocker(facts.paymentRow, facts.billRow);
  if (blocker) return { kind: "fail-charge", billId: facts.link.billId, blocker };
  return {
    kind: "held",
    reason: `paid a card-paid bill (${facts.link.billId}) whose payment is not posted yet`,
  };
}

/** A credit application waits, HELD, until the bill and the credit are both in the ERP. */
function applicationGate(bill: RampBill, facts: Extract<GateFacts, { kind: "application" }>): Gate {
  const billErpId = billErpIdOf(facts.billRow, bill);
  const creditErpId = postedRef(facts.creditRow);
  if (!billErpId) return { kind: "held", reason: "the bill is not in the ERP yet" };
  if (!creditErpId) return { kind: "held", reason: "the vendor credit is not in the ERP yet" };
  return { kind: "claim", route: { kind: "post", billErpId, creditErpId } };
}
