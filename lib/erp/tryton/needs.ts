/**
 * What a batch of postings refers to, by Tryton id, collected before anything is
 * read, so Refs.load (refs.ts) fetches each model once for the whole batch.
 * Malformed or other companies' remote ids are skipped here: they are reported,
 * with a user-actionable message, when the posting is built (Refs' checks).
 */
import type { Posting } from "../port.js";
import { parseRemoteId } from "./ids.js";
import type { CompanyInfo } from "./refs.js";

/** Ids a batch of postings needs, collected before anything is read. */
export class Needs {
  accounts = new Set<number>();
  options = new Set<number>();
  taxes = new Set<number>();
  parties = new Set<number>();
  dates = new Set<string>();
  /** date → foreign currency codes needing a rate on that date. */
  rates = new Map<string, Set<string>>();
}

/** Adds what `p` needs (accounts, departments, taxes, parties, periods, rates) to `needs`. */
export function collectNeeds(p: Posting, company: CompanyInfo, needs: Needs): void {
  const add = (set: Set<number>, remote: string | null | undefined) => {
    const parsed = remote ? parseRemoteId(remote) : null;
    if (parsed?.companyKey === company.key) set.add(parsed.id);
  };
  const rate = (date: string, currency: string) => {
    if (currency === company.currency) return;
    const s = needs.rates.get(date) ?? new Set<string>();
    s.add(currency);
    needs.rates.set(date, s);
  };
  needs.dates.add(p.date);
  rate(p.date, p.currency);
  const lines = "lines" in p ? p.lines : [];
  for (const l of lines) {
    add(needs.accounts, l.accountRemoteId);
    for (const d of l.dimensions) add(needs.options, d.optionRemoteId);
    add(needs.taxes, l.tax?.taxCodeRemoteId);
  }
  switch (p.kind) {
    case "transaction":
      add(needs.accounts, p.creditAccountRemoteId);
      if (p.originalAmount) rate(p.date, p.originalAmount.currency);
      break;
    case "bill":
    case "vendor_credit":
      add(needs.accounts, p.payableAccountRemoteId);
      add(needs.parties, p.vendorRemoteId);
      break;
    case "bill_payment":
      add(needs.accounts, p.creditAccountRemoteId);
      add(needs.accounts, p.fxGainLossAccountRemoteId);
      break;
    case "reimbursement":
      add(needs.accounts, p.payableAccountRemoteId);
      if (p.payment) {
        add(needs.accounts, p.payment.bankAccountRemoteId);
        needs.dates.add(p.payment.date);
        rate(p.payment.date, p.currency);
      }
      break;
    case "transfer":
    case "cashback":
      add(needs.accounts, p.debitAccountRemoteId);
      add(needs.accounts, p.creditAccountRemoteId);
      break;
  }
}
