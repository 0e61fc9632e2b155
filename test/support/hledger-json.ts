/**
 * The journal as the real hledger reads it (`hledger print -O json`): an oracle
 * independent of our own parser, for what hledger takes as each posting's date,
 * the tags it sees and the description text.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface HledgerPosting {
  account: string;
  /** The posting's date as hledger computes it (its own date, else the transaction's). */
  date: string;
  /** The posting's own tags (see ACCOUNT_TAGS). */
  tags: Array<[string, string]>;
  /** Amounts as `12.34 USD`, at the precision written; cost annotations left out. */
  amounts: string[];
}
export interface HledgerTransaction {
  code: string;
  date: string;
  description: string;
  tags: Array<[string, string]>;
  postings: HledgerPosting[];
}

interface JsonAmount {
  acommodity: string;
  aquantity: { decimalMantissa: number; decimalPlaces: number };
}
interface JsonPosting {
  paccount: string;
  pdate: string | null;
  ptags: Array<[string, string]>;
  pamount: JsonAmount[];
}
interface JsonTransaction {
  tcode: string;
  tdate: string;
  tdescription: string;
  ttags: Array<[string, string]>;
  tpostings: JsonPosting[];
}

/**
 * Tags hledger copies onto every posting from its account's directive (the demo
 * chart declares these); left out so a posting shows the tags its own line has.
 */
const ACCOUNT_TAGS = new Set(["type", "code", "ramp-class", "inactive"]);

const amountText = (a: JsonAmount) => {
  const { decimalMantissa: m, decimalPlaces: p } = a.aquantity;
  const digits = String(Math.abs(m)).padStart(p + 1, "0");
  const int = digits.slice(0, digits.length - p);
  const frac = p ? `.${digits.slice(digits.length - p)}` : "";
  return `${m < 0 ? "-" : ""}${int}${frac} ${a.acommodity}`;
};

/** Every transaction of the file; rejects (with hledger's message) when hledger cannot read it. */
export async function hledgerTransactions(path: string): Promise<HledgerTransaction[]> {
  const { stdout } = await run("hledger", ["-f", path, "print", "-O", "json"], { maxBuffer: 1 << 28 });
  return (JSON.parse(stdout) as JsonTransaction[]).map((t) => ({
    code: t.tcode,
    date: t.tdate,
    description: t.tdescription,
    tags: t.ttags,
    postings: t.tpostings.map((p) => ({
      account: p.paccount,
      date: p.pdate ?? t.tdate,
      tags: p.ptags.filter(([k]) => !ACCOUNT_TAGS.has(k)),
      amounts: p.pamount.map(amountText),
    })),
  }));
}
