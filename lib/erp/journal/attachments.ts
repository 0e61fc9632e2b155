/**
 * Receipts in the journal (issue #17). Each file is stored beside the journal,
 * `<journal dir>/receipts/<ref>/<receipt id>.<ext>` (attachment-names.ts: our ids only,
 * encoded as safe path segments, never user text), and linked from its entry by an
 * hledger tag on a comment line of the transaction, right under the header:
 *
 *     2026-03-10 * (J000042) Delta | Team lunch  ; ramp-ref:ramp:transaction:…, ramp-company:acme
 *         ; receipt: receipts/ramp.transaction.<id>/<receipt id>.pdf
 *         acme:Expenses:Meals  12.00 USD
 *
 * so `hledger print tag:receipt` lists entries with receipts and the value resolves,
 * relative to the journal, to the file. The tag is ours only when its value is a path
 * under this entry's own folder (`receipts/<encoded ref>/`): a tag elsewhere, or pointing
 * elsewhere, is not counted. User text cannot forge one: memos are escaped (escape.ts), so
 * neither a line break nor a `;` nor a `,` of theirs ever starts a comment, line or tag.
 *
 * The steps, each safe to die after: (1) files, each written to a temp name, fsync'd and
 * renamed, so a file under its final name is always whole; crash point `erp-receipt-filed`;
 * (2) the journal rewritten with the new tag lines — the whole file to a temp name,
 * verified (our reader: every entry unchanged but the target, which gains exactly the new
 * tags; then `hledger check`), fsync'd, renamed over the journal. A repeat finds the tags
 * (no-op) or the files without tags (adds the tags only).
 *
 * Why a rewrite in an append-only design: the journal is otherwise only appended to, and
 * its batch frames (batch-frame.ts) protect appends that a kill cuts short. A rename is
 * atomic, so a kill leaves the old file or the new one, never a mix, and the adapter's
 * mutex keeps its own appends out meanwhile (the torn tail is cut back first, as before
 * any write). The cost is one read and write of the file per attach call (not per file).
 */
import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { receiptFileName, receiptIdOfFileName, safeSegment } from "../attachment-names.js";
import type { ErpCrashHook } from "../crash-points.js";
import {
  type AttachItem,
  type AttachmentFile,
  type AttachOutcome,
  type AttachResult,
  type AttachTarget,
  ErpError,
  integratorError,
  transientError,
} from "../port.js";
import { tornTail } from "./batch-frame.js";
import { type JournalEntry, readEntries } from "./entries.js";
import { escapeText } from "./escape.js";
import { checkJournal } from "./hledger-cli.js";

export const RECEIPT_TAG = "receipt";
export const RECEIPTS_DIR = "receipts";

/** `receipts/<encoded ref>`: the folder of one record's receipts, relative to the journal. */
export const receiptFolder = (ref: string) => `${RECEIPTS_DIR}/${safeSegment(ref)}`;

/** `receipts/<encoded ref>/<encoded receipt id>.<ext>`: the tag value and the attachment id. */
export const receiptPath = (ref: string, file: AttachmentFile) =>
  `${receiptFolder(ref)}/${receiptFileName(file)}`;

/** Receipt id → path, from an entry's tags: only `receipt:` tags naming a file in this ref's own folder. */
export function linkedReceipts(tags: ReadonlyArray<[string, string]>, ref: string): Map<string, string> {
  const folder = `${receiptFolder(ref)}/`;
  const out = new Map<string, string>();
  for (const [k, v] of tags) {
    if (k !== RECEIPT_TAG || !v.startsWith(folder)) continue;
    const name = v.slice(folder.length);
    const id = name.includes("/") ? null : receiptIdOfFileName(name);
    if (id !== null && !out.has(id)) out.set(id, v);
  }
  return out;
}

const tagOf = (tags: ReadonlyArray<[string, string]>, name: string) => tags.find(([k]) => k === name)?.[1];

/**
 * The entries of the record a target names: its code (our own ERP id, unique in the file) in its
 * company, hand copies included. Not its `ramp-ref`: a card charge that paid a bill is recorded
 * in its bill's payment entry (under the payment's ref), and its receipts belong on that entry.
 * The tags stay per target ref (`receipts/<ref>/`), so each object's files remain its own.
 */
const isTarget = (e: JournalEntry, t: AttachTarget) =>
  e.code === t.erpId && tagOf(e.tags, "ramp-company") === t.companyKey;

/** The books' part of a journal text: without a batch a kill cut off (it is not in the books). */
function books(text: string): string {
  const torn = tornTail(text);
  return torn ? Buffer.from(text).subarray(0, torn.offset).toString("utf8") : text;
}

/** The receipt ids linked under each target, from one read of the journal's text. */
export function receiptsOf(text: string, targets: readonly AttachTarget[]): Map<string, string[]> {
  const byCode = new Map<string, AttachTarget[]>();
  for (const t of targets) byCode.set(t.erpId, [...(byCode.get(t.erpId) ?? []), t]);
  const out = new Map<string, string[]>();
  for (const e of readEntries(books(text)).entries) {
    for (const t of (e.code ? byCode.get(e.code) : undefined) ?? []) {
      if (!isTarget(e, t)) continue;
      const ids = out.get(t.ref) ?? [];
      for (const id of linkedReceipts(e.tags, t.ref).keys()) if (!ids.includes(id)) ids.push(id);
      if (ids.length) out.set(t.ref, ids);
    }
  }
  return out;
}

/** A target's identity in one batch: several items naming one record share its links. */
const targetKey = (t: AttachTarget) => `${t.ref}\u0000${t.erpId}\u0000${t.companyKey}`;
/** The entry a target names: code and company (isTarget). */
const entryKey = (t: AttachTarget) => `${t.erpId}\u0000${t.companyKey}`;

/**
 * The text with each target's tag comment lines added under the header of its first entry,
 * after that entry's other transaction comment lines: one pass over the text for any number
 * of targets. Null when a target's entry is not there.
 */
export function withTagLines(
  text: string,
  adds: ReadonlyArray<{ target: AttachTarget; lines: readonly string[] }>,
): string | null {
  // By entry (code + company): a bill payment and the card charges recorded in it share one.
  const pending = new Map<string, Array<{ target: AttachTarget; lines: readonly string[] }>>();
  for (const a of adds) pending.set(entryKey(a.target), [...(pending.get(entryKey(a.target)) ?? []), a]);
  const rows = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as string;
    out.push(row);
    if (!/^\d/.test(row) || pending.size === 0) continue;
    const [entry] = readEntries(row).entries;
    const key = entry ? `${entry.code}\u0000${tagOf(entry.tags, "ramp-company")}` : undefined;
    const group = key === undefined ? undefined : pending.get(key);
    if (!group) continue;
    pending.delete(key as string);
    while (i + 1 < rows.length && /^[ \t]+;/.test(rows[i + 1] as string)) out.push(rows[++i] as string);
    const eol = row.endsWith("\r") ? "\r" : "";
    out.push(...group.flatMap((a) => a.lines).map((l) => `${l}${eol}`));
  }
  return pending.size === 0 ? out.join("\n") : null;
}

export interface JournalFiles {
  journalPath: string;
  hledgerBin: string;
  crash: ErpCrashHook | undefined;
}

/**
 * Call under the journal's lock, after its torn tail was cut back (the adapter's `writable`).
 * Every item's files, then one rewrite of the journal (one read, one hledger check, one
 * rename) for all their tags. An item whose entry is gone fails alone; a journal that cannot
 * be read or rewritten fails them all.
 */
export async function attachReceipts(
  j: JournalFiles,
  items: readonly AttachItem[],
): Promise<AttachOutcome[]> {
  try {
    return await attachUnsafe(j, items);
  } catch (e) {
    if (e instanceof ErpError) throw e;
    throw transientError("UNAVAILABLE", "Journal receipts could not be written", String(e), e);
  }
}

const entryGone = (target: AttachTarget) =>
  new ErpError("user_actionable", "UNEXPECTED", `Journal entry ${target.erpId} is no longer in the journal`, {
    howToFix:
      "Restore the entry in the journal, or clear the object's sync in Ramp and sync it again, then retry.",
    detail: `${target.ref} ${target.erpId} in company ${target.companyKey}`,
  });

async function attachUnsafe(j: JournalFiles, items: readonly AttachItem[]): Promise<AttachOutcome[]> {
  const text = await readFile(j.journalPath, "utf8").catch((e: unknown) => {
    throw integratorError("Journal file not found", j.journalPath, e);
  });
  const byCode = new Map<string, JournalEntry[]>();
  for (const e of readEntries(books(text)).entries)
    if (e.code) byCode.set(e.code, [...(byCode.get(e.code) ?? []), e]);
  const base = dirname(j.journalPath);
  const links = new Map<string, Map<string, string>>();
  const newTags = new Map<string, { target: AttachTarget; paths: string[] }>();
  const out: AttachOutcome[] = [];
  for (const { target, files } of items) {
    const key = targetKey(target);
    let linked = links.get(key);
    if (!linked) {
      const entries = (byCode.get(target.erpId) ?? []).filter((e) => isTarget(e, target));
      if (entries.length === 0) {
        out.push(entryGone(target));
        continue;
      }
      linked = new Map<string, string>();
      for (const e of entries)
        for (const [id, path] of linkedReceipts(e.tags, target.ref))
          if (!linked.has(id)) linked.set(id, path);
      links.set(key, linked);
    }
    const results: AttachResult[] = [];
    for (const file of files) {
      const known = linked.get(file.receiptId);
      const path = known ?? receiptPath(target.ref, file);
      if (escapeText(path) !== path) throw integratorError("Receipt path would need escaping", target.ref);
      // The file under its final name is whole (written by rename); put it back if it went missing.
      if (!(await sameBytes(join(base, path), file.bytes))) await writeAtomically(base, path, file.bytes);
      results.push({ receiptId: file.receiptId, attachmentId: path, created: known === undefined });
      if (known === undefined) {
        linked.set(file.receiptId, path);
        const add = newTags.get(key) ?? { target, paths: [] };
        add.paths.push(path);
        newTags.set(key, add);
      }
    }
    out.push(results);
  }
  if (newTags.size === 0) return out;
  const adds = [...newTags.values()];
  await j.crash?.("erp-receipt-filed", { refs: adds.map((a) => a.target.ref) });

  const next = withTagLines(
    text,
    adds.map((a) => ({ target: a.target, lines: a.paths.map((p) => `    ; ${RECEIPT_TAG}: ${p}`) })),
  );
  if (next === null)
    throw integratorError("Journal entry not found for its receipt tags", adds[0]?.target.ref);
  assertOnlyTagsAdded(text, next, adds);
  await replaceJournal(j, next);
  return out;
}

/** The rewrite may change nothing but the targets' tags, each gaining exactly its new receipt tags. */
function assertOnlyTagsAdded(
  before: string,
  after: string,
  adds: ReadonlyArray<{ target: AttachTarget; paths: string[] }>,
): void {
  const a = readEntries(books(before)).entries;
  const b = readEntries(books(after)).entries;
  const pending = new Map<string, string[]>();
  for (const x of adds)
    pending.set(entryKey(x.target), [...(pending.get(entryKey(x.target)) ?? []), ...x.paths]);
  const ok =
    a.length === b.length &&
    a.every((e, i) => {
      const got = b[i] as JournalEntry;
      const key = `${e.code}\u0000${tagOf(e.tags, "ramp-company")}`;
      const paths = pending.get(key);
      if (paths) {
        pending.delete(key);
        const want = { ...e, tags: [...e.tags, ...paths.map((p): [string, string] => [RECEIPT_TAG, p])] };
        return isDeepStrictEqual(want, got);
      }
      return isDeepStrictEqual(e, got);
    }) &&
    pending.size === 0;
  if (!ok)
    throw integratorError("Journal entry did not read back with its receipt tags", adds[0]?.target.ref);
}

/** Writes the new journal under a temp name, checks it with hledger, then renames it over the journal. */
async function replaceJournal(j: JournalFiles, text: string): Promise<void> {
  const tmp = `${j.journalPath}.receipts-${randomBytes(4).toString("hex")}.tmp`;
  try {
    const mode = (await stat(j.journalPath)).mode & 0o7777;
    await writeSynced(tmp, Buffer.from(text, "utf8"));
    await chmod(tmp, mode);
    const check = await checkJournal(tmp, j.hledgerBin);
    if (check.status === "failed")
      throw integratorError(
        "Journal fails hledger check with the receipt tags",
        `line ${check.line ?? "unknown"}; the journal was left unchanged`,
      );
    await rename(tmp, j.journalPath);
    await syncDir(dirname(j.journalPath));
  } finally {
    await rm(tmp, { force: true });
  }
}

async function sameBytes(path: string, bytes: Uint8Array): Promise<boolean> {
  const have = await readFile(path).catch(() => null);
  return have !== null && Buffer.from(bytes).equals(have);
}

/** `<base>/<rel>` written whole or not at all: temp file, fsync, rename, fsync of the folder. */
async function writeAtomically(base: string, rel: string, bytes: Uint8Array): Promise<void> {
  const target = join(base, rel);
  const folder = dirname(target);
  await mkdir(folder, { recursive: true });
  // Our folders only: a symlink on the way could write a tenant's receipt into somewhere else.
  let cur = base;
  for (const segment of dirname(rel).split("/")) {
    cur = join(cur, segment);
    if ((await lstat(cur)).isSymbolicLink())
      throw integratorError("Receipts folder goes through a symlink", rel);
  }
  const tmp = `${target}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeSynced(tmp, bytes);
    await rename(tmp, target);
    await syncDir(folder);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, "wx");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
