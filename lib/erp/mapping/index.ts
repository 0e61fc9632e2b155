/** Ramp coding → ERP postings (pure). See postings.ts for the per-kind mappers. */

export {
  type CodingContext,
  codingContextFromSurface,
  effectiveSelections,
  expenseLines,
  lineAmounts,
} from "./coding.js";
export { assertOwnedBy, resolveCompany } from "./company.js";
export { postingDate } from "./dates.js";
export { applyRate, includedTax } from "./decimal.js";
export {
  mapBill,
  mapBillPayment,
  mapCashback,
  mapCreditApplication,
  mapReimbursement,
  mapTransaction,
  mapTransfer,
  mapVendorCredit,
  type TransactionMappingOptions,
} from "./postings.js";
