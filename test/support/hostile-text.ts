/**
 * fast-check arbitraries for user text aimed at the journal's syntax: any Unicode
 * code point, but weighted towards what hledger or our reader give meaning to
 * (separators, brackets, tags, dates, amounts, line breaks, odd spaces, escapes,
 * lone surrogates) — uniform code points almost never hit those.
 */
import fc from "fast-check";

const SYNTAX = [";", "|", ",", "[", "]", ":", "%", "=", "@", "*", "#", "(", ")", "!", "~", '"', "\\", "&"];
const SPACES = [
  " ",
  "  ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\v",
  "\f",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\u3000",
];
const FORMAT = [
  "\ufeff",
  "\u202e",
  "\u2066",
  "\u200d",
  "\u200c",
  "\u00ad",
  "\u0000",
  "\u007f",
  "\ud800",
  "\udc00",
];
const WORDS = [
  "date:",
  "date2:",
  "ramp-ref:",
  "ramp-company:",
  "memo:",
  "tax:",
  "2019-01-01",
  "1/2",
  "25/12",
  "=2019-02-02",
  "-999.00 USD",
  "@@ 1 EUR",
  "%25",
  "%3B",
  "%e2%80",
  "%",
  "J000001",
  "; ramp-company: evil | USD | Evil",
  "\n    demo:Assets:Bank:Operating  -1.00 USD",
];

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SYNTAX) },
  { weight: 3, arbitrary: fc.constantFrom(...SPACES) },
  { weight: 1, arbitrary: fc.constantFrom(...FORMAT) },
  { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 99 }).map(String) },
);

/** Arbitrary user text, up to `maxLength` pieces long. */
export const hostileText = (maxLength = 24) => fc.string({ unit, maxLength });
