/**
 * Rows Tryton returned for findMany → the port's record summaries, pure. What a
 * record means is read back from how the adapter writes it:
 * - an invoice (bill, reimbursement, vendor credit): its total in its own currency;
 *   a vendor credit is written with negated lines (invoices.ts, sign −1), so its
 *   Ramp amount is minus the total; accounts are those of its `line` lines;
 * - a card transaction move (moves.ts transactionDraft): expense and tax lines, then
 *   the card liability line holding minus the gross total (in the second currency
 *   when the document is foreign); accounts are the expense lines' (tax lines, which
 *   carry a `tax`-type tax line, excluded);
 * - a two-line move (transfer, cashback; a bill payment's or a reimbursement's
 *   `#payment` move, payments.ts): the debit line first, holding the amount.
 * Lines are created in that order in one call, so ascending ids keep it. A move keyed
 * by hand in another order (Tryton's own Duplicate copies lines newest first, as
 * account.move.line orders by id descending) is read as if in ours: its counter line
 * is taken for an expense line. Nothing in a move says which line was the counter.
 */
import { parseExternalRef } from "../../domain/kinds.js";
import { fromMajor, type Money, money } from "../../money/index.js";
import type { ErpRecordSummary, RecordState } from "../port.js";
import { erpRef, remoteId } from "./ids.js";
import type { CompanyInfo } from "./refs.js";

export interface InvoiceRow {
  id: number;
  reference: string;
  state: string;
  total_amount: string;
  "currency.": { code: string };
}
export interface InvoiceLineRow {
  id: number;
  invoice: number;
  account: number | null;
}
export interface MoveRow {
  id: number;
  description: string;
  state: string;
}
export interface MoveLineRow {
  id: number;
  move: number;
  account: number;
  debit: string;
  credit: string;
  amount_second_currency: string | null;
  "second_currency.": { code: string } | null;
}

/** Judged on the record alone, as `find` without a posting does (completeness.ts). */
const stateOf = (trytonState: string): RecordState =>
  trytonState === "draft" || trytonState === "validated" ? "draft" : "complete";

const negate = (m: Money) => money(m.minor === 0 ? 0 : -m.minor, m.currency);

const accountsOf = (company: CompanyInfo, ids: (number | null)[]) =>
  [...new Set(ids.filter((id): id is number => id !== null).map((id) => remoteId(company.key, id)))].sort();

export function invoiceSummary(
  company: CompanyInfo,
  inv: InvoiceRow,
  lines: readonly InvoiceLineRow[],
): ErpRecordSummary {
  // A draft holds what Tryton computed so far: one killed before its tax fix-up lacks Ramp's tax.
  const total = fromMajor(inv.total_amount, inv["currency."].code);
  const kind = parseExternalRef(inv.reference)?.kind;
  return {
    ref: inv.reference,
    erpId: erpRef("account.invoice", inv.id),
    companyKey: company.key,
    state: stateOf(inv.state),
    amount: kind === "vendor_credit" ? negate(total) : total,
    accountRemoteIds: accountsOf(
      company,
      lines.map((l) => l.account),
    ),
  };
}

/** A move line's amount in the document's currency: its second currency when it has one. */
function lineAmount(company: CompanyInfo, l: MoveLineRow): Money {
  const second = l["second_currency."];
  if (second && l.amount_second_currency !== null) return fromMajor(l.amount_second_currency, second.code);
  const debit = fromMajor(l.debit, company.currency).minor;
  const credit = fromMajor(l.credit, company.currency).minor;
  return money(debit - credit, company.currency);
}

/** `lines`: the move's lines in id order; `taxLines`: ids of its lines that are tax lines. */
export function moveSummary(
  company: CompanyInfo,
  move: MoveRow,
  lines: readonly MoveLineRow[],
  taxLines: ReadonlySet<number>,
): ErpRecordSummary {
  const summary = {
    ref: move.description,
    erpId: erpRef("account.move", move.id),
    companyKey: company.key,
    state: stateOf(move.state),
  };
  const kind = parseExternalRef(move.description)?.kind;
  const payment = move.description.endsWith("#payment");
  if (kind === "transaction" && !payment) {
    const counter = lines.at(-1);
    const expense = lines.slice(0, -1).filter((l) => !taxLines.has(l.id));
    return {
      ...summary,
      amount: counter ? negate(lineAmount(company, counter)) : null,
      accountRemoteIds: accountsOf(
        company,
        expense.map((l) => l.account),
      ),
    };
  }
  if (payment || kind === "transfer" || kind === "cashback" || kind === "bill_payment") {
    const debit = lines[0];
    return {
      ...summary,
      amount: debit ? lineAmount(company, debit) : null,
      accountRemoteIds: debit ? accountsOf(company, [debit.account]) : [],
    };
  }
  // Not a move of ours (a kind we write as an invoice, or no Ramp ref): nothing to read into it.
  return { ...summary, amount: null, accountRemoteIds: [] };
}
