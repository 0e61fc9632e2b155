/**
 * Journal entries (account.move) for card transactions, transfers, cashbacks
 * and payments, built from postings and already-checked references.
 *
 * Amounts: every line is first an integer of company-currency minor units,
 * debit positive. A refund (negative amount) therefore lands on the other side
 * by construction. The counter line takes minus the sum of the converted lines,
 * so the entry always balances even when conversion rounds each line.
 * Foreign documents carry `second_currency` / `amount_second_currency` with the
 * sign of debit − credit (docs/tryton.md pitfall 21).
 */
import { allocate, type Money, money, toMajorString } from "../../money/index.js";
import type { CardTransactionPosting, CashbackPosting, ExpenseLine, TransferPosting } from "../port.js";
import type { Refs } from "./refs.js";
import { tagDate, tagDecimal } from "./wire.js";

export interface LineSpec {
  account: number;
  /** Company-currency minor units, debit positive. */
  minor: number;
  second: { currencyId: number; money: Money } | null;
  party?: number;
  description?: string | null;
  analytic?: number[];
  taxLines?: { tax: number; type: "base" | "tax"; minor: number }[];
}

function moveLineValues(spec: LineSpec, companyCurrency: string, date: string): Record<string, unknown> {
  const amount = (minor: number) => tagDecimal(toMajorString(money(Math.abs(minor), companyCurrency)));
  const signed = (minor: number) => tagDecimal(toMajorString(money(minor, companyCurrency)));
  const zero = tagDecimal(toMajorString(money(0, companyCurrency)));
  const debit = spec.minor > 0 ? amount(spec.minor) : zero;
  const credit = spec.minor < 0 ? amount(spec.minor) : zero;
  const values: Record<string, unknown> = { account: spec.account, debit, credit };
  if (spec.description) values.description = spec.description.slice(0, 250);
  if (spec.party !== undefined) values.party = spec.party;
  if (spec.second && spec.second.money.minor !== 0) {
    const m = spec.second.money;
    // Tryton insists the second-currency sign follows debit − credit.
    const sameSign = Math.sign(m.minor) === Math.sign(spec.minor) || spec.minor === 0;
    values.second_currency = spec.second.currencyId;
    values.amount_second_currency = tagDecimal(toMajorString(sameSign ? m : money(-m.minor, m.currency)));
  }
  if (spec.analytic?.length) {
    values.analytic_lines = [
      ["create", spec.analytic.map((account) => ({ account, debit, credit, date: tagDate(date) }))],
    ];
  }
  if (spec.taxLines?.length) {
    values.tax_lines = [
      ["create", spec.taxLines.map((t) => ({ tax: t.tax, type: t.type, amount: signed(t.minor) }))],
    ];
  }
  return values;
}

export interface MoveDraft {
  journal: number;
  period: number;
  date: string;
  ref: string;
  lines: LineSpec[];
}

export function moveValues(d: MoveDraft, refs: Refs): Record<string, unknown> {
  const total = d.lines.reduce((s, l) => s + l.minor, 0);
  if (total !== 0) throw new Error(`internal: unbalanced move for ${d.ref} (${total})`);
  return {
    company: refs.company.id,
    journal: d.journal,
    period: d.period,
    date: tagDate(d.date),
    description: d.ref,
    lines: [["create", d.lines.map((l) => moveLineValues(l, refs.company.currency, d.date))]],
  };
}

/**
 * Expense lines (net + separate tax line, departments as analytic lines, the
 * tax code as tax lines) in company minor units. `second` gives each line's
 * second-currency amount, or null.
 */
function expenseSpecs(
  lines: readonly ExpenseLine[],
  date: string,
  refs: Refs,
  toCompany: (minor: number) => number,
  second: (index: number, part: "net" | "tax", amount: Money) => LineSpec["second"],
): LineSpec[] {
  const specs: LineSpec[] = [];
  lines.forEach((line, i) => {
    const account = refs.account(line.accountRemoteId, date);
    const analytic = line.dimensions.map((d) => refs.option(d.optionRemoteId).id);
    const net = toCompany(line.amount.minor);
    const tax = line.tax ? refs.tax(line.tax.taxCodeRemoteId) : null;
    specs.push({
      account: account.id,
      minor: net,
      second: second(i, "net", line.amount),
      description: line.memo,
      analytic,
      ...(tax ? { taxLines: [{ tax: tax.id, type: "base" as const, minor: net }] } : {}),
    });
    if (line.tax && tax) {
      const taxMinor = toCompany(line.tax.amount.minor);
      const taxAccountId =
        (taxMinor < 0 ? tax.credit_note_account : tax.invoice_account) ?? tax.invoice_account;
      if (taxAccountId === null) throw new Error(`tax ${tax.name} has no account`);
      // The tax's own account is the accountant's configuration; it is not re-checked here.
      specs.push({
        account: taxAccountId,
        minor: taxMinor,
        second: second(i, "tax", line.tax.amount),
        description: tax.name,
        taxLines: [{ tax: tax.id, type: "tax", minor: taxMinor }],
      });
    }
  });
  return specs;
}

export function transactionDraft(p: CardTransactionPosting, refs: Refs, journal: number): MoveDraft {
  const period = refs.period(p.date);
  const foreign = p.currency !== refs.company.currency;
  const toCompany = refs.converter(p.currency, p.date);
  const liability = refs.account(p.creditAccountRemoteId, p.date);
  // The merchant-currency amount goes to the expense side as second currency when the
  // card amount is in the company currency (Tryton has room for one second currency).
  // It is information only: a merchant currency Tryton does not know is kept as text
  // in the description rather than failing the whole posting.
  const merchant =
    !foreign && p.originalAmount && p.originalAmount.currency !== p.currency ? p.originalAmount : null;
  const original = merchant && refs.hasCurrency(merchant.currency) ? merchant : null;
  const gross = p.lines.flatMap((l) => [l.amount.minor, l.tax?.amount.minor ?? 0]);
  const originalParts = original ? allocate(original, gross) : null;
  const docCurrencyId = foreign
    ? refs.currencyId(p.currency)
    : original
      ? refs.currencyId(original.currency)
      : 0;
  const specs = expenseSpecs(p.lines, p.date, refs, toCompany, (i, part, amount) => {
    if (foreign) return { currencyId: docCurrencyId, money: amount };
    const m = originalParts?.[i * 2 + (part === "tax" ? 1 : 0)];
    return m ? { currencyId: docCurrencyId, money: m } : null;
  });
  const docTotal = p.lines.reduce((s, l) => s + l.amount.minor + (l.tax?.amount.minor ?? 0), 0);
  const asText = merchant && !original ? `${toMajorString(merchant)} ${merchant.currency}` : null;
  const info = [p.merchantName, p.memo, asText, p.link].filter(Boolean).join(" | ");
  specs.push({
    account: liability.id,
    minor: -specs.reduce((s, l) => s + l.minor, 0),
    second: foreign ? { currencyId: docCurrencyId, money: money(-docTotal, p.currency) } : null,
    description: info || null,
  });
  return { journal, period: period.id, date: p.date, ref: p.ref, lines: specs };
}

/** Two-line entry: debit one account, credit the other (transfer, cashback). */
export function twoLineDraft(p: TransferPosting | CashbackPosting, refs: Refs, journal: number): MoveDraft {
  const period = refs.period(p.date);
  const foreign = p.currency !== refs.company.currency;
  const minor = refs.converter(p.currency, p.date)(p.amount.minor);
  const debit = refs.account(p.debitAccountRemoteId, p.date);
  const credit = refs.account(p.creditAccountRemoteId, p.date);
  const second = (m: number) =>
    foreign ? { currencyId: refs.currencyId(p.currency), money: money(m, p.currency) } : null;
  const info = [p.memo, p.link].filter(Boolean).join(" | ") || null;
  return {
    journal,
    period: period.id,
    date: p.date,
    ref: p.ref,
    lines: [
      { account: debit.id, minor, second: second(p.amount.minor), description: info },
      { account: credit.id, minor: -minor, second: second(-p.amount.minor), description: info },
    ],
  };
}
