/**
 * A card transaction posting on the demo journal's USD company (local/demo-journal.ts):
 * Meals against the Ramp card, the shape the journal adapter's tests post by the hundred.
 */
import type { CardTransactionPosting } from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";

export const demoCardPosting = (
  rampId: string,
  minor: number,
  memo = `coffee ${rampId}`,
): CardTransactionPosting => ({
  kind: "transaction",
  ref: `ramp:transaction:${rampId}`,
  rampId,
  companyKey: "demo",
  date: "2026-04-02",
  currency: "USD",
  memo,
  link: null,
  lines: [
    {
      accountRemoteId: "demo:Expenses:Meals",
      amount: money(minor, "USD"),
      tax: null,
      dimensions: [],
      memo: null,
    },
  ],
  creditAccountRemoteId: "demo:Liabilities:Ramp Card",
  vendorRemoteId: null,
  merchantName: null,
  originalAmount: null,
});
