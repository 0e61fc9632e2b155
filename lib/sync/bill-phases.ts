/**
 * Bills are two-phase (the guide's decision table, docs/ramp-api.md, Guide "Bills"): `sync_status` together with the
 * bill's payment `status` says what is still owed to the ERP. `sync_ready` is only
 * a list filter, never a field to decide on.
 */
import type { RampBill } from "../ramp/model.js";

export type BillPhase = "bill" | "bill_payment";

/** How the payment phase posts (ARCHITECTURE posting rules). */
export type PaymentMode = "bank" | "card" | "paid_in_erp";

export function billPhases(bill: Pick<RampBill, "syncStatus" | "status">): BillPhase[] {
  switch (bill.syncStatus) {
    case "NOT_SYNCED":
      return bill.status === "PAID" ? ["bill", "bill_payment"] : ["bill"];
    case "BILL_SYNCED":
      return bill.status === "PAID" ? ["bill_payment"] : [];
    case "BILL_AND_PAYMENT_SYNCED":
      return [];
  }
}

export function paymentMode(bill: Pick<RampBill, "payment">): PaymentMode {
  const details = bill.payment?.details;
  if (details?.type === "card") return "card";
  if (details?.type === "manual" && details.manualPaymentMethod === "PAID_IN_ERP") return "paid_in_erp";
  return "bank";
}

/**
 * Card transactions that paid a card-paid bill: they must not be expensed again (the
 * expense is in the bill). The poller records a settles-link for each.
 */
export function settlingTransactionIds(bill: Pick<RampBill, "payment">): string[] {
  const details = bill.payment?.details;
  return details?.type === "card" ? [...details.transactionIds] : [];
}
