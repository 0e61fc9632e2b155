/**
 * The journal's text conventions, in one place: how ramp metadata is written in
 * an hledger file and how remote ids are formed. hledger ignores top-level
 * comment lines, so everything hledger has no directive for lives in
 * `; ramp-<what>: a | b | c` comment directives; everything it does have
 * (accounts, payees, commodities, prices) uses the real directive so
 * `hledger check -s payees` validates it.
 *
 *   ; ramp-company: acme | USD | Acme Inc          a company = a top-level account tree `acme:`
 *   ; ramp-closed-through: acme | 2025-12-31        books closed through that date (inclusive)
 *   ; ramp-field: department | Department           a coding dimension, written as a posting tag
 *   ; ramp-option: acme | department | Engineering | ENG     an option of it (optional code, `inactive`)
 *   ; ramp-tax: acme | GST10 | 0.10 | acme:Liabilities:GST Payable | GST 10%
 *   account acme:Expenses:Meals  ; type: X, code: 6100[, inactive: true][, ramp-class: CREDCARD]
 *   payee Office Depot  ; company: acme              (no company tag = every company)
 *   payee Acme, Inc.  ; code: V-100                  (the vendor code, matched with Ramp's external_vendor_id)
 *   P 2026-01-01 EUR 1.0850 USD                       the journal's exchange rate
 *
 * Companies are separate top-level account trees in one file (not one file per
 * company), so one tenant = one journal and hledger reports can still span them.
 * Entries: `DATE * (J000123) Payee | description  ; ramp-ref:ramp:<kind>:<id>, ramp-company:<key>`;
 * the transaction code `J000123` is the erpId Ramp gets (stable, sequential per file).
 * Dimensions are posting tags (`department:Sales`), taxes separate postings tagged `tax:CODE`.
 * Foreign documents are converted at the latest `P` rate on or before the posting
 * date and recorded with an `@@` total cost in the company currency (balances at
 * cost are exact); without a rate they are refused as UNSUPPORTED_CURRENCY.
 *
 * User text in entries (the description after `|`, every tag value: memos,
 * employee and merchant names, invoice numbers, links, option values) is
 * %-escaped so hledger never reads it as a date, tag, comment, line or amount;
 * payee names are canonicalised instead. Why and how: escape.ts. Our readers
 * decode tag values of entries (parse.ts, entries.ts); hand-written directives are
 * read as written. After every batch the adapter reads the appended text back and
 * runs hledger check (verify.ts, adapter readBack).
 *
 * Remote ids: an account's remote id is its full hledger name (`acme:Expenses:Meals`,
 * the company key is its first component); vendor `acme:<payee>`; field `field:<key>`;
 * option `acme:<field key>/<value>`; tax code `acme:tax/<CODE>`, tax rate `acme:taxrate/<CODE>`.
 */
import { currencyExponent, type Money, toMajorString } from "../../money/index.js";

export const INTERNAL_PAYEE = "Ramp";

export const vendorRemoteId = (companyKey: string, payee: string) => `${companyKey}:${payee}`;
export const fieldRemoteId = (fieldKey: string) => `field:${fieldKey}`;
export const optionRemoteId = (companyKey: string, fieldKey: string, value: string) =>
  `${companyKey}:${fieldKey}/${value}`;
export const taxCodeRemoteId = (companyKey: string, code: string) => `${companyKey}:tax/${code}`;
export const taxRateRemoteId = (companyKey: string, code: string) => `${companyKey}:taxrate/${code}`;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in hledger's `YYYY-MM-DD` form (2026-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/**
 * A dimension key becomes a posting tag name: hledger reads `date`/`date2` as the
 * posting's date, and memo/tax/ramp-* are ours, so those (and anything that is not
 * a plain word) are refused rather than written.
 */
export function isDimensionTag(key: string): boolean {
  return /^[\p{L}\p{N}_-]+$/u.test(key) && !/^(date2?|memo|tax|ramp-.*)$/i.test(key);
}

/** `12.34 USD`, `-500 JPY`: the commodity after the number, precision from ISO-4217. */
export function formatAmount(m: Money): string {
  return `${toMajorString(m)} ${m.currency}`;
}

/** A commodity directive hledger 1.25 accepts (it insists on a decimal mark, even for JPY). */
export function commodityDirective(currency: string): string {
  const exp = currencyExponent(currency);
  return `commodity 1000.${"0".repeat(exp)} ${currency}`;
}

/** Haskell's isSpace (what hledger splits tag names and strips values by); NBSP and Zs count. */
const HS_SPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/;

/**
 * hledger's tags of one comment, in order, values as written (not decoded):
 * a tag name is the last space-separated word before a `:`, its value runs to the
 * next `,` or line end (hledger-lib commenttagsp). Reading them exactly like hledger matters:
 * the adapter checks what hledger will see, not what we meant to write.
 */
export function tagPairs(comment: string): Array<[string, string]> {
  const tags: Array<[string, string]> = [];
  let rest = comment;
  for (;;) {
    const colon = rest.indexOf(":");
    if (colon < 0) return tags;
    const name = rest.slice(0, colon).split(HS_SPACE).at(-1) ?? "";
    rest = rest.slice(colon + 1);
    if (!name) continue;
    const end = rest.search(/[,\n]/);
    tags.push([name, stripHs(end < 0 ? rest : rest.slice(0, end))]);
    rest = end < 0 ? "" : rest.slice(end + 1);
  }
}

const stripHs = (s: string) => {
  let a = 0;
  let b = s.length;
  while (a < b && HS_SPACE.test(s.charAt(a))) a++;
  while (b > a && HS_SPACE.test(s.charAt(b - 1))) b--;
  return s.slice(a, b);
};

/**
 * Tags of a comment by name. The first occurrence wins, like hledger's own tag
 * lookups, so a tag appended after ours (which escaping already prevents) could
 * never replace the `ramp-ref` we wrote first.
 */
export function parseTags(comment: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const [k, v] of tagPairs(comment)) if (!tags.has(k)) tags.set(k, v);
  return tags;
}
