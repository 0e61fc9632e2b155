/**
 * Reads a tenant journal into the index the adapter works from: the declared
 * chart, payees, dimensions, taxes, closed periods, prices and every ramp-ref
 * already posted (idempotency). Line-based on purpose: we only need directives at
 * column 0 and transaction header lines, never hledger's full grammar.
 */

import { fromMajor, type Money } from "../../money/index.js";
import { splitRemoteId } from "../remote-id.js";
import { decodeText } from "./escape.js";
import { parseTags } from "./syntax.js";

export interface JournalCompany {
  key: string;
  currency: string;
  name: string;
}
export interface JournalAccount {
  name: string;
  companyKey: string;
  code: string | null;
  /** hledger account type letter (A L E R X C V) when declared. */
  type: string | null;
  rampClass: string | null;
  inactive: boolean;
}
export interface JournalPayee {
  name: string;
  /** null: shared by every company of the file. */
  companyKey: string | null;
  /** `; code: V-100` on the directive: the vendor code matched with Ramp's `external_vendor_id`. */
  code: string | null;
  internal: boolean;
}
export interface JournalOption {
  companyKey: string;
  fieldKey: string;
  value: string;
  code: string | null;
  inactive: boolean;
}
export interface JournalTax {
  companyKey: string;
  code: string;
  rate: string;
  account: string;
  name: string;
}
export interface JournalPrice {
  date: string;
  from: string;
  to: string;
  rate: string;
}
export interface BillCostLeg {
  account: string;
  /** Document-currency quantity, signed as written. */
  amount: Money;
  /** Its total cost in the company currency, positive as written after `@@`. */
  cost: Money;
}
export interface PostedEntry {
  erpId: string;
  companyKey: string;
}

export interface JournalIndex {
  companies: Map<string, JournalCompany>;
  accounts: Map<string, JournalAccount>;
  payees: Map<string, JournalPayee>;
  fields: Map<string, string>;
  options: Map<string, JournalOption>;
  taxes: Map<string, JournalTax>;
  closedThrough: Map<string, string>;
  commodities: Set<string>;
  prices: JournalPrice[];
  refs: Map<string, PostedEntry>;
  /** bill erpId → erpId of the payment that settled it. */
  billPayments: Map<string, string>;
  /**
   * A foreign bill's legs written at a cost (`-1000.00 EUR @@ 1085.00 USD`), by the bill's ref:
   * what its payable was booked at in the company currency, which its payment clears
   * (the realised FX difference is measured against it, README "Currency").
   */
  billCosts: Map<string, BillCostLeg[]>;
  /** The bill entry whose posting lines are being read (indexLine is line by line); internal. */
  openBill: string | null;
  /** Highest `(J000123)` sequence seen; new entries continue from it. */
  lastSeq: number;
}

export function emptyIndex(): JournalIndex {
  return {
    companies: new Map(),
    accounts: new Map(),
    payees: new Map(),
    fields: new Map(),
    options: new Map(),
    taxes: new Map(),
    closedThrough: new Map(),
    commodities: new Set(),
    prices: [],
    refs: new Map(),
    billPayments: new Map(),
    billCosts: new Map(),
    openBill: null,
    lastSeq: 0,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

/** Splits `text  ; comment` at the first `;`. */
function splitComment(rest: string): { body: string; comment: string } {
  const i = rest.indexOf(";");
  return i < 0
    ? { body: rest.trim(), comment: "" }
    : { body: rest.slice(0, i).trim(), comment: rest.slice(i + 1) };
}

const fields = (s: string) => s.split("|").map((p) => p.trim());

export function parseJournal(text: string): JournalIndex {
  const ix = emptyIndex();
  // hledger ends a line at a lone CR too
  for (const line of text.split(/\r\n|\n|\r/)) indexLine(ix, line);
  return ix;
}

/** Adds one line to the index (also used for the lines the adapter appends itself). */
export function indexLine(ix: JournalIndex, raw: string): void {
  const line = raw.replace(/\r$/, "");
  if (ix.openBill && /^[ \t]+\S/.test(line)) {
    indexBillCost(ix, ix.openBill, line);
    return;
  }
  ix.openBill = null;
  if (line.startsWith("; ramp-") || line.startsWith("# ramp-")) {
    indexRampDirective(ix, line.slice(2));
    return;
  }
  if (line.startsWith("account ")) {
    const { body, comment } = splitComment(line.slice(8));
    const name = body.split(/ {2}|\t/)[0]?.trim() ?? "";
    const split = splitRemoteId(name);
    if (!split) return; // accounts outside any company tree are not offered to Ramp
    const tags = parseTags(comment);
    ix.accounts.set(name, {
      name,
      companyKey: split.companyKey,
      code: tags.get("code") || null,
      type: tags.get("type")?.slice(0, 1).toUpperCase() || null,
      rampClass: tags.get("ramp-class") || null,
      inactive: (tags.get("inactive") ?? "false") !== "false",
    });
    return;
  }
  if (line.startsWith("payee ")) {
    const { body, comment } = splitComment(line.slice(6));
    const tags = parseTags(comment);
    ix.payees.set(body, {
      name: body,
      companyKey: tags.get("company") || null,
      code: tags.get("code") || null,
      internal: tags.has("ramp-internal"),
    });
    return;
  }
  if (line.startsWith("commodity ")) {
    const m = /([A-Z]{3})\s*$/.exec(splitComment(line.slice(10)).body);
    if (m?.[1]) ix.commodities.add(m[1]);
    return;
  }
  if (line.startsWith("P ")) {
    const m = /^P (\d{4}-\d{2}-\d{2})\s+([A-Z]{3})\s+(\d+(?:\.\d+)?)\s*([A-Z]{3})/.exec(line);
    if (m) ix.prices.push({ date: m[1] ?? "", from: m[2] ?? "", rate: m[3] ?? "", to: m[4] ?? "" });
    return;
  }
  if (DATE.test(line)) {
    const code = /^\S+\s+(?:[*!]\s+)?\(([^)]*)\)/.exec(line)?.[1] ?? null;
    // entry tag values are escaped user text (escape.ts); directives are hand-written and read as is
    const tags = new Map([...parseTags(splitComment(line).comment)].map(([k, v]) => [k, decodeText(v)]));
    const ref = tags.get("ramp-ref");
    const seq = code ? /^J(\d+)$/.exec(code)?.[1] : undefined;
    if (seq) ix.lastSeq = Math.max(ix.lastSeq, Number(seq));
    if (ref && code) {
      ix.refs.set(ref, { erpId: code, companyKey: tags.get("ramp-company") ?? "" });
      if (ref.startsWith("ramp:bill:")) {
        ix.openBill = ref;
        ix.billCosts.delete(ref);
      }
      const bill = tags.get("ramp-bill");
      if (bill) ix.billPayments.set(bill, code);
    }
  }
}

/** A posting line of a bill with a total cost: `    <account>  <qty> <CUR> @@ <cost> <CUR>  ; tags`. */
function indexBillCost(ix: JournalIndex, ref: string, line: string): void {
  const m = /^[ \t]+(\S.*?)(?: {2,}|\t)\s*(-?\d+(?:\.\d+)?) ([A-Z]{3}) @@ (\d+(?:\.\d+)?) ([A-Z]{3})/.exec(
    line,
  );
  if (!m) return;
  try {
    const leg = {
      account: (m[1] ?? "").trim(),
      amount: fromMajor(m[2] ?? "", m[3] ?? ""),
      cost: fromMajor(m[4] ?? "", m[5] ?? ""),
    };
    const legs = ix.billCosts.get(ref) ?? [];
    legs.push(leg);
    ix.billCosts.set(ref, legs);
  } catch {
    // a hand-written amount with more decimals than its currency: not one of ours, not a cost we clear
  }
}

function indexRampDirective(ix: JournalIndex, directive: string): void {
  const m = /^(ramp-[a-z-]+):\s*(.*)$/.exec(directive);
  if (!m) return;
  const p = fields(m[2] ?? "");
  switch (m[1]) {
    case "ramp-company": {
      const [key = "", currency = "", ...name] = p;
      if (key && currency) ix.companies.set(key, { key, currency, name: name.join(" | ") || key });
      return;
    }
    case "ramp-closed-through": {
      const [key = "", date = ""] = p;
      if (key && DATE.test(date)) ix.closedThrough.set(key, date);
      return;
    }
    case "ramp-field": {
      const [key = "", name = ""] = p;
      if (key) ix.fields.set(key, name || key);
      return;
    }
    case "ramp-option": {
      const [companyKey = "", fieldKey = "", value = "", code = "", flag = ""] = p;
      if (companyKey && fieldKey && value) {
        ix.options.set(`${companyKey}:${fieldKey}/${value}`, {
          companyKey,
          fieldKey,
          value,
          code: code || null,
          inactive: flag === "inactive",
        });
      }
      return;
    }
    case "ramp-tax": {
      const [companyKey = "", code = "", rate = "", account = "", name = ""] = p;
      if (companyKey && code && /^\d+(\.\d+)?$/.test(rate)) {
        ix.taxes.set(`${companyKey}:tax/${code}`, { companyKey, code, rate, account, name: name || code });
      }
      return;
    }
  }
}
