/**
 * The adapter's safety net: a batch whose appended text does not read back as
 * rendered, or that hledger check rejects, is cut off the file again (bytes
 * unchanged), every object of the batch fails with a needs_integrator error whose
 * detail carries no user text, and the next batch works. Faults are injected
 * through the render seam (a renderer that writes something else than it claims)
 * or planted in the file by hand.
 */
import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createJournalErp, type JournalErpOptions } from "../../lib/erp/journal/adapter.js";
import { hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import { type RenderedEntry, renderPosting } from "../../lib/erp/journal/render.js";
import { type CardTransactionPosting, ErpError, type PostOutcome } from "../../lib/erp/port.js";
import { createDemoJournal } from "../../local/demo-journal.js";
import { demoCardPosting } from "../support/journal-postings.js";

const dir = await mkdtemp(join(tmpdir(), "journal-rollback-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
let path = "";
beforeEach(async () => {
  path = join(dir, `t${++n}.journal`);
  await createDemoJournal(path);
});

const SECRET = "Secret memo text";
const tx = (rampId: string, minor = 450): CardTransactionPosting => {
  const p = demoCardPosting(rampId, minor, `${SECRET} ${rampId}`);
  return { ...p, lines: p.lines.map((l) => ({ ...l, memo: SECRET })) };
};

/** A renderer that, for the one ref it targets, writes `tamper(text)` while still claiming the original entry. */
function faulty(ref: string, tamper: (e: RenderedEntry) => RenderedEntry): JournalErpOptions["render"] {
  return (ix, p, seq) => {
    const e = renderPosting(ix, p, seq);
    return p.ref === ref ? tamper(e) : e;
  };
}

function expectAllFailed(outcomes: PostOutcome[], title: RegExp): void {
  expect(outcomes).toHaveLength(3);
  for (const o of outcomes) {
    expect(o.ok).toBe(false);
    if (o.ok) continue;
    expect(o.error).toBeInstanceOf(ErpError);
    expect(o.error.category).toBe("needs_integrator");
    expect(o.error.title).toMatch(title);
    expect(o.error.detail ?? "").not.toContain("Secret");
    expect(o.error.message).not.toContain("Secret");
  }
}

const batch = () => [tx("a"), tx("b"), tx("c")];

describe("a batch that does not read back as rendered", () => {
  it.each([
    ["a bracketed date in a posting comment", (t: string) => t.replace("memo:", "memo:[2019-01-01] ")],
    ["a forged directive on a new line", (t: string) => `${t}; ramp-company: evil | USD | Evil Corp\n`],
    ["a changed amount", (t: string) => t.replace("4.50 USD", "4.60 USD").replace("-4.50 USD", "-4.60 USD")],
    ["a forged ramp-ref tag", (t: string) => t.replace("; ramp-ref:", "; ramp-ref:ramp:transaction:zzz, x:")],
  ])("%s: is rolled back byte for byte and every object fails; the next batch lands", async (_, tamper) => {
    const before = await readFile(path);
    const erp = createJournalErp(path, {
      render: faulty("ramp:transaction:b", (e) => ({ ...e, text: tamper(e.text) })),
    });
    const outcomes = await erp.postBatch(batch());
    expectAllFailed(outcomes, /did not read back as written/);
    expect((await readFile(path)).equals(before)).toBe(true);
    // the culprit's detail names what differs; the others say they went with the batch
    const details = outcomes.map((o) => (o.ok ? "" : (o.error.detail ?? "")));
    expect(details[1]).toMatch(/^ramp:transaction:b J000002: /);
    expect(details[0]).toMatch(/rolled back/);

    // nothing of the failed batch is remembered: same refs, same ids, clean journal
    const next = await createJournalErp(path).postBatch(batch());
    expect(next.map((o) => o.ok && o.result)).toEqual([
      { erpId: "J000001", created: true },
      { erpId: "J000002", created: true },
      { erpId: "J000003", created: true },
    ]);
    await hledgerCheck(path);
    const surface = await createJournalErp(path).readSurface();
    expect(surface.companies.map((c) => c.key)).toEqual(["demo", "demo-eu"]);
  });

  it("the same adapter instance forgets the rolled-back entries and posts them again", async () => {
    let broken = true;
    const erp = createJournalErp(path, {
      render: (ix, p, seq) => {
        const e = renderPosting(ix, p, seq);
        return broken ? { ...e, text: e.text.replace("memo:", "memo:[1/2] ") } : e;
      },
    });
    expectAllFailed(await erp.postBatch(batch()), /did not read back/);
    expect(await erp.find("ramp:transaction:a", "demo")).toBeNull();
    broken = false;
    const next = await erp.postBatch(batch());
    expect(next.every((o) => o.ok && o.result.created)).toBe(true);
    await hledgerCheck(path);
  });
});

describe("a batch that hledger check rejects", () => {
  it("an entry that reads back as rendered but does not balance: rolled back, the next batch lands", async () => {
    const before = await readFile(path);
    // text and claimed entry agree (so our read-back passes), only hledger sees the imbalance
    const unbalance = (e: RenderedEntry): RenderedEntry => ({
      ...e,
      text: e.text.replace("  -4.50 USD", "  -4.49 USD"),
      entry: {
        ...e.entry,
        postings: e.entry.postings.map((p) => (p.amount === "-4.50 USD" ? { ...p, amount: "-4.49 USD" } : p)),
      },
    });
    const erp = createJournalErp(path, { render: faulty("ramp:transaction:c", unbalance) });
    const outcomes = await erp.postBatch(batch());
    expectAllFailed(outcomes, /^Journal batch fails hledger check$/);
    expect(outcomes.map((o) => !o.ok && o.error.detail)).toEqual(
      outcomes.map(() =>
        expect.stringMatching(/hledger check failed at line \d+; the batch was rolled back/),
      ),
    );
    expect((await readFile(path)).equals(before)).toBe(true);
    const next = await createJournalErp(path).postBatch(batch());
    expect(next.every((o) => o.ok && o.result.created)).toBe(true);
    await hledgerCheck(path);
  });

  it("a journal a hand edit already broke: the batch is not left behind, and says so", async () => {
    // an unbalanced entry without ramp tags: our parser skips it, hledger does not
    await appendFile(
      path,
      "\n2026-04-01 Office Depot\n    demo:Expenses:Meals  1.00 USD\n    demo:Assets:Bank:Operating  -2.00 USD\n",
    );
    const before = await readFile(path);
    const outcomes = await createJournalErp(path).postBatch(batch());
    expectAllFailed(outcomes, /^Journal fails hledger check before this batch$/);
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it("without hledger installed the read-back alone guards the batch", async () => {
    const missing = "/nonexistent/hledger";
    const ok = await createJournalErp(path, { hledgerBin: missing }).postBatch(batch());
    expect(ok.every((o) => o.ok && o.result.created)).toBe(true);
    const before = await readFile(path);
    const erp = createJournalErp(path, {
      hledgerBin: missing,
      render: faulty("ramp:transaction:e", (e) => ({ ...e, text: e.text.replace("memo:", "memo:[1/2] ") })),
    });
    expectAllFailed(await erp.postBatch([tx("d"), tx("e"), tx("f")]), /did not read back/);
    expect((await readFile(path)).equals(before)).toBe(true);
  });
});
