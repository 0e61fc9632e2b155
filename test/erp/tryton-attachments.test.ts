/**
 * Receipts as ir.attachment records on the live trytond (issue #17): a card transaction
 * (account.move) and a bill (account.invoice) are posted through the adapter, files are
 * attached, and what Tryton holds is read back over JSON-RPC directly — the resource, the
 * name, the bytes — not through the adapter's own listing.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AttachmentFile, AttachTarget, Posting } from "../../lib/erp/port.js";
import { CREATE_MAX_FILES } from "../../lib/erp/tryton/attachments.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { useLiveAdapter } from "./support/live-adapter.js";
import { bill, transaction } from "./support/postings.js";
import type { Live } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
useLiveAdapter((l, e) => {
  live = l;
  erp = e;
});

function file(ext: "pdf" | "png" | "jpg", size = 2000): AttachmentFile {
  const receiptId = randomUUID();
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + receiptId.charCodeAt(i % receiptId.length)) & 0xff;
  const contentType = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg" }[ext];
  return { receiptId, fileName: `${receiptId}.${ext}`, contentType, bytes };
}

async function posted(p: Posting): Promise<AttachTarget> {
  const r = await erp.post(p);
  return { ref: p.ref, companyKey: p.companyKey, erpId: r.erpId };
}

interface AttachmentRow {
  id: number;
  name: string;
  resource: string;
  type: string;
  data: string;
  description: string | null;
  link: string | null;
}

/** What Tryton holds under a record, read directly (base64 data). */
function attachmentsOf(erpId: string): Promise<AttachmentRow[]> {
  return live.session.rpc.searchRead<AttachmentRow>(
    "ir.attachment",
    [["resource", "=", erpId]],
    ["name", "resource", "type", "data", "description", "link"],
    undefined,
    { order: [["id", "ASC"]] },
  );
}

const countOf = (erpId: string) =>
  live.session.rpc.model("ir.attachment", "search_count", [[["resource", "=", erpId]]]) as Promise<number>;

describe("Tryton attach", () => {
  it("attaches one file to a move and three to an invoice, as ir.attachment data records on them", async () => {
    const move = await posted(transaction(live.us));
    const invoice = await posted(bill(live.us));
    expect(move.erpId).toMatch(/^account\.move,\d+$/);
    expect(invoice.erpId).toMatch(/^account\.invoice,\d+$/);

    const one = [file("pdf")];
    const three = [file("pdf"), file("png", 5000), file("jpg", 1)];
    const r1 = await erp.attach(move, one);
    const r3 = await erp.attach(invoice, three);
    expect(r1.map((r) => [r.receiptId, r.created])).toEqual([[one[0]?.receiptId, true]]);
    expect(r3.map((r) => r.receiptId)).toEqual(three.map((f) => f.receiptId));
    expect(r3.every((r) => r.created)).toBe(true);

    for (const [target, files, results] of [
      [move, one, r1],
      [invoice, three, r3],
    ] as const) {
      const rows = await attachmentsOf(target.erpId);
      expect(rows).toHaveLength(files.length);
      files.forEach((f, i) => {
        const row = rows.find((r) => String(r.id) === results[i]?.attachmentId);
        expect(row, f.receiptId).toBeDefined();
        expect(row?.resource).toBe(target.erpId);
        expect(row?.type).toBe("data");
        expect(row?.name).toBe(`ramp-receipt-${f.fileName}`);
        expect(row?.description ?? null).toBeNull();
        expect(row?.link ?? null).toBeNull();
        expect(Buffer.from(row?.data ?? "", "base64").equals(Buffer.from(f.bytes))).toBe(true);
      });
    }

    // Again, from another adapter instance (a redelivery to a fresh worker): nothing new.
    const again = live.adapter();
    try {
      const before = await countOf(invoice.erpId);
      const r = await again.attach(invoice, three);
      expect(r.map((x) => x.created)).toEqual([false, false, false]);
      expect(r.map((x) => x.attachmentId)).toEqual(r3.map((x) => x.attachmentId));
      expect(await countOf(invoice.erpId)).toBe(before);
      // One new among known ones: only that one is added, results in input order.
      const extra = file("pdf");
      const mixed = await again.attach(invoice, [
        three[1] as AttachmentFile,
        extra,
        three[0] as AttachmentFile,
      ]);
      expect(mixed.map((x) => [x.receiptId, x.created])).toEqual([
        [three[1]?.receiptId, false],
        [extra.receiptId, true],
        [three[0]?.receiptId, false],
      ]);
      expect(await countOf(invoice.erpId)).toBe(before + 1);
    } finally {
      await again.close();
    }
  });

  it("listAttachments answers for several refs in one ir.attachment search; refs without receipts are absent", async () => {
    const a = await posted(transaction(live.us));
    const b = await posted(bill(live.us));
    const eu = await posted(transaction(live.eu));
    const none = await posted(transaction(live.us));
    const fa = [file("pdf"), file("png")];
    const fb = [file("jpg")];
    const fe = [file("pdf")];
    await erp.attach(a, fa);
    await erp.attach(b, fb);
    await erp.attach(eu, fe);

    const calls: string[] = [];
    const spy = live.adapter(undefined, {
      fetch: async (input, init) => {
        calls.push(String(JSON.parse(String(init?.body)).method));
        return fetch(input, init);
      },
    });
    try {
      await spy.session.connect();
      calls.length = 0;
      const got = await spy.listAttachments([a, b, eu, none]);
      expect(calls.filter((m) => m.startsWith("model.ir.attachment"))).toEqual([
        "model.ir.attachment.search_read",
      ]);
      expect([...got.keys()].sort()).toEqual([a.ref, b.ref, eu.ref].sort());
      expect(got.get(a.ref)?.sort()).toEqual(fa.map((f) => f.receiptId).sort());
      expect(got.get(b.ref)).toEqual(fb.map((f) => f.receiptId));
      expect(got.get(eu.ref)).toEqual(fe.map((f) => f.receiptId));
      expect(got.has(none.ref)).toBe(false);
    } finally {
      await spy.close();
    }
  });

  it("a kill between two files, then the attach again: exactly one attachment per receipt", async () => {
    const target = await posted(bill(live.us));
    const files = [file("pdf"), file("png"), file("jpg")];
    const points: string[] = [];
    const dying = live.adapter(undefined, {
      crash: (point) => {
        points.push(point);
        if (point === "erp-attach-between") throw new Error("killed between files");
      },
    });
    try {
      await expect(dying.attach(target, files)).rejects.toThrow();
    } finally {
      await dying.close();
    }
    expect(points).toEqual(["erp-attach-between"]);
    expect(await countOf(target.erpId)).toBe(1);

    const r = await erp.attach(target, files);
    expect(r.map((x) => x.created)).toEqual([false, true, true]);
    const rows = await attachmentsOf(target.erpId);
    expect(rows.map((x) => x.name).sort()).toEqual(files.map((f) => `ramp-receipt-${f.fileName}`).sort());
    expect((await erp.listAttachments([target])).get(target.ref)?.sort()).toEqual(
      files.map((f) => f.receiptId).sort(),
    );
  });

  it("attachMany: several records in a few calls; a gone record fails alone; a kill between creates, then again: one each", async () => {
    const a = await posted(transaction(live.us));
    const b = await posted(bill(live.us));
    const gone = {
      ref: "ramp:transaction:gone-many",
      companyKey: live.us.key,
      erpId: "account.move,999999998",
    };
    // More files than one create call takes (CREATE_MAX_FILES), so the batch has two creates.
    const many = Array.from({ length: CREATE_MAX_FILES + 3 }, () => file("png", 64));
    const fb = [file("pdf")];
    const points: string[] = [];
    const dying = live.adapter(undefined, {
      crash: (point) => {
        points.push(point);
        if (point === "erp-attach-between") throw new Error("killed between creates");
      },
    });
    try {
      await expect(
        dying.attachMany([
          { target: a, files: many },
          { target: b, files: fb },
        ]),
      ).rejects.toThrow();
    } finally {
      await dying.close();
    }
    expect(points).toEqual(["erp-attach-between"]);
    const out = await erp.attachMany([
      { target: a, files: many },
      { target: gone, files: [file("pdf")] },
      { target: b, files: fb },
    ]);
    expect(out[1]).toMatchObject({ category: "user_actionable" });
    const created = (o: unknown) => (Array.isArray(o) ? o.filter((r) => r.created).length : -1);
    // The first create call (CREATE_MAX_FILES of a's files) landed before the kill: the rest now.
    expect([created(out[0]), created(out[2])]).toEqual([3, 1]);
    expect(await countOf(a.erpId)).toBe(many.length);
    expect(await countOf(b.erpId)).toBe(1);
    const again = await erp.attachMany([
      { target: a, files: many },
      { target: b, files: fb },
    ]);
    expect(again.map(created)).toEqual([0, 0]);
    const rows = await attachmentsOf(b.erpId);
    expect(Buffer.from(rows[0]?.data ?? "", "base64").equals(Buffer.from(fb[0]?.bytes ?? []))).toBe(true);
  });

  it("attaching to a record that is not there is user-actionable; Tryton down is transient", async () => {
    const gone = { ref: "ramp:transaction:gone", companyKey: live.us.key, erpId: "account.move,999999999" };
    await expect(erp.attach(gone, [file("pdf")])).rejects.toMatchObject({ category: "user_actionable" });
    // A move of the other company is not this company's record either.
    const eu = await posted(transaction(live.eu));
    await expect(erp.attach({ ...eu, companyKey: live.us.key }, [file("pdf")])).rejects.toMatchObject({
      category: "user_actionable",
    });
    const down = live.adapter({ url: "http://127.0.0.1:9" });
    await expect(down.attach(eu, [file("pdf")])).rejects.toMatchObject({ category: "transient" });
    await expect(down.listAttachments([eu])).rejects.toMatchObject({ category: "transient" });
  });
});
