/**
 * The journal adapter's group commit (lib/erp/journal/adapter.ts postBatch → commitQueued):
 * batches posted while a commit runs go out together in the next one (whole batches, at most
 * GROUP_MAX_ENTRIES = 2000 entries; one larger batch alone), with one append, one read-back
 * and one `hledger check` between them. Each caller gets its own outcomes in its own order; a
 * ref two callers post is one entry; a merged commit that is rolled back is retried caller by
 * caller, so one caller's bad entry fails that caller alone; an append failure is transient.
 *
 * `hledger check` runs are counted by a wrapper script given as `hledgerBin`: it appends its
 * arguments to a file, then execs the real hledger.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createJournalErp, type JournalErp, type JournalErpOptions } from "../../lib/erp/journal/adapter.js";
import { hledgerBalance, hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import { type RenderedEntry, renderPosting } from "../../lib/erp/journal/render.js";
import { type CardTransactionPosting, ErpError, type PostOutcome } from "../../lib/erp/port.js";
import { createDemoJournal } from "../../local/demo-journal.js";
import { demoCardPosting } from "../support/journal-postings.js";

const HLEDGER = "/usr/bin/hledger";
const dir = await mkdtemp(join(tmpdir(), "journal-group-commit-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
let path = "";
/** The wrapper to pass as hledgerBin, and the file it logs each run's arguments to. */
let bin = "";
let calls = "";
beforeEach(async () => {
  n++;
  path = join(dir, `t${n}.journal`);
  calls = join(dir, `calls${n}.log`);
  bin = join(dir, `hledger${n}`);
  await createDemoJournal(path);
  await writeFile(calls, "");
  await writeFile(bin, `#!/bin/sh\necho "$*" >> '${calls}'\nexec ${HLEDGER} "$@"\n`);
  await chmod(bin, 0o755);
});

/** How many times the adapter ran `hledger check` through the wrapper. */
async function checks(): Promise<number> {
  const lines = (await readFile(calls, "utf8")).split("\n").filter((l) => l.trim() !== "");
  return lines.filter((l) => l.split(" ").includes("check")).length;
}

const journal = (opts: JournalErpOptions = {}): JournalErp =>
  createJournalErp(path, { hledgerBin: bin, ...opts });

const tx = (rampId: string, minor = 100) => demoCardPosting(rampId, minor);

/** Caller `c`'s batch of `size` postings, refs c<c>-<k>, each of its own amount. */
const batchOf = (c: number, size = 50): CardTransactionPosting[] =>
  Array.from({ length: size }, (_, k) => tx(`c${c}-${k}`, 100 + c * 1000 + k));

const total = (batches: readonly CardTransactionPosting[][]) =>
  batches.flat().reduce((sum, p) => sum + (p.lines[0]?.amount.minor ?? 0), 0);

/** A renderer that, for the refs it targets, writes `tamper(entry)` while still claiming the original entry. */
function faulty(
  refs: readonly string[],
  tamper: (e: RenderedEntry) => RenderedEntry,
): JournalErpOptions["render"] {
  const targets = new Set(refs);
  return (ix, p, seq) => {
    const e = renderPosting(ix, p, seq);
    return targets.has(p.ref) ? tamper(e) : e;
  };
}

/** Reads back differently from what was rendered (a forged directive after the entry). */
const misread = (e: RenderedEntry): RenderedEntry => ({
  ...e,
  text: `${e.text}; ramp-company: evil | USD | Evil Corp\n`,
});

/** Reads back as rendered but does not balance: only hledger check sees it. */
const unbalanced = (e: RenderedEntry): RenderedEntry => {
  const credit = e.entry.postings.find((p) => p.amount.startsWith("-"));
  if (!credit) throw new Error("no credit leg");
  const changed = credit.amount.replace(/\d(?= USD$)/, (d) => String((Number(d) + 1) % 10));
  return {
    ...e,
    text: e.text.replace(`  ${credit.amount}`, `  ${changed}`),
    entry: {
      ...e.entry,
      postings: e.entry.postings.map((p) => (p === credit ? { ...p, amount: changed } : p)),
    },
  };
};

function expectCreated(outcomes: PostOutcome[], size: number): void {
  expect(outcomes).toHaveLength(size);
  for (const o of outcomes) expect(o).toMatchObject({ ok: true, result: { created: true } });
}

/** Every posting's ref is in the journal under the erpId its caller was given. */
async function expectAnsweredInOrder(
  erp: JournalErp,
  batches: readonly CardTransactionPosting[][],
  answers: readonly PostOutcome[][],
): Promise<void> {
  expect(answers).toHaveLength(batches.length);
  for (const [c, batch] of batches.entries()) {
    const got = answers[c] ?? [];
    expect(got).toHaveLength(batch.length);
    for (const [k, p] of batch.entries()) {
      const found = await erp.find(p.ref, "demo");
      const o = got[k];
      expect(o?.ok, `${p.ref}`).toBe(true);
      if (o?.ok) expect(o.result.erpId, `${p.ref}`).toBe(found?.erpId);
    }
  }
}

describe("group commit: concurrent callers share a commit", () => {
  it("8 concurrent batches of 50 are all created, with fewer hledger checks than batches, each caller answered in order", async () => {
    const erp = journal();
    const batches = Array.from({ length: 8 }, (_, c) => batchOf(c));
    const answers = await Promise.all(batches.map((b) => erp.postBatch(b)));
    for (const a of answers) expectCreated(a, 50);
    const ids = answers.flat().map((o) => (o.ok ? o.result.erpId : ""));
    expect(new Set(ids).size).toBe(400);
    await expectAnsweredInOrder(journal(), batches, answers);
    expect(await checks()).toBeGreaterThan(0);
    expect(await checks()).toBeLessThan(8);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total(batches));
    await hledgerCheck(path, HLEDGER);
  });

  it("a ref two callers post in one commit is one entry: both callers ok with the same erpId", async () => {
    const erp = journal();
    const shared = tx("shared", 777);
    // the first caller's commit runs alone; the next two wait and go out merged
    const batches = [batchOf(0, 3), [tx("a1"), shared, tx("a2")], [tx("b1"), shared, tx("b2")]];
    const [, a, b] = await Promise.all(batches.map((x) => erp.postBatch(x)));
    const outcomes = [a?.[1], b?.[1]];
    for (const o of outcomes) expect(o?.ok).toBe(true);
    const results = outcomes.map((o) => (o?.ok ? o.result : null));
    expect(results[0]?.erpId).toBe(results[1]?.erpId);
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    expect(a?.every((o) => o.ok)).toBe(true);
    expect(b?.every((o) => o.ok)).toBe(true);
    const text = await readFile(path, "utf8");
    expect(text.match(/ramp-ref:ramp:transaction:shared\b/g)).toHaveLength(1);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total(batches) - 777);
    await hledgerCheck(path, HLEDGER);
  });

  it.each([
    ["does not read back as rendered", misread, /did not read back as written/],
    ["fails hledger check", unbalanced, /^Journal batch fails hledger check$/],
  ])(
    "a caller whose batch holds an entry that %s fails alone: every other caller's entries are created",
    async (_, tamper, title) => {
      const bad = batchOf(3);
      const culprit = bad[10]?.ref ?? "";
      const erp = journal({ render: faulty([culprit], tamper) });
      const batches = Array.from({ length: 8 }, (_, c) => (c === 3 ? bad : batchOf(c)));
      const answers = await Promise.all(batches.map((b) => erp.postBatch(b)));
      for (const [c, a] of answers.entries()) {
        if (c === 3) continue;
        expectCreated(a, 50);
      }
      const failed = answers[3] ?? [];
      expect(failed).toHaveLength(50);
      for (const o of failed) {
        expect(o.ok).toBe(false);
        if (o.ok) continue;
        expect(o.error).toBeInstanceOf(ErpError);
        expect(o.error.category).toBe("needs_integrator");
        expect(o.error.title).toMatch(title);
      }
      const others = batches.filter((_, c) => c !== 3);
      await expectAnsweredInOrder(
        journal(),
        others,
        answers.filter((_, c) => c !== 3),
      );
      const reader = journal();
      for (const p of bad) expect(await reader.find(p.ref, "demo")).toBeNull();
      expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total(others));
      await hledgerCheck(path, HLEDGER);
    },
  );

  it("two bad callers in one merged commit fail alone, and the good ones between them land", async () => {
    const batches = Array.from({ length: 6 }, (_, c) => batchOf(c, 20));
    const culprits = [batches[2]?.[0]?.ref ?? "", batches[4]?.[19]?.ref ?? ""];
    const erp = journal({ render: faulty(culprits, misread) });
    const answers = await Promise.all(batches.map((b) => erp.postBatch(b)));
    expect(answers.map((a) => a.every((o) => o.ok))).toEqual([true, true, false, true, false, true]);
    expect(answers.map((a) => a.some((o) => o.ok))).toEqual([true, true, false, true, false, true]);
    const good = batches.filter((_, c) => c !== 2 && c !== 4);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total(good));
    await hledgerCheck(path, HLEDGER);
  });

  it("a posting render refuses (unknown account) fails that posting only: nothing is rolled back", async () => {
    const erp = journal();
    const unknown: CardTransactionPosting = {
      ...tx("nowhere"),
      lines: [
        {
          ...(tx("nowhere").lines[0] as CardTransactionPosting["lines"][0]),
          accountRemoteId: "demo:Expenses:Nowhere",
        },
      ],
    };
    const batches = [batchOf(0, 2), batchOf(1, 3), [tx("x1"), unknown, tx("x2")], batchOf(3, 3)];
    const answers = await Promise.all(batches.map((b) => erp.postBatch(b)));
    expect(answers.map((a) => a.map((o) => o.ok))).toEqual([
      [true, true],
      [true, true, true],
      [true, false, true],
      [true, true, true],
    ]);
    const refused = answers[2]?.[1];
    expect(refused?.ok === false && refused.error.category).toBe("user_actionable");
    expect(await checks()).toBe(2);
    await hledgerCheck(path, HLEDGER);
  });

  it("an append failure is transient for every caller of the merged commit, and the journal recovers", async () => {
    const erp = journal({
      crash: () => {
        throw new Error("EIO: disk went away");
      },
    });
    const batches = [batchOf(0, 2), batchOf(1, 3), batchOf(2, 4)];
    const answers = await Promise.all(batches.map((b) => erp.postBatch(b)));
    for (const a of answers) {
      for (const o of a) {
        expect(o.ok).toBe(false);
        if (!o.ok) expect(o.error.category).toBe("transient");
      }
    }
    const again = await Promise.all(batches.map((b) => journal().postBatch(b)));
    for (const [c, a] of again.entries()) expectCreated(a, batches[c]?.length ?? 0);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total(batches));
    await hledgerCheck(path, HLEDGER);
  });
});

describe("group commit: its size", () => {
  it("a batch bigger than GROUP_MAX_ENTRIES goes alone and still goes through", async () => {
    const erp = journal();
    const big = batchOf(9, 2001);
    const batches = [batchOf(0, 1), big, batchOf(1, 1)];
    const answers = await Promise.all(batches.map((b) => erp.postBatch(b)));
    expectCreated(answers[0] ?? [], 1);
    expectCreated(answers[1] ?? [], 2001);
    expectCreated(answers[2] ?? [], 1);
    // the first caller alone, the big batch alone (nothing fits beside it), the last caller alone
    expect(await checks()).toBe(3);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total(batches));
    await hledgerCheck(path, HLEDGER);
  });

  it("whole batches up to GROUP_MAX_ENTRIES share a commit; one entry more starts the next", async () => {
    const erp = journal();
    const fits = [batchOf(0, 1), batchOf(1, 1000), batchOf(2, 1000)];
    for (const a of await Promise.all(fits.map((b) => erp.postBatch(b))))
      expect(a.every((o) => o.ok)).toBe(true);
    expect(await checks()).toBe(2);
    const over = [batchOf(3, 1), batchOf(4, 1000), batchOf(5, 1001)];
    for (const a of await Promise.all(over.map((b) => erp.postBatch(b))))
      expect(a.every((o) => o.ok)).toBe(true);
    expect(await checks()).toBe(2 + 3);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD", HLEDGER)).toBe(total([...fits, ...over]));
  });
});

describe("bug: a ref posted twice in one batch that is rolled back", () => {
  // lib/erp/journal/adapter.ts commit(): the second posting of a ref finds the first one's entry
  // in the index (rendered a moment before, not on disk yet) and is answered
  // { ok: true, created: false, erpId } at once; when readBack then rolls the batch back, only
  // the rendered entries (`created`) get the error, so the duplicate stays ok with the erpId of
  // an entry the rollback removed. commitQueued resolves that outcome as is when the batch is
  // the only one in its commit (a merged commit is retried caller by caller, which repeats it).
  it("answers no copy of the ref ok with an erpId the journal does not hold", async () => {
    const erp = journal({ render: faulty(["ramp:transaction:bad"], misread) });
    const outcomes = await erp.postBatch([tx("dup"), tx("dup"), tx("bad")]);
    expect(await journal().find("ramp:transaction:dup", "demo")).toBeNull();
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false]);
  });
});
