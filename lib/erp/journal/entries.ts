/**
 * Reads transactions back in full — header, every posting, tags decoded, each
 * posting's effective date as hledger computes it — so the adapter can check
 * that what it appended means exactly what it rendered. parse.ts only indexes
 * what the adapter needs for the next post; this reader is for verification.
 */
import { decodeText } from "./escape.js";
import { tagPairs } from "./syntax.js";

export interface EntryPosting {
  account: string;
  /** The amount text as written, e.g. `-12.34 USD` or `10.00 EUR @@ 10.85 USD`. */
  amount: string;
  /** The date hledger gives this posting: a bracketed date, else its `date:` tag, else the entry's. */
  date: string;
  /** Tags of the posting's comment, values decoded. */
  tags: Array<[string, string]>;
}

export interface JournalEntry {
  /** The header's date field as written (a `=date2` would show here too). */
  date: string;
  code: string;
  payee: string;
  /** After the first `|`, decoded. */
  description: string;
  tags: Array<[string, string]>;
  postings: EntryPosting[];
}

export interface JournalChunk {
  entries: JournalEntry[];
  /**
   * Non-blank lines that are not a transaction header or posting: directives,
   * top-level comments, and indented comment lines (we never write those, so one
   * showing up means text broke out of its line).
   */
  others: string[];
}

/** hledger's "looks like a bracketed date" (digits, `-` `/` `.` separators, `=`): it then insists on parsing one. */
const BRACKETED_DATE = /\[[0-9\-/.=]+\]/;
/** hledger ends a line at LF and at a lone CR. */
const LINE_BREAK = /\r\n|\n|\r/;

export function readEntries(text: string): JournalChunk {
  const entries: JournalEntry[] = [];
  const others: string[] = [];
  let entry: JournalEntry | null = null;
  let comments: string[] = [];
  let last: { posting: EntryPosting; comments: string[] } | null = null;
  const finish = () => {
    if (last) settle(last.posting, last.comments, entry?.date ?? "");
    last = null;
  };
  for (const line of text.split(LINE_BREAK)) {
    if (line.trim() === "") {
      finish();
      entry = null;
      continue;
    }
    if (/^\s/.test(line) && entry) {
      const body = line.trim();
      if (body.startsWith(";")) {
        // an indented comment line belongs to the posting above it, or to the transaction
        others.push(line);
        (last ? last.comments : comments).push(body.slice(1));
        if (!last) entry.tags = decodeTags(comments);
        continue;
      }
      finish();
      const { head, comment } = splitAtSemicolon(body);
      const [account = "", ...amount] = head.split(/ {2,}|\t/);
      const posting: EntryPosting = { account, amount: amount.join("  ").trim(), date: "", tags: [] };
      entry.postings.push(posting);
      last = { posting, comments: comment === null ? [] : [comment] };
      continue;
    }
    finish();
    entry = null;
    const header = /^(\d\S*)\s+(?:[*!]\s*)?(?:\(([^)]*)\))?\s*(.*)$/.exec(line);
    if (!header) {
      others.push(line);
      continue;
    }
    const { head, comment } = splitAtSemicolon(header[3] ?? "");
    const bar = head.indexOf("|");
    comments = comment === null ? [] : [comment];
    entry = {
      date: header[1] ?? "",
      code: header[2] ?? "",
      payee: (bar < 0 ? head : head.slice(0, bar)).trim(),
      description: bar < 0 ? "" : decodeText(head.slice(bar + 1).trim()),
      tags: decodeTags(comments),
      postings: [],
    };
    entries.push(entry);
  }
  finish();
  return { entries, others };
}

function settle(posting: EntryPosting, comments: string[], entryDate: string): void {
  posting.tags = decodeTags(comments);
  const bracket = comments.map((c) => BRACKETED_DATE.exec(c)?.[0]).find(Boolean);
  const dateTag = comments.flatMap(tagPairs).find(([k]) => k === "date")?.[1];
  // a bracketed date wins in hledger; we never write one, so reporting it raw is enough to differ
  posting.date = bracket ?? dateTag ?? entryDate;
}

const decodeTags = (comments: string[]): Array<[string, string]> =>
  comments.flatMap(tagPairs).map(([k, v]) => [k, decodeText(v)]);

function splitAtSemicolon(s: string): { head: string; comment: string | null } {
  const i = s.indexOf(";");
  return i < 0 ? { head: s.trim(), comment: null } : { head: s.slice(0, i).trim(), comment: s.slice(i + 1) };
}
