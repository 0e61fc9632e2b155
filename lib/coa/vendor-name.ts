/**
 * The one spelling of a vendor name that vendor matching compares: "Acme, Inc.",
 * "ACME Inc" and "Acmé" all read "acme". Legal-form suffixes go because the ERP
 * and Ramp rarely agree on them (the ERP holds the legal name, Ramp the trading
 * one); they never decide between two suppliers on their own.
 */

/** Trailing legal forms, compared after punctuation is gone ("S.A." → "sa", "Pty. Ltd." → "pty ltd"). */
const LEGAL_SUFFIXES = new Set([
  "inc",
  "incorporated",
  "llc",
  "llp",
  "lp",
  "ltd",
  "limited",
  "gmbh",
  "ag",
  "kg",
  "sa",
  "sas",
  "sarl",
  "bv",
  "nv",
  "plc",
  "corp",
  "corporation",
  "co",
  "company",
  "pty",
  "srl",
  "spa",
  "oy",
  "ab",
  "as",
  "kk",
  "pte",
  "pvt",
]);

export function normaliseVendorName(name: string): string {
  const words = name
    .normalize("NFKD")
    // Accents are marks after NFKD: "é" → "e".
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    // Dots and apostrophes join ("A.C.M.E." → "acme", "O'Neil" → "oneil"); other punctuation separates.
    .replace(/[.'’]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  // Strip suffixes from the end, but never the whole name: a vendor called "Company" stays "company".
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1] as string)) words.pop();
  return words.join(" ");
}
