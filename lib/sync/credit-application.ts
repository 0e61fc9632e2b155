/**
 * A vendor credit applied to a bill in Ramp (the bill's `applied_vendor_credits[]`,
 * docs/ramp-api.md §10.5) is one more thing the ERP must hold: the credit memo set against the
 * bill's invoice. It is its own kind, `credit_application`, one per (bill, credit) pair, so the
 * ledger books each exactly once like every other posting — a replay finds the row MARKED (Ramp
 * has no sync type for it, like vendor credits: the ledger is its record) and the adapters look
 * its reference up before writing.
 *
 * It posts only once both sides are in the ERP: the bill's bill phase and the credit. Until then
 * it is HELD (item-gate.ts) and the next listing of the bill enqueues it again. Ramp's docs are
 * silent on when an applied credit changes the bill's sync state; we assume it does not, so the
 * application reaches the ERP the next time the bill is in a ready list (at the latest with its
 * payment phase, which then pays the bill less the credit). Pure.
 */
import type { Money } from "../money/index.js";
import type { RampBill } from "../ramp/model.js";

export interface CreditApplication {
  /** `<bill id>~<credit id>`: the ledger's rampId and the work message's snapshot id. */
  id: string;
  billId: string;
  creditId: string;
  entityId: string | null;
  amount: Money;
  /** The bill as listed: its vendor, company and dates. */
  bill: RampBill;
}

const SEP = "~";

export const applicationId = (billId: string, creditId: string) => `${billId}${SEP}${creditId}`;

export function parseApplicationId(id: string): { billId: string; creditId: string } | null {
  const i = id.indexOf(SEP);
  if (i <= 0 || i === id.length - 1) return null;
  return { billId: id.slice(0, i), creditId: id.slice(i + 1) };
}

/** The credits applied to one bill, each an application. */
export function applicationsOf(bill: RampBill): CreditApplication[] {
  return (bill.appliedVendorCredits ?? []).map((c) => ({
    id: applicationId(bill.id, c.id),
    billId: bill.id,
    creditId: c.id,
    entityId: bill.entityId,
    amount: c.amount,
    bill,
  }));
}

/** The application `id` names, read from a freshly fetched bill; null when Ramp no longer shows it. */
export function applicationFromBill(bill: RampBill, id: string): CreditApplication | null {
  return applicationsOf(bill).find((a) => a.id === id) ?? null;
}
