/**
 * Turns one Posting into the text of one hledger transaction, after checking it
 * against the journal index the way a real ERP would (unknown/inactive account,
 * closed period, unknown vendor/option/tax, currency). Pure: the adapter owns the
 * file, the lock and the index updates.
 */
import { allocate, currencyExponent, type Money, money } from "../../money/index.js";
import { applyRate } from "../mapping/decimal.js";
import { ErpError, type ExpenseLine, integratorError, type Posting, userError } from "../port.js";
import { splitRemoteId } from "../remote-id.js";
import type { JournalEntry } from "./entries.js";
import { escapeText, isWritablePayee, payeeName, wellFormed } from "./escape.js";
import { fxPaymentLegs } from "./fx-payment.js";
import type { JournalCompany, JournalIndex } from "./parse.js";
import {
  commodityDirective,
  formatAmount,
  INTERNAL_PAYEE,
  isCalendarDate,
  isDimensionTag,
} from "./syntax.js";

interface Leg {
  account: string;
  amount: Money;
  /** Total cost in the company currency, set by the leg itself (a foreign bill payment's payable, fx-payment.ts). */
  cost?: Money;
  tags: Array<[string, string]>;
  /** hledger posting date (a `date:` tag), e.g. when a reimbursement was paid. */
  date?: string;
}

export interface RenderedEntry {
  ref: string;
  companyKey: string;
  erpId: string;
  /** Directives the entry needs that the journal lacks (commodity, internal payee), then the transaction. */
  text: string;
  /** The directive lines of `text`, and the transaction as it must read back (user text unescaped). */
  directives: string[];
  entry: JournalEntry;
}

const KIND_LABEL: Record<Posting["kind"], string> = {
  transaction: "Card transaction",
  bill: "Bill",
  bill_payment: "Bill payment",
  reimbursement: "Reimbursement",
  transfer: "Card statement payment",
  cashback: "Cashback",
  vendor_credit: "Vendor credit",
  credit_application: "Vendor credit applied to bill",
};

export function renderPosting(ix: JournalIndex, p: Posting, seq: number): RenderedEntry {
  assertWritable(p);
  const company = ix.companies.get(p.companyKey);
  if (!company) {
    throw userError(
      "MISSING_MAPPING",
      `Company "${p.companyKey}" is not in the journal`,
      `Declare it with "; ramp-company: ${p.companyKey} | <currency> | <name>" in the journal, or link the Ramp entity to an existing company, and retry.`,
    );
  }
  assertOpen(ix, p.companyKey, p.date);
  let legs = legsOf(ix, p);
  if (p.kind === "reimbursement" && p.payment) assertOpen(ix, p.companyKey, p.payment.date);
  for (const leg of legs) {
    if (leg.amount.currency !== p.currency) {
      throw integratorError(
        "Posting amounts in mixed currencies",
        `${p.ref}: ${leg.amount.currency} amount in a ${p.currency} posting`,
      );
    }
  }
  if (legs.length < 2) throw integratorError("Posting has no lines", p.ref);
  const total = legs.reduce((a, l) => a + l.amount.minor, 0);
  if (total !== 0)
    throw new ErpError("needs_integrator", "UNBALANCED", "Unbalanced entry", {
      detail: `${p.ref}: off by ${total}`,
    });

  // A foreign bill's payment clears the payable at its booked cost and books the realised difference.
  const fxPayment =
    p.kind === "bill_payment" && p.currency !== company.currency
      ? fxPaymentLegs(
          ix,
          company,
          p,
          (id) => account(ix, id, p.companyKey),
          (f, t, d) => journalRate(ix, f, t, d),
        )
      : null;
  if (fxPayment) {
    legs = fxPayment.legs;
    const atCost = legs.reduce((a, l) => a + (l.cost ?? l.amount).minor, 0);
    if (atCost !== 0)
      throw new ErpError("needs_integrator", "UNBALANCED", "Unbalanced entry", {
        detail: `${p.ref}: off by ${atCost} ${company.currency} at cost`,
      });
  }
  const conversion = p.currency === company.currency || fxPayment ? null : convert(ix, company, p, legs);
  const costs = conversion?.costs ?? null;
  const erpId = `J${String(seq).padStart(6, "0")}`;
  const payee = payeeOf(ix, p);
  const description = wellFormed(p.memo ?? descriptionOf(p)) || KIND_LABEL[p.kind];
  const header: Array<[string, string]> = [
    ["ramp-ref", p.ref],
    ["ramp-company", p.companyKey],
  ];
  if (p.kind === "bill_payment") header.push(["ramp-bill", p.billErpId], ["ramp-method", p.method]);
  if (p.kind === "credit_application")
    header.push(["ramp-bill", p.billErpId], ["ramp-credit", p.creditErpId]);
  if (p.kind === "bill" && p.invoiceNumber) header.push(["ramp-invoice", p.invoiceNumber]);
  if (p.kind === "bill" && p.dueDate) header.push(["ramp-due", p.dueDate]);
  if (p.kind === "reimbursement") header.push(["ramp-employee", p.employeeName]);
  if (p.kind === "transaction" && p.originalAmount)
    header.push(["ramp-original", formatAmount(p.originalAmount)]);
  // The rate a foreign document was converted at, and whose it was: traceable on the entry.
  if (conversion) header.push(["ramp-fx-rate", conversion.rate], ["ramp-fx-source", conversion.source]);
  if (fxPayment) header.push(...fxPayment.tags);
  if (p.link) header.push(["ramp-link", p.link]);

  const directives: string[] = [];
  for (const c of new Set([company.currency, p.currency])) {
    if (!ix.commodities.has(c)) directives.push(commodityDirective(c));
  }
  if (payee === INTERNAL_PAYEE && !ix.payees.has(INTERNAL_PAYEE))
    directives.push(`payee ${INTERNAL_PAYEE}  ; ramp-internal: true`);
  const entry: JournalEntry = {
    date: p.date,
    code: erpId,
    payee,
    description,
    tags: header.map(([k, v]) => [k, wellFormed(v)]),
    postings: [],
  };
  const out = directives.length ? [...directives, ""] : [];
  out.push(`${p.date} * (${erpId}) ${payee} | ${escapeText(description)}  ; ${tagList(header)}`);
  legs.forEach((leg, i) => {
    const cost = leg.cost ?? costs?.[i];
    const amount = cost
      ? `${formatAmount(leg.amount)} @@ ${formatAmount(money(Math.abs(cost.minor), cost.currency))}`
      : formatAmount(leg.amount);
    const tags: Array<[string, string]> = leg.date ? [["date", leg.date], ...leg.tags] : leg.tags;
    out.push(`    ${leg.account}  ${amount}${tags.length ? `  ; ${tagList(tags)}` : ""}`);
    entry.postings.push({
      account: leg.account,
      amount,
      date: leg.date ?? p.date,
      tags: tags.map(([k, v]) => [k, wellFormed(v)]),
    });
  });
  return { ref: p.ref, companyKey: p.companyKey, erpId, text: `${out.join("\n")}\n`, directives, entry };
}

/** Tag names are ours or dimension keys (checked in expenseLegs); every value is escaped. */
const tagList = (tags: Array<[string, string]>) => tags.map(([k, v]) => `${k}:${escapeText(v)}`).join(", ");

/**
 * The parts of a posting written as hledger syntax rather than escaped text —
 * the header date, a payment's `date:` tag, the currency code — must be exactly
 * that syntax: a malformed date is a journal hledger refuses to read.
 */
function assertWritable(p: Posting): void {
  const dates = [p.date];
  if (p.kind === "reimbursement" && p.payment) dates.push(p.payment.date);
  if (!dates.every(isCalendarDate))
    throw integratorError("Posting date is not a YYYY-MM-DD calendar date", p.ref);
  if (!/^[A-Z]{3}$/.test(p.currency))
    throw integratorError("Posting currency is not a three-letter ISO code", p.ref);
}

function descriptionOf(p: Posting): string {
  switch (p.kind) {
    case "transaction":
      return `${KIND_LABEL[p.kind]}${p.merchantName ? ` ${p.merchantName}` : ""}`;
    case "reimbursement":
      return `${KIND_LABEL[p.kind]} ${p.employeeName}`;
    case "bill":
      return `${KIND_LABEL[p.kind]}${p.invoiceNumber ? ` ${p.invoiceNumber}` : ""}`;
    default:
      return KIND_LABEL[p.kind];
  }
}

/** Debit positive, credit negative; refunds come in negative and so swap sides by themselves. */
function legsOf(ix: JournalIndex, p: Posting): Leg[] {
  const acct = (id: string) => account(ix, id, p.companyKey);
  const total = (lines: ExpenseLine[]) =>
    lines.reduce((a, l) => a + l.amount.minor + (l.tax?.amount.minor ?? 0), 0);
  const neg = (m: Money) => money(m.minor === 0 ? 0 : -m.minor, m.currency);
  const cur = (minor: number) => money(minor, p.currency);
  switch (p.kind) {
    case "transaction":
      return [
        ...expenseLegs(ix, p.lines, p.companyKey, 1),
        { account: acct(p.creditAccountRemoteId), amount: cur(-total(p.lines)), tags: [] },
      ];
    case "bill":
      return [
        ...expenseLegs(ix, p.lines, p.companyKey, 1),
        { account: acct(p.payableAccountRemoteId), amount: cur(-total(p.lines)), tags: [] },
      ];
    case "vendor_credit":
      return [
        { account: acct(p.payableAccountRemoteId), amount: cur(total(p.lines)), tags: [] },
        ...expenseLegs(ix, p.lines, p.companyKey, -1),
      ];
    case "reimbursement": {
      const t = total(p.lines);
      const legs: Leg[] = [
        ...expenseLegs(ix, p.lines, p.companyKey, 1),
        { account: acct(p.payableAccountRemoteId), amount: cur(-t), tags: [] },
      ];
      if (p.payment) {
        legs.push(
          {
            account: acct(p.payableAccountRemoteId),
            amount: cur(t),
            tags: [["ramp-paid", "true"]],
            date: p.payment.date,
          },
          {
            account: acct(p.payment.bankAccountRemoteId),
            amount: cur(-t),
            tags: [["ramp-paid", "true"]],
            date: p.payment.date,
          },
        );
      }
      return legs;
    }
    case "bill_payment": {
      const bill = ix.refs.get(p.billRef);
      if (!bill || bill.erpId !== p.billErpId) {
        throw userError(
          "MISSING_BILL",
          `The bill ${p.billErpId} is not in the journal`,
          "Sync the bill first (its payment posts after it), then retry the payment.",
          `${p.billRef} → ${bill?.erpId ?? "none"}`,
        );
      }
      return [
        { account: acct(p.payableAccountRemoteId), amount: p.amount, tags: [] },
        { account: acct(p.creditAccountRemoteId), amount: neg(p.amount), tags: [] },
      ];
    }
    case "credit_application": {
      // The journal keeps one payable account per company, the vendor as payee: the application
      // moves the amount from the credit to the bill on it, each leg tagged with its document.
      for (const [ref, erpId, what] of [
        [p.billRef, p.billErpId, "bill"],
        [p.creditRef, p.creditErpId, "vendor credit"],
      ] as const) {
        const doc = ix.refs.get(ref);
        if (!doc || doc.erpId !== erpId)
          throw userError(
            "MISSING_BILL",
            `The ${what} ${erpId} is not in the journal`,
            "Sync the bill and the vendor credit first (the credit is applied after both), then retry.",
            `${ref} → ${doc?.erpId ?? "none"}`,
          );
      }
      return [
        { account: acct(p.payableAccountRemoteId), amount: p.amount, tags: [["ramp-bill", p.billErpId]] },
        {
          account: acct(p.payableAccountRemoteId),
          amount: neg(p.amount),
          tags: [["ramp-credit", p.creditErpId]],
        },
      ];
    }
    case "transfer":
    case "cashback":
      return [
        { account: acct(p.debitAccountRemoteId), amount: p.amount, tags: [] },
        { account: acct(p.creditAccountRemoteId), amount: neg(p.amount), tags: [] },
      ];
  }
}

function expenseLegs(ix: JournalIndex, lines: ExpenseLine[], companyKey: string, sign: 1 | -1): Leg[] {
  const legs: Leg[] = [];
  const signed = (m: Money) => money(sign * m.minor === 0 ? 0 : sign * m.minor, m.currency);
  for (const line of lines) {
    const tags: Array<[string, string]> = line.dimensions.map((d) => {
      const option = ix.options.get(d.optionRemoteId);
      const fieldKey = d.fieldRemoteId.replace(/^field:/, "");
      if (!option || option.companyKey !== companyKey || option.fieldKey !== fieldKey || option.inactive) {
        throw userError(
          "UNKNOWN_OPTION",
          `Unknown or inactive ${ix.fields.get(fieldKey) ?? fieldKey} option "${d.optionRemoteId}"`,
          `Choose an active ${ix.fields.get(fieldKey) ?? fieldKey} of company ${companyKey} on this line and retry.`,
        );
      }
      if (!isDimensionTag(option.fieldKey)) {
        throw userError(
          "UNKNOWN_OPTION",
          `Dimension "${option.fieldKey}" cannot be written as a journal tag`,
          `Rename the field key in its "; ramp-field:" directive to letters, digits, "_" or "-" (not date, date2, memo, tax or ramp-…), and retry.`,
        );
      }
      return [option.fieldKey, option.value];
    });
    if (line.memo) tags.push(["memo", line.memo]);
    legs.push({ account: account(ix, line.accountRemoteId, companyKey), amount: signed(line.amount), tags });
    if (line.tax && line.tax.amount.minor !== 0) {
      const tax = ix.taxes.get(line.tax.taxCodeRemoteId);
      if (!tax || tax.companyKey !== companyKey) {
        throw userError(
          "UNKNOWN_TAX",
          `Unknown tax code "${line.tax.taxCodeRemoteId}"`,
          `Choose a tax code of company ${companyKey} on this line and retry.`,
        );
      }
      legs.push({
        account: account(ix, tax.account, companyKey),
        amount: signed(line.tax.amount),
        tags: [["tax", tax.code]],
      });
    }
  }
  return legs;
}

function account(ix: JournalIndex, remoteId: string, companyKey: string): string {
  const acc = ix.accounts.get(remoteId);
  if (!acc || acc.companyKey !== companyKey) {
    throw userError(
      "UNKNOWN_ACCOUNT",
      `Account "${remoteId}" is not in the chart of company ${companyKey}`,
      `Re-code the line to an account of company ${companyKey}, or declare "${remoteId}" with an account directive in the journal, and retry.`,
    );
  }
  if (acc.inactive) {
    throw userError(
      "INACTIVE_ACCOUNT",
      `Account "${acc.name}"${acc.code ? ` (${acc.code})` : ""} is inactive`,
      `Re-code the line to an active account, or reactivate "${acc.name}" in the journal (remove its inactive tag), and retry.`,
    );
  }
  return acc.name;
}

function payeeOf(ix: JournalIndex, p: Posting): string {
  const vendorId =
    p.kind === "transaction"
      ? p.vendorRemoteId
      : p.kind === "reimbursement" || p.kind === "transfer" || p.kind === "cashback"
        ? null
        : p.vendorRemoteId;
  if (!vendorId) return INTERNAL_PAYEE;
  const split = splitRemoteId(vendorId);
  const payee = split ? ix.payees.get(split.local) : undefined;
  if (
    !split ||
    !payee ||
    split.companyKey !== p.companyKey ||
    (payee.companyKey && payee.companyKey !== p.companyKey)
  ) {
    throw userError(
      "UNKNOWN_VENDOR",
      `Vendor "${vendorId}" is not in the journal`,
      `Choose a vendor of company ${p.companyKey}, or declare it with a payee directive, and retry.`,
    );
  }
  // a hand-written payee with `|` or a line break would name another payee in an entry header
  if (!isWritablePayee(payee.name)) {
    throw userError(
      "UNKNOWN_VENDOR",
      `Vendor "${payeeName(payee.name)}" cannot be written in a journal entry`,
      "Rename the payee in the journal (no | or control characters), link the vendor again in Ramp, and retry.",
    );
  }
  return payee.name;
}

function assertOpen(ix: JournalIndex, companyKey: string, date: string): void {
  const closed = ix.closedThrough.get(companyKey);
  if (closed && date <= closed) {
    const period = date.slice(0, 7);
    throw userError(
      "CLOSED_PERIOD",
      `Accounting period ${period} is closed`,
      `The books of ${companyKey} are closed through ${closed}. Reopen ${period} (move the "; ramp-closed-through:" directive before ${date}) or change the accounting date, and retry.`,
    );
  }
}

/**
 * Converts the legs at the journal's latest rate on or before the posting date.
 * Each side's company-currency total is the converted document total, spread over
 * the side's legs so that the entry balances exactly at cost.
 */
function convert(
  ix: JournalIndex,
  company: JournalCompany,
  p: Posting,
  legs: Leg[],
): { costs: Money[]; rate: string; source: "ramp" | "journal" } {
  // fx.policy ramp-rates: a bill is booked at the rate Ramp applied, not the journal's.
  const rampRate = p.kind === "bill" ? (p.rampRate ?? null) : null;
  const rate = rampRate ?? journalRate(ix, p.currency, company.currency, p.date);
  const scale = currencyExponent(company.currency) - currencyExponent(p.currency);
  const debit = legs.filter((l) => l.amount.minor > 0).reduce((a, l) => a + l.amount.minor, 0);
  const converted = applyRate(debit, rate, scale);
  const result: Money[] = legs.map(() => money(0, company.currency));
  for (const side of [1, -1]) {
    const idx = legs.map((l, i) => (Math.sign(l.amount.minor) === side ? i : -1)).filter((i) => i >= 0);
    const weights = idx.map((i) => Math.abs(legs[i]?.amount.minor ?? 0));
    const parts = allocate(money(converted, company.currency), weights).map((m) => m.minor);
    idx.forEach((i, k) => {
      result[i] = money(side * (parts[k] ?? 0), company.currency);
    });
  }
  return { costs: result, rate, source: rampRate ? "ramp" : "journal" };
}

/** The journal's latest `from`→`to` price on or before `date`; a missing one is user-actionable. */
function journalRate(ix: JournalIndex, from: string, to: string, date: string): string {
  const price = ix.prices
    .filter((x) => x.from === from && x.to === to && x.date <= date)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .at(-1);
  if (!price) {
    throw userError(
      "UNSUPPORTED_CURRENCY",
      `No ${from}→${to} exchange rate in the journal`,
      `Add a price directive "P ${date} ${from} <rate> ${to}" to the journal, or post in ${to}, and retry.`,
    );
  }
  return price.rate;
}
