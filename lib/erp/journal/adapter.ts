/**
 * The embedded journal ERP: the port over a plain-text hledger journal, one file
 * per tenant. Reads re-parse the file only when it changed on disk (size/mtime),
 * so hand edits in an editor are picked up; posts append whole transactions with
 * one write + fsync under a per-file lock. Every batch is then read back and
 * checked by hledger (readBack); a batch that fails is truncated away again and
 * its objects fail, so Ramp never shows SYNCED for an entry the journal does not hold.
 */
import { open, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { attachChecked } from "../attachment-names.js";
import type { ErpCrashHook, ErpCrashPoint } from "../crash-points.js";
import {
  type AttachItem,
  type AttachmentFile,
  type AttachOutcome,
  type AttachResult,
  type AttachTarget,
  type CodingSurface,
  type ErpCapabilities,
  ErpError,
  type ErpPort,
  type ErpRecordSummary,
  type ErpVendor,
  type FoundRecord,
  integratorError,
  type Posting,
  type PostOutcome,
  type PostResult,
  transientError,
  userError,
} from "../port.js";
import { attachReceipts, receiptsOf } from "./attachments.js";
import { framed, type TornTail, tornTail, withoutFrame } from "./batch-frame.js";
import { payeeName } from "./escape.js";
import { summariesOf } from "./find-many.js";
import { checkJournal } from "./hledger-cli.js";
import { withFileLock } from "./mutex.js";
import { emptyIndex, indexLine, type JournalIndex, parseJournal } from "./parse.js";
import { type RenderedEntry, renderPosting } from "./render.js";
import { surfaceOf } from "./surface.js";
import { vendorRemoteId } from "./syntax.js";
import { batchErrors, verifyAppend } from "./verify.js";

const JOURNAL_CAPABILITIES: ErpCapabilities = {
  batchPosting: true,
  maxBatchSize: 500,
  foreignCurrency: "convert_at_erp_rate",
  supplierInvoices: false,
  creditNotes: false,
  dimensions: true,
  taxes: true,
  vendorCreation: true,
  maxAttachmentBytes: 25 * 1024 * 1024,
  maxConcurrency: 1,
};

export interface JournalErpOptions {
  /** The hledger binary for the per-batch check (default `hledger` on PATH). */
  hledgerBin?: string;
  /** Test seam: the renderer, so a test can make it write an entry that fails the read-back. */
  render?: typeof renderPosting;
  /** Kill tests only (test/chaos): a hook inside the write. */
  crash?: ErpCrashHook;
}

interface Snapshot {
  index: JournalIndex;
  size: number;
  mtimeMs: number;
  endsWithNewline: boolean;
  /** A batch cut off by a kill during its append (batch-frame.ts); excluded from `index`. */
  torn: TornTail | null;
}

/** Entries one group commit takes at most (whole batches; a single larger batch goes alone). */
const GROUP_MAX_ENTRIES = 2000;

interface QueuedBatch {
  postings: readonly Posting[];
  resolve(outcomes: PostOutcome[]): void;
  reject(error: unknown): void;
}

/** Where a kill-test hook stops the append's write (a short write, as a kill during write(2) leaves). */
interface Cut {
  at: number;
  point: ErpCrashPoint;
  ref: string;
}

export class JournalErp implements ErpPort {
  readonly type = "journal";
  readonly capabilities = JOURNAL_CAPABILITIES;
  readonly path: string;
  private snapshot: Snapshot | null = null;
  private readonly hledgerBin: string;
  private readonly render: typeof renderPosting;
  /** Kill-test hook inside the write (lib/erp/crash-points.ts); none in production. */
  private readonly crash: ErpCrashHook | undefined;
  /** Batches waiting for the next group commit, and whether one is running. */
  private readonly queued: QueuedBatch[] = [];
  private committing = false;

  constructor(path: string, opts: JournalErpOptions = {}) {
    this.path = resolve(path);
    this.hledgerBin = opts.hledgerBin ?? "hledger";
    this.render = opts.render ?? renderPosting;
    this.crash = opts.crash;
  }

  async readSurface(): Promise<CodingSurface> {
    return surfaceOf(await this.locked(() => this.current()));
  }

  /**
   * Every posting is one transaction (a reimbursement's payment legs included), appended in
   * framed batches: an entry of a whole batch is complete; one inside a batch a kill cut off
   * (batch-frame.ts) is `partial`, however much of it reached the disk.
   */
  async find(ref: string, companyKey: string, _posting?: Posting): Promise<FoundRecord | null> {
    const { ix, torn } = await this.locked(async () => ({
      ix: await this.current(),
      torn: this.snapshot?.torn,
    }));
    const hit = ix.refs.get(ref);
    if (hit && hit.companyKey === companyKey)
      return { erpId: hit.erpId, created: false, state: "complete", missing: null };
    const code = torn?.refs.get(ref);
    if (code !== undefined)
      return { erpId: code, created: false, state: "partial", missing: "its batch's append was cut off" };
    return null;
  }

  /** A torn batch is cut back and the entry appended whole (postBatch repairs before it writes). */
  finishBatch(items: readonly { posting: Posting; found: FoundRecord }[]): Promise<PostOutcome[]> {
    return this.postBatch(items.map((i) => i.posting));
  }

  async post(posting: Posting): Promise<PostResult> {
    const [outcome] = await this.postBatch([posting]);
    if (!outcome) throw integratorError("Journal returned no outcome", posting.ref);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * Group commit: batches posted while another commit runs wait and go out together in the
   * next one (up to GROUP_MAX_ENTRIES), so concurrent syncer invocations sharing this adapter
   * (a warm runtime serves them all) pay one append, one read-back and one `hledger check`
   * between them instead of one each — the check re-reads the whole file, so per batch it
   * grows with the journal. A merged commit that is rolled back is retried caller by caller:
   * one batch's bad entry never fails another caller's entries.
   */
  postBatch(postings: readonly Posting[]): Promise<PostOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queued.push({ postings, resolve, reject });
      if (!this.committing) void this.commitQueued();
    });
  }

  private async commitQueued(): Promise<void> {
    this.committing = true;
    try {
      while (this.queued.length) {
        const group = this.takeGroup();
        try {
          const merged = await this.commit(group.flatMap((g) => g.postings));
          if (merged.rolledBack && group.length > 1) {
            for (const g of group) await this.commit(g.postings).then((r) => g.resolve(r.outcomes), g.reject);
            continue;
          }
          let at = 0;
          for (const g of group) {
            g.resolve(merged.outcomes.slice(at, at + g.postings.length));
            at += g.postings.length;
          }
        } catch (e) {
          for (const g of group) g.reject(e);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  /** The waiting batches of the next commit: whole batches, at least one, up to GROUP_MAX_ENTRIES. */
  private takeGroup(): QueuedBatch[] {
    const group: QueuedBatch[] = [];
    let entries = 0;
    while (this.queued.length) {
      const next = this.queued[0] as QueuedBatch;
      if (group.length && entries + next.postings.length > GROUP_MAX_ENTRIES) break;
      group.push(next);
      entries += next.postings.length;
      this.queued.shift();
    }
    return group;
  }

  /**
   * Renders every posting against one index under one lock, appends all new
   * entries in one write, then reads the batch back (readBack): a batch that does
   * not read back as rendered, or fails hledger check, is rolled back whole.
   */
  private commit(postings: readonly Posting[]): Promise<{ outcomes: PostOutcome[]; rolledBack: boolean }> {
    return this.locked(async () => {
      const ix = await this.writable();
      const outcomes: PostOutcome[] = [];
      const texts: string[] = [];
      const created: number[] = [];
      const rendered: RenderedEntry[] = [];
      for (const p of postings) {
        const existing = ix.refs.get(p.ref);
        if (existing) {
          outcomes.push({ ok: true, result: { erpId: existing.erpId, created: false } });
          continue;
        }
        try {
          const entry = this.render(ix, p, ix.lastSeq + 1);
          for (const line of entry.text.split("\n")) indexLine(ix, line);
          texts.push(entry.text);
          rendered.push(entry);
          created.push(outcomes.length);
          outcomes.push({ ok: true, result: { erpId: entry.erpId, created: true } });
        } catch (e) {
          outcomes.push({ ok: false, error: asErpError(e, p.ref) });
        }
      }
      if (texts.length === 0) return { outcomes, rolledBack: false };
      let start: number;
      try {
        const inner = texts.map((t) => `\n${t}`).join("");
        const body = framed(inner);
        start = await this.append(body, this.crash ? cutsOf(body, inner, texts, rendered) : []);
      } catch (e) {
        // the index already holds entries that never reached the disk: forget it
        this.snapshot = null;
        const error = transientError("UNAVAILABLE", "Journal file could not be written", String(e), e);
        for (const i of created) outcomes[i] = { ok: false, error };
        return { outcomes, rolledBack: true };
      }
      const errors = await this.readBack(start, rendered);
      if (errors) {
        const byErpId = new Map<string, ErpError>();
        created.forEach((i, k) => {
          const error = errors[k] as ErpError;
          byErpId.set((rendered[k] as RenderedEntry).erpId, error);
          outcomes[i] = { ok: false, error };
        });
        // A second posting of a ref in this batch was answered with the first one's entry,
        // which is rolled back too: it fails with it instead of naming an id the journal lacks.
        outcomes.forEach((o, i) => {
          const lost = o.ok && !o.result.created ? byErpId.get(o.result.erpId) : undefined;
          if (lost) outcomes[i] = { ok: false, error: lost };
        });
      }
      return { outcomes, rolledBack: errors !== null };
    });
  }

  /**
   * Every entry under each ref, from one read of the file (find-many.ts). Read whole rather
   * than from the cached index: the index keeps one entry per ref, reconciliation needs all.
   */
  findMany(refs: readonly { ref: string; companyKey: string }[]): Promise<Map<string, ErpRecordSummary[]>> {
    if (refs.length === 0) return Promise.resolve(new Map());
    return this.locked(async () => {
      const text = await readFile(this.path, "utf8").catch((e: unknown) => {
        throw integratorError("Journal file not found", this.path, e);
      });
      return summariesOf(text, refs);
    });
  }

  async findBillPayment(billErpId: string, _companyKey: string): Promise<string | null> {
    const ix = await this.locked(() => this.current());
    return ix.billPayments.get(billErpId) ?? null;
  }

  /** Payees are one namespace per file; a new one is declared for the asking company only. */
  async createVendor(input: { companyKey: string; name: string }): Promise<ErpVendor> {
    const name = payeeName(input.name);
    if (!name)
      throw userError(
        "UNKNOWN_VENDOR",
        "Vendor name is empty",
        "Give the merchant a name in Ramp and retry.",
      );
    return this.locked(async () => {
      const ix = await this.writable();
      if (!ix.companies.has(input.companyKey)) {
        throw userError(
          "MISSING_MAPPING",
          `Company "${input.companyKey}" is not in the journal`,
          "Link the Ramp entity to a company of the journal and retry.",
        );
      }
      const existing = ix.payees.get(name);
      if (existing && existing.companyKey !== null && existing.companyKey !== input.companyKey) {
        throw userError(
          "UNKNOWN_VENDOR",
          `Vendor "${name}" belongs to company ${existing.companyKey}`,
          `Remove its company tag in the journal to share it with ${input.companyKey}, and retry.`,
        );
      }
      if (!existing) {
        // Shared by every company from the start (no company tag): a merchant is the same
        // merchant for each entity, and two companies asking for it at once must both succeed.
        const line = `payee ${name}  ; ramp-created: true`;
        const probe = emptyIndex();
        indexLine(probe, line);
        // payeeName makes this hold; a name that would read back as another payee is never written
        if (probe.payees.get(name)?.name !== name)
          throw integratorError("Vendor name does not read back", input.companyKey);
        await this.append(`\n${line}\n`);
        indexLine(ix, line);
      }
      return {
        remoteId: vendorRemoteId(input.companyKey, name),
        companyKey: input.companyKey,
        name,
        code: null,
        active: true,
      };
    });
  }

  /**
   * Receipts as files beside the journal, linked by a `receipt:` tag on the entry
   * (attachments.ts); the entry is rewritten in place under the lock, atomically.
   */
  async attach(target: AttachTarget, files: readonly AttachmentFile[]): Promise<AttachResult[]> {
    const [one] = await this.attachMany([{ target, files }]);
    if (one instanceof ErpError) throw one;
    return one as AttachResult[];
  }

  /** Many entries' receipts in one rewrite of the journal (attachments.ts): what a receipts run asks. */
  attachMany(items: readonly AttachItem[]): Promise<AttachOutcome[]> {
    return attachChecked(items, this.capabilities.maxAttachmentBytes, (ok) =>
      this.locked(async () => {
        await this.writable();
        try {
          return await attachReceipts(
            { journalPath: this.path, hledgerBin: this.hledgerBin, crash: this.crash },
            ok,
          );
        } finally {
          // the file may have been replaced: re-read it on the next call
          this.snapshot = null;
        }
      }),
    );
  }

  /** The `receipt:` tags of every target's entry, from one read of the file. */
  listAttachments(targets: readonly AttachTarget[]): Promise<Map<string, string[]>> {
    if (targets.length === 0) return Promise.resolve(new Map());
    return this.locked(async () => {
      const text = await readFile(this.path, "utf8").catch((e: unknown) => {
        throw integratorError("Journal file not found", this.path, e);
      });
      return receiptsOf(text, targets);
    });
  }

  async close(): Promise<void> {
    this.snapshot = null;
  }

  // ------------------------------------------------------------ file state

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.path, fn);
  }

  /** The index, re-parsed when the file changed behind our back. Call under the lock. */
  private async current(): Promise<JournalIndex> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(this.path);
    } catch (e) {
      throw integratorError("Journal file not found", this.path, e);
    }
    const snap = this.snapshot;
    if (snap && snap.size === st.size && snap.mtimeMs === st.mtimeMs) return snap.index;
    const text = await readFile(this.path, "utf8");
    const torn = tornTail(text);
    this.snapshot = {
      // A torn batch is not part of the books: its entries are looked up as partial (find).
      index: parseJournal(torn ? Buffer.from(text).subarray(0, torn.offset).toString("utf8") : text),
      size: Buffer.byteLength(text),
      mtimeMs: st.mtimeMs,
      endsWithNewline: text.length === 0 || text.endsWith("\n"),
      torn,
    };
    return this.snapshot.index;
  }

  /** The index before a write: a batch a kill cut off is cut back first, so it never stays in the books. */
  private async writable(): Promise<JournalIndex> {
    const ix = await this.current();
    const torn = this.snapshot?.torn;
    if (!torn) return ix;
    await this.truncate(torn.offset);
    this.snapshot = null;
    return this.current();
  }

  /**
   * One write + fsync: a crash leaves either the whole batch or a torn tail hledger
   * reports, never reordered entries. Returns the file size before the write,
   * where readBack cuts a failed batch off again.
   */
  private async append(text: string, cuts: readonly Cut[] = []): Promise<number> {
    const snap = this.snapshot;
    const lead = snap && !snap.endsWithNewline ? "\n" : "";
    const body = `${lead}${text}`;
    const fh = await open(this.path, "a");
    try {
      const start = (await fh.stat()).size;
      // Kill tests only: the write stops short at each cut (what a kill during write(2) leaves), and the
      // hook runs there; production has no hook, so no cuts, and writes the batch in one call.
      let from = 0;
      for (const cut of cuts) {
        const at = cut.at + lead.length;
        await fh.write(body.slice(from, at));
        await fh.sync();
        await this.crash?.(cut.point, { refs: [cut.ref] });
        from = at;
      }
      await fh.write(body.slice(from));
      await fh.sync();
      const st = await fh.stat();
      if (snap) {
        snap.size = st.size;
        snap.mtimeMs = st.mtimeMs;
        snap.endsWithNewline = true;
      }
      return start;
    } finally {
      await fh.close();
    }
  }

  /**
   * The safety net after a batch's append: the whole file re-parsed with our own
   * parser must show each appended entry exactly as rendered (verify.ts), and
   * `hledger check` must pass — once per batch, not per entry. On failure the file
   * is truncated back to `start` (fsync'd) and every entry of the batch gets an
   * error; null when the batch stands. Without hledger installed (ENOENT) only our
   * read-back runs: it covers everything user text can change (dates, tags, lines,
   * amounts), and render already refuses unbalanced entries and undeclared names,
   * which are what hledger check adds — the journal stays usable where hledger is
   * not deployed, while tests and CI (which install it) always run both.
   */
  private async readBack(start: number, rendered: readonly RenderedEntry[]): Promise<ErpError[] | null> {
    const bytes = await readFile(this.path).catch(() => null);
    const index = bytes && parseJournal(bytes.toString("utf8"));
    const found =
      bytes && index
        ? verifyAppend(withoutFrame(bytes.subarray(start).toString("utf8")), index, rendered)
        : null;
    const readOk = found !== null && found.batch.length === 0 && found.entries.size === 0;
    const check = readOk ? await checkJournal(this.path, this.hledgerBin) : null;
    if (readOk && index && check?.status !== "failed") {
      if (this.snapshot) this.snapshot.index = index;
      return null;
    }
    this.snapshot = null;
    const rollbackFailure = await this.truncate(start).then(
      () => null,
      (e: NodeJS.ErrnoException) => e.code ?? "error",
    );
    const firstLine = bytes
      ? bytes
          .subarray(0, start)
          .toString("utf8")
          .split(/\r\n|\n|\r/).length
      : 0;
    const batch = { rendered, firstLine, rollbackFailure };
    if (!readOk) {
      const unreadable = { batch: ["the journal could not be read"], entries: new Map<string, string[]>() };
      return batchErrors(batch, { kind: "read-back", found: found ?? unreadable });
    }
    // the batch read back fine, so hledger objects to it or to what was in the file before it
    const before = rollbackFailure === null ? await checkJournal(this.path, this.hledgerBin) : null;
    const line = check?.status === "failed" ? check.line : null;
    return batchErrors(batch, { kind: "hledger", line, brokenBefore: before?.status === "failed" });
  }

  /** Cuts the file back to `size` and makes that durable before any object is reported failed. */
  private async truncate(size: number): Promise<void> {
    const fh = await open(this.path, "r+");
    try {
      await fh.truncate(size);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/**
 * The windows inside one framed batch, in file order: inside the first entry (created, not
 * whole), before a paid reimbursement's payment legs (invoice → payment), and between the
 * first two entries (between batch records). Kill tests only.
 */
function cutsOf(
  body: string,
  inner: string,
  texts: readonly string[],
  rendered: readonly RenderedEntry[],
): Cut[] {
  const base = body.indexOf(inner);
  const cuts: Cut[] = [];
  let at = base;
  texts.forEach((t, k) => {
    const start = at + 1; // each entry follows a blank line
    const ref = rendered[k]?.ref ?? "";
    if (k === 0) cuts.push({ at: start + Math.floor(t.length / 2), point: "erp-created", ref });
    const payment = /^[ \t]+\S.*;.*\bdate:/m.exec(t);
    if (payment) cuts.push({ at: start + payment.index, point: "erp-invoiced", ref });
    if (k === 1) cuts.push({ at: at, point: "erp-between", ref });
    at = start + t.length;
  });
  return cuts.sort((a, b) => a.at - b.at);
}

function asErpError(e: unknown, ref: string): ErpError {
  if (e instanceof ErpError) return e;
  return integratorError("Unexpected journal error", `${ref}: ${String(e)}`, e);
}

export function createJournalErp(path: string, opts: JournalErpOptions = {}): JournalErp {
  return new JournalErp(path, opts);
}
