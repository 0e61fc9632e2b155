/**
 * The read-back half of the adapter's safety net: does the text just appended
 * read back, with the adapter's own reader, as exactly the entries that were
 * rendered — same directives, same entries in order, same ref, legs, amounts,
 * tags, and every posting on its intended date? Escaping (escape.ts) is meant to
 * make this always true; this check is what makes a gap in it a failed batch
 * instead of a journal that silently says something else.
 *
 * Problems name fields, never their values: values are user text, and error
 * details end up in logs and support tickets.
 */
import { isDeepStrictEqual } from "node:util";
import { type ErpError, integratorError } from "../port.js";
import { type JournalEntry, readEntries } from "./entries.js";
import type { JournalIndex } from "./parse.js";
import type { RenderedEntry } from "./render.js";

export interface ReadBack {
  /** Problems of the batch as a whole (extra or missing lines/entries). */
  batch: string[];
  /** Problems per rendered entry, by ref; only entries with problems appear. */
  entries: Map<string, string[]>;
}

/** `chunk`: the appended bytes as text; `index`: the whole file re-parsed after the append. */
export function verifyAppend(
  chunk: string,
  index: JournalIndex,
  rendered: readonly RenderedEntry[],
): ReadBack {
  const read = readEntries(chunk);
  const batch: string[] = [];
  const entries = new Map<string, string[]>();
  const directives = rendered.flatMap((r) => r.directives);
  if (!isDeepStrictEqual(read.others, directives))
    batch.push(`${read.others.length} non-entry lines read back, ${directives.length} written`);
  if (read.entries.length !== rendered.length)
    batch.push(`${read.entries.length} entries read back, ${rendered.length} written`);
  rendered.forEach((r, i) => {
    const problems = entryDiff(r.entry, read.entries[i]);
    const indexed = index.refs.get(r.ref);
    if (!isDeepStrictEqual(indexed, { erpId: r.erpId, companyKey: r.companyKey }))
      problems.push("ref indexed as another entry");
    if (problems.length) entries.set(r.ref, problems);
  });
  return { batch, entries };
}

function entryDiff(want: JournalEntry, got: JournalEntry | undefined): string[] {
  if (!got) return ["entry missing"];
  const problems: string[] = [];
  for (const field of ["date", "code", "payee", "description", "tags"] as const) {
    if (!isDeepStrictEqual(want[field], got[field])) problems.push(field);
  }
  if (want.postings.length !== got.postings.length)
    problems.push(`${got.postings.length} postings instead of ${want.postings.length}`);
  want.postings.forEach((w, k) => {
    const g = got.postings[k];
    if (!g) return;
    for (const field of ["account", "amount", "date", "tags"] as const) {
      if (!isDeepStrictEqual(w[field], g[field])) problems.push(`posting ${k + 1} ${field}`);
    }
  });
  return problems;
}

export interface FailedBatch {
  rendered: readonly RenderedEntry[];
  /** Line of the journal where the batch began (it is gone after the rollback; for finding it in backups/logs). */
  firstLine: number;
  /** null when the batch was truncated away; else the fs error code, and the entries are still in the file. */
  rollbackFailure: string | null;
}
export type BatchFailure =
  | { kind: "read-back"; found: ReadBack }
  | { kind: "hledger"; line: number | null; brokenBefore: boolean };

/**
 * One error per object of a failed batch. needs_integrator: nothing the finance
 * user changes in Ramp fixes a renderer gap or a broken journal file. The title
 * says which net caught it; the detail names refs, ids, fields and line numbers
 * only (no user text, no hledger message — that quotes the offending line).
 */
export function batchErrors(batch: FailedBatch, failure: BatchFailure): ErpError[] {
  let title =
    failure.kind === "read-back"
      ? "Journal entry did not read back as written"
      : failure.brokenBefore
        ? "Journal fails hledger check before this batch"
        : "Journal batch fails hledger check";
  const fate =
    batch.rollbackFailure === null
      ? `the batch was rolled back (journal line ${batch.firstLine} on)`
      : `rolling the batch back failed (${batch.rollbackFailure}); its entries from journal line ${batch.firstLine} are still in the file`;
  if (batch.rollbackFailure !== null) title += "; the batch could not be rolled back";
  return batch.rendered.map((r) => {
    let why: string;
    if (failure.kind === "hledger") {
      why = `hledger check failed at ${failure.line === null ? "an unknown line" : `line ${failure.line}`}`;
    } else {
      const own = failure.found.entries.get(r.ref);
      const others = [`${failure.found.entries.size} entries did not read back`, ...failure.found.batch];
      why = own
        ? `reads back with a different ${own.join(", ")}`
        : `went with its batch: ${others.join(", ")}`;
    }
    return integratorError(title, `${r.ref} ${r.erpId}: ${why}; ${fate}`);
  });
}
