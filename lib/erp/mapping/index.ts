/** Ramp coding → ERP postings (pure). See postings.ts for the per-kind mappers. */

export {
  type CodingContext,
  codingContextFromSurface,
  effectiveSelections,
  expenseLines,
  lineAmounts,
  roleOf,
  selectedVendor,
} from "./coding.js";
export { assertOwnedBy, resolveCompany } from "./company.js";
export { dateOnly, postingDate } from "./dates.js";
export { applyRate, divRoundHalfEven, includedTax, parseRate } from "./decimal.js";
export {
  mapBill,
  mapBillPayment,
  mapCashback,
  mapReimbursement,
  mapTransaction,
  mapTransfer,
  mapVendorCredit,
  type TransactionMappingOptions,
} from "./postings.js";
