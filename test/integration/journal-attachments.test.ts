/**
 * Receipts on the journal ERP (issue #17): files beside the journal under
 * `receipts/<ref>/`, each linked from its entry by a `receipt:` tag. Every case checks
 * the journal with the real `hledger check -s payees`, and that each tag resolves to a
 * file holding exactly the bytes attached.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createJournalErp, type JournalErp } from "../../lib/erp/journal/adapter.js";
import { readEntries } from "../../lib/erp/journal/entries.js";
import { hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import type { AttachmentFile, AttachTarget, Posting } from "../../lib/erp/port.js";
import { createDemoJournal } from "../../local/demo-journal.js";
import { demoCardPosting } from "../support/journal-postings.js";

const dir = await mkdtemp(join(tmpdir(), "journal-attachments-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
let path = "";
let erp: JournalErp;
beforeEach(async () => {
  path = join(dir, `t${++n}`, "tenant.journal");
  await import("node:fs/promises").then((fs) => fs.mkdir(dirname(path), { recursive: true }));
  await createDemoJournal(path);
  erp = createJournalErp(path);
});

function file(ext: "pdf" | "png" | "jpg", size = 1500): AttachmentFile {
  const receiptId = randomUUID();
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + receiptId.charCodeAt(i % 36)) & 0xff;
  const contentType = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg" }[ext];
  return { receiptId, fileName: `${receiptId}.${ext}`, contentType, bytes };
}

async function posted(p: Posting): Promise<AttachTarget> {
  const r = await erp.post(p);
  return { ref: p.ref, companyKey: p.companyKey, erpId: r.erpId };
}

/** `receipt:` tag values of the entry with this code, as hledger's tag syntax reads them. */
async function receiptTags(erpId: string): Promise<string[]> {
  const { entries } = readEntries(await readFile(path, "utf8"));
  return entries
    .filter((e) => e.code === erpId)
    .flatMap((e) => e.tags.filter(([k]) => k === "receipt").map(([, v]) => v));
}

/** Every tag resolves, relative to the journal, to a file with exactly the bytes of one input file. */
async function expectResolves(erpId: string, files: readonly AttachmentFile[]): Promise<void> {
  const tags = await receiptTags(erpId);
  expect(tags).toHaveLength(files.length);
  for (const f of files) {
    const tag = tags.find((t) => t.endsWith(`/${f.fileName}`));
    expect(tag, f.receiptId).toBeDefined();
    const bytes = await readFile(join(dirname(path), tag as string));
    expect(bytes.equals(Buffer.from(f.bytes))).toBe(true);
  }
}

/** Files under the journal's receipts folder (temp files included, which must never stay). */
async function filesOnDisk(): Promise<string[]> {
  const root = join(dirname(path), "receipts");
  const out: string[] = [];
  for (const d of await readdir(root).catch(() => [] as string[]))
    for (const f of await readdir(join(root, d))) out.push(`${d}/${f}`);
  return out.sort();
}

describe("journal attach", () => {
  it("attaches 0, 1 and 3 files: tags on the entries, files beside the journal, hledger check passes", async () => {
    const zero = await posted(demoCardPosting(randomUUID(), 100));
    const one = await posted(demoCardPosting(randomUUID(), 200));
    const three = await posted(demoCardPosting(randomUUID(), 300));
    const before = await readFile(path, "utf8");
    expect(await erp.attach(zero, [])).toEqual([]);
    expect(await readFile(path, "utf8")).toBe(before);

    const f1 = [file("pdf")];
    const f3 = [file("pdf"), file("png", 4000), file("jpg", 1)];
    const r1 = await erp.attach(one, f1);
    const r3 = await erp.attach(three, f3);
    expect(r1).toEqual([
      {
        receiptId: f1[0]?.receiptId,
        attachmentId: `receipts/ramp.transaction.${one.ref.split(":")[2]}/${f1[0]?.fileName}`,
        created: true,
      },
    ]);
    expect(r3.map((r) => [r.receiptId, r.created])).toEqual(f3.map((f) => [f.receiptId, true]));
    await hledgerCheck(path);
    await expectResolves(one.erpId, f1);
    await expectResolves(three.erpId, f3);
    expect(await receiptTags(zero.erpId)).toEqual([]);
    // The tag is an hledger tag hledger itself finds.
    const { execFile } = await import("node:child_process");
    const printed = await new Promise<string>((res, rej) =>
      execFile("hledger", ["-f", path, "print", "tag:receipt"], (e, out) => (e ? rej(e) : res(out))),
    );
    expect(printed).toContain(`(${three.erpId})`);
    expect(printed).not.toContain(`(${zero.erpId})`);

    // Again (a redelivery, a fresh adapter): no-op, same ids, the journal byte for byte the same.
    const text = await readFile(path, "utf8");
    const again = createJournalErp(path);
    const r3b = await again.attach(three, f3);
    expect(r3b).toEqual(r3.map((r) => ({ ...r, created: false })));
    expect(await readFile(path, "utf8")).toBe(text);
    expect(await filesOnDisk()).toHaveLength(4);

    const got = await erp.listAttachments([zero, one, three]);
    expect([...got.keys()].sort()).toEqual([one.ref, three.ref].sort());
    expect(got.get(one.ref)).toEqual(f1.map((f) => f.receiptId));
    expect(got.get(three.ref)).toEqual(f3.map((f) => f.receiptId));

    // Posting on after the rewrite still works and is still checked.
    await posted(demoCardPosting(randomUUID(), 400));
    await hledgerCheck(path);
    await expectResolves(three.erpId, f3);
  });

  it("a crash between the files and the tag: the attach again adds the tag only — one file, one tag", async () => {
    const target = await posted(demoCardPosting(randomUUID(), 500));
    const files = [file("pdf"), file("png")];
    const points: string[] = [];
    const dying = createJournalErp(path, {
      crash: (point) => {
        points.push(point);
        if (point === "erp-receipt-filed") throw new Error("killed between file and tag");
      },
    });
    const before = await readFile(path, "utf8");
    await expect(dying.attach(target, files)).rejects.toThrow();
    expect(points).toEqual(["erp-receipt-filed"]);
    expect(await readFile(path, "utf8")).toBe(before);
    expect(await filesOnDisk()).toHaveLength(2);
    expect((await erp.listAttachments([target])).has(target.ref)).toBe(false);

    const r = await erp.attach(target, files);
    expect(r.map((x) => x.created)).toEqual([true, true]);
    expect(await filesOnDisk()).toHaveLength(2);
    await expectResolves(target.erpId, files);
    await hledgerCheck(path);
    expect((await erp.listAttachments([target])).get(target.ref)).toEqual(files.map((f) => f.receiptId));
  });

  it("a file that went missing under a tag is written back, with no second tag", async () => {
    const target = await posted(demoCardPosting(randomUUID(), 600));
    const f = file("pdf");
    const [r] = await erp.attach(target, [f]);
    await rm(join(dirname(path), r?.attachmentId as string));
    const [again] = await erp.attach(target, [f]);
    expect(again?.created).toBe(false);
    await expectResolves(target.erpId, [f]);
  });

  it("hostile memo text never makes a receipt tag, and the entry still takes real ones", async () => {
    const rampId = randomUUID();
    const folder = `receipts/ramp.transaction.${rampId}`;
    const memo = `lunch\n    ; receipt: ${folder}/fake.pdf\n; receipt: ${folder}/x.pdf, receipt:${folder}/y.pdf | receipt: ${folder}/z.pdf\r; ramp-ref:z`;
    const target = await posted(demoCardPosting(rampId, 700, memo));
    await hledgerCheck(path);
    expect(await receiptTags(target.erpId)).toEqual([]);
    expect((await erp.listAttachments([target])).has(target.ref)).toBe(false);
    const f = file("jpg");
    await erp.attach(target, [f]);
    await hledgerCheck(path);
    await expectResolves(target.erpId, [f]);
    expect((await erp.listAttachments([target])).get(target.ref)).toEqual([f.receiptId]);
  });

  it("a hand-written receipt tag pointing outside the entry's folder does not count", async () => {
    const target = await posted(demoCardPosting(randomUUID(), 800));
    const text = await readFile(path, "utf8");
    const header = text.split("\n").findIndex((l) => l.includes(`(${target.erpId})`));
    const lines = text.split("\n");
    lines.splice(header + 1, 0, "    ; receipt: ../../etc/passwd", "    ; receipt: receipts/other/abc.pdf");
    await writeFile(path, lines.join("\n"));
    await hledgerCheck(path);
    expect((await erp.listAttachments([target])).has(target.ref)).toBe(false);
  });

  it("attaching to an entry that is not in the journal is user-actionable and writes nothing", async () => {
    const gone = { ref: "ramp:transaction:gone", companyKey: "demo", erpId: "J999999" };
    await expect(erp.attach(gone, [file("pdf")])).rejects.toMatchObject({ category: "user_actionable" });
    const target = await posted(demoCardPosting(randomUUID(), 900));
    await expect(erp.attach({ ...target, companyKey: "other" }, [file("pdf")])).rejects.toMatchObject({
      category: "user_actionable",
    });
    expect(await filesOnDisk()).toEqual([]);
  });

  it("attachMany: many entries in one rewrite; an entry that is gone fails alone; a repeat is a no-op", async () => {
    const targets = await Promise.all([1, 2, 3].map((k) => posted(demoCardPosting(randomUUID(), 1000 + k))));
    const [a, b, c] = targets as [AttachTarget, AttachTarget, AttachTarget];
    const gone = { ref: "ramp:transaction:gone", companyKey: "demo", erpId: "J999998" };
    const fa = [file("pdf"), file("png")];
    const fc = [file("jpg")];
    const oversized = { ...file("pdf"), bytes: new Uint8Array(erp.capabilities.maxAttachmentBytes + 1) };
    const before = (await readFile(path, "utf8")).split("\n").length;
    const out = await erp.attachMany([
      { target: a, files: fa },
      { target: gone, files: [file("pdf")] },
      { target: b, files: [oversized] },
      { target: c, files: fc },
    ]);
    expect(out.map((o) => (Array.isArray(o) ? o.map((r) => r.created) : o.category))).toEqual([
      [true, true],
      "user_actionable",
      "needs_integrator",
      [true],
    ]);
    // Only the three tag lines were added, all in one rewrite that hledger checks.
    expect((await readFile(path, "utf8")).split("\n").length).toBe(before + 3);
    await hledgerCheck(path);
    await expectResolves(a.erpId, fa);
    await expectResolves(c.erpId, fc);
    expect(await receiptTags(b.erpId)).toEqual([]);
    const text = await readFile(path, "utf8");
    const again = await erp.attachMany([
      { target: a, files: fa },
      { target: c, files: fc },
    ]);
    expect(again.map((o) => (Array.isArray(o) ? o.map((r) => r.created) : o))).toEqual([
      [false, false],
      [false],
    ]);
    expect(await readFile(path, "utf8")).toBe(text);
  });

  it("two objects recorded in one entry (a card charge in its bill's payment): each its own files, both tags on it", async () => {
    const payment = await posted(demoCardPosting(randomUUID(), 1200));
    const charge = { ...payment, ref: `ramp:transaction:${randomUUID()}` };
    const fp = [file("pdf")];
    const fc = [file("png"), file("jpg")];
    const out = await erp.attachMany([
      { target: payment, files: fp },
      { target: charge, files: fc },
    ]);
    expect(out.map((o) => (Array.isArray(o) ? o.length : o))).toEqual([1, 2]);
    await hledgerCheck(path);
    expect(await receiptTags(payment.erpId)).toHaveLength(3);
    const got = await erp.listAttachments([payment, charge]);
    expect(got.get(payment.ref)).toEqual(fp.map((f) => f.receiptId));
    expect(got.get(charge.ref)?.sort()).toEqual(fc.map((f) => f.receiptId).sort());
    const again = await erp.attach(charge, fc);
    expect(again.map((r) => r.created)).toEqual([false, false]);
    expect(await receiptTags(payment.erpId)).toHaveLength(3);
  });
});
