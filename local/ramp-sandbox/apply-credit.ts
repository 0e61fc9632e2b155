/**
 * A vendor credit applied to a bill (the guide: "vendor credits let users apply credit memos
 * against bills"). Ramp shows it on the bill as `applied_vendor_credits[] = { id, amount }`
 * (docs/ramp-api.md §9.2, §10.5) and lowers the credit's remaining amount. How Ramp refuses a
 * bad application is not documented: the sandbox refuses another vendor's credit, another
 * currency, more than the credit has left, more than the bill still owes, and a paid bill —
 * the rules a credit memo obeys in any AP ledger. Applying one credit twice adds to its entry.
 */
import { addHistory } from "./business.js";
import { ControlError } from "./control-common.js";
import type { Bill, VendorCredit } from "./model.js";
import type { SandboxState } from "./state.js";

export function applyCredit(sb: SandboxState, bill: Bill, credit: VendorCredit, minor: number): void {
  if (!Number.isSafeInteger(minor) || minor <= 0)
    throw new ControlError(400, "amount_minor must be a positive integer");
  if (credit.vendorId !== bill.vendorId) throw new ControlError(409, "the credit is another vendor's");
  if (credit.currency !== bill.currency) throw new ControlError(409, "the credit is in another currency");
  if (bill.payStatus === "PAID") throw new ControlError(409, "bill already paid");
  if (minor > credit.remainingMinor)
    throw new ControlError(409, `the credit has ${credit.remainingMinor} minor units left`);
  const applied = bill.appliedCredits.reduce((n, c) => n + c.minor, 0);
  if (minor > bill.minor - applied)
    throw new ControlError(409, `the bill owes ${bill.minor - applied} minor units after its credits`);
  credit.remainingMinor -= minor;
  const entry = bill.appliedCredits.find((c) => c.id === credit.id);
  if (entry) entry.minor += minor;
  else bill.appliedCredits.push({ id: credit.id, minor });
  addHistory(bill, sb.clock.now(), "vendor_credit_applied", { vendor_credit_id: credit.id, minor });
}
