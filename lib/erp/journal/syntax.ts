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

/** Splits `acme:rest` into its company key and the rest; null when there is no colon. */
export function splitRemoteId(id: string): { companyKey: string; local: string } | null {
  const i = id.indexOf(":");
  if (i <= 0) return null;
  return { companyKey: id.slice(0, i), local: id.slice(i + 1) };
}

/**
 * Free text (memos, payee names, tag values) made safe for one hledger line:
 * no newlines, no `;` (starts a comment), no `,` in tag values (ends a tag),
 * no runs of spaces (two spaces end an account name or description).
 */
export function cleanText(text: string, opts: { tagValue?: boolean } = {}): string {
  let t = text.replace(/[\r\n\t;]+/g, " ");
  if (opts.tagValue) t = t.replace(/,/g, " ");
  return t.replace(/ {2,}/g, " ").trim();
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

/** Parses `key: value, key2: value2` hledger tags from a comment. */
export function parseTags(comment: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const m of comment.matchAll(/(?:^|[\s,])([^\s,:]+):[ \t]*([^,]*)/g)) {
    tags.set(m[1] ?? "", (m[2] ?? "").trim());
  }
  return tags;
}
