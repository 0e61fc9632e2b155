/**
 * The journal's findMany, pure: the file's text in, a summary of every entry under
 * each wanted reference out (reconciliation). Every entry counts — a second entry
 * under one `ramp-ref` (one added by hand) is a second summary, never merged.
 *
 * What an entry means is read back from how render.ts writes it (legsOf): debit
 * positive, the Ramp object's sign carried by the legs themselves, so
 * - transaction, bill, reimbursement: expense (and `tax:`) legs, then the counter leg
 *   (card liability / payable) holding minus the document total; a reimbursement Ramp
 *   paid adds two `ramp-paid` legs after it;
 * - vendor credit: the payable leg first, holding the total, then the expense legs;
 * - bill payment, transfer, cashback: the debit leg first, holding the amount.
 * Amounts are the legs' own (document currency), before any `@@` cost.
 */
import { type Kind, parseExternalRef } from "../../domain/kinds.js";
import { fromMajor, type Money, money } from "../../money/index.js";
import type { ErpRecordSummary, RecordState } from "../port.js";
import { tornTail } from "./batch-frame.js";
import { type EntryPosting, type JournalEntry, readEntries } from "./entries.js";

type Wanted = readonly { ref: string; companyKey: string }[];

/** Summaries of the entries under each wanted ref (keyed by ref; refs without entries absent). */
export function summariesOf(text: string, wanted: Wanted): Map<string, ErpRecordSummary[]> {
  const want = new Set(wanted.map((w) => key(w.ref, w.companyKey)));
  const askedUnder = new Map(wanted.map((w) => [w.ref, w.companyKey]));
  const torn = tornTail(text);
  const bytes = Buffer.from(text);
  // A batch a kill cut off is not in the books: its entries are `partial`, as find says.
  const books = torn ? bytes.subarray(0, torn.offset).toString("utf8") : text;
  const tail = torn ? bytes.subarray(torn.offset).toString("utf8") : "";
  const out = new Map<string, ErpRecordSummary[]>();
  const add = (entries: JournalEntry[], state: RecordState) => {
    for (const e of entries) {
      const ref = tag(e.tags, "ramp-ref");
      // A torn header may end before its company tag; find matches a torn ref by the ref alone.
      const companyKey =
        tag(e.tags, "ramp-company") ?? (state === "partial" && ref ? askedUnder.get(ref) : "");
      if (!ref || companyKey === undefined || !want.has(key(ref, companyKey))) continue;
      const list = out.get(ref) ?? [];
      list.push(summaryOf(e, ref, companyKey, state));
      out.set(ref, list);
    }
  };
  add(readEntries(books).entries, "complete");
  add(readEntries(tail).entries, "partial");
  return out;
}

const key = (ref: string, companyKey: string) => `${companyKey}\u0000${ref}`;

/** hledger's tag lookup: the first occurrence wins (syntax.ts parseTags). */
const tag = (tags: Array<[string, string]>, name: string) => tags.find(([k]) => k === name)?.[1];

export function summaryOf(
  e: JournalEntry,
  ref: string,
  companyKey: string,
  state: RecordState,
): ErpRecordSummary {
  const { amount, expense } = readLegs(parseExternalRef(ref)?.kind ?? null, e.postings);
  return {
    ref,
    // An entry written by hand without a `(code)` has no id we could have reported.
    erpId: e.code,
    companyKey,
    state,
    amount,
    accountRemoteIds: [...new Set(expense.map((p) => p.account))].sort(),
  };
}

/** The document total (signed like the Ramp object) and the legs the expense lines hit. */
function readLegs(
  kind: Kind | null,
  legs: EntryPosting[],
): { amount: Money | null; expense: EntryPosting[] } {
  const isTax = (p: EntryPosting) => p.tags.some(([k]) => k === "tax");
  // A torn entry may lack its last legs: its total is unknown unless what is there balances.
  if (!balances(legs)) return { amount: null, expense: [] };
  switch (kind) {
    case "transaction":
    case "bill":
    case "reimbursement": {
      const own = legs.filter((p) => !p.tags.some(([k]) => k === "ramp-paid"));
      const counter = own.at(-1);
      const total = counter ? amountOf(counter) : null;
      return {
        amount: total && money(total.minor === 0 ? 0 : -total.minor, total.currency),
        expense: own.slice(0, -1).filter((p) => !isTax(p)),
      };
    }
    case "vendor_credit": {
      const [payable, ...rest] = legs;
      return { amount: payable ? amountOf(payable) : null, expense: rest.filter((p) => !isTax(p)) };
    }
    case "bill_payment":
    case "transfer":
    case "cashback": {
      const debit = legs[0];
      return { amount: debit ? amountOf(debit) : null, expense: debit ? [debit] : [] };
    }
    default:
      return { amount: null, expense: [] };
  }
}

/** A leg's amount in its own commodity (`-12.34 USD`, `10.00 EUR @@ 10.85 USD` → 10.00 EUR); null when not ours. */
function amountOf(p: EntryPosting): Money | null {
  const m = /^(-?\d+(?:\.\d+)?) ([A-Z]{3})(?:\s|$)/.exec(p.amount);
  if (!m) return null;
  try {
    return fromMajor(m[1] as string, m[2] as string);
  } catch {
    return null;
  }
}

/** Do the legs sum to zero in every commodity (each leg's own amount, costs aside)? */
function balances(legs: EntryPosting[]): boolean {
  const sums = new Map<string, number>();
  for (const p of legs) {
    const a = amountOf(p);
    if (!a) return false;
    sums.set(a.currency, (sums.get(a.currency) ?? 0) + a.minor);
  }
  return legs.length >= 2 && [...sums.values()].every((s) => s === 0);
}
