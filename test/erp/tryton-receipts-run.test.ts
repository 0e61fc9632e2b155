/**
 * A receipts run into the live trytond (issue #17): the receipts worker's own attach run
 * (lib/receipts/attach.ts) with the Ramp client over HTTP to the sandbox (receipts list and
 * pre-signed files), the real downloader, and the Tryton adapter over JSON-RPC. Two card
 * transactions are posted to Tryton under the sandbox's transaction ids; the run attaches their
 * receipts (1 and 3), and what Tryton holds is read back directly: one ir.attachment per
 * receipt on the move, holding the bytes Ramp serves. A second run (the rows lost, as a kill
 * after the attach leaves them) finds them in Tryton and attaches nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { receiptIdOfAttachment } from "../../lib/erp/tryton/attachments.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import type { RampTransaction } from "../../lib/ramp/model.js";
import { attachReceipts } from "../../lib/receipts/attach.js";
import { downloadFile } from "../../lib/receipts/download.js";
import type { ReceiptObject } from "../../lib/receipts/message.js";
import type { ReceiptDeps } from "../../lib/receipts/ports.js";
import { receiptRampOf } from "../../lib/receipts/ramp-view.js";
import { memoryMetrics } from "../../lib/sync/metrics.js";
import { sandboxReceipts } from "../../local/ramp-sandbox/control-client.js";
import { type SandboxRamp, sandboxRamp } from "../integration/coa-harness.js";
import { memoryLedger, memoryReceiptStore } from "../support/memory-receipts.js";
import { tenant } from "../unit/poll-support.js";
import { transaction } from "./support/postings.js";
import { connectLive, type Live } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
let r: SandboxRamp;

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
  // A fresh seed per run: the live database keeps what earlier runs posted under the same ids.
  r = await sandboxRamp({ transactions: 10, readyShare: 1, seed: Math.floor(Math.random() * 1e9) });
});
afterAll(async () => {
  await erp?.close();
  await r?.close();
});

/** A receipts run's deps: the real client over HTTP, the real downloader, the live adapter; fresh rows each time. */
const runDeps = (cfg: ReceiptDeps["tenant"]): ReceiptDeps => ({
  tenant: cfg,
  store: memoryReceiptStore(),
  ledger: memoryLedger({}),
  ramp: receiptRampOf(r.client),
  erp,
  download: (url, o) => downloadFile(url, o),
  logger: silentLogger,
  metrics: memoryMetrics(),
  clock: Date.now,
});

interface AttachmentRow {
  id: number;
  name: string;
  data: string;
}

const attachmentsOf = (erpId: string) =>
  live.session.rpc.searchRead<AttachmentRow>("ir.attachment", [["resource", "=", erpId]], ["name", "data"]);

describe("a receipts run into live Tryton", () => {
  it("attaches each receipt once as an ir.attachment with Ramp's bytes; a repeat without rows adds none", async () => {
    const txs: RampTransaction[] = [];
    for await (const t of r.client.listTransactions()) txs.push(t);
    const [one, three] = txs.filter((t) => t.receiptIds.length === 1) as [RampTransaction, RampTransaction];
    expect(three).toBeDefined();
    const rc = sandboxReceipts(r.sb.url);
    const extra = [
      (await rc.addReceipt({ transaction_id: three.id, content_type: "image/png", size: 30_000 })).id,
      (await rc.addReceipt({ transaction_id: three.id, content_type: "image/jpeg", size: 120_000 })).id,
    ];
    const cfg = tenant();
    const company = cfg.companies[0];
    if (company) cfg.companies[0] = { ...company, key: live.us.key };
    const objects: ReceiptObject[] = [];
    const none = txs.find((t) => t.receiptIds.length === 0) ?? (txs.at(-2) as RampTransaction);
    for (const [t, ids] of [
      [one, one.receiptIds],
      [three, [...three.receiptIds, ...extra]],
      // An object with no receipt (or one whose receipts are not handed over): nothing on its move.
      [none, []],
    ] as const) {
      const p = { ...transaction(live.us), rampId: t.id, ref: externalRef("transaction", t.id) };
      const posted = await erp.post(p);
      objects.push({
        kind: "transaction",
        rampId: t.id,
        entityId: null,
        erpRef: posted.erpId,
        receiptIds: [...ids],
        at: null,
      });
    }
    const deps = () => runDeps(cfg);

    const run = await attachReceipts(deps(), objects);
    expect(run).toMatchObject({ attached: 4, failed: 0, retry: false });
    for (const o of objects) {
      const rows = await attachmentsOf(o.erpRef);
      expect(rows).toHaveLength(o.receiptIds.length);
      for (const id of o.receiptIds) {
        const row = rows.find((x) => receiptIdOfAttachment(x.name) === id);
        expect(row, id).toBeDefined();
        const res = await fetch((await rc.getReceipt(id)).receipt_url);
        const want = Buffer.from(await res.arrayBuffer());
        expect(Buffer.from(row?.data ?? "", "base64").equals(want)).toBe(true);
      }
    }
    const before = await rc.fileDownloads();
    // Fresh rows (a kill after the attach): Tryton already holds them — recorded, nothing downloaded or created.
    const again = await attachReceipts(deps(), objects);
    expect(again).toMatchObject({ attached: 0, failed: 0 });
    for (const o of objects) expect(await attachmentsOf(o.erpRef)).toHaveLength(o.receiptIds.length);
    expect((await rc.fileDownloads()).receipts).toEqual(before.receipts);
  });

  it("an expired URL is refreshed by id and the file attached (Ramp's clock moved 2 h past the URL)", async () => {
    const txs: RampTransaction[] = [];
    for await (const t of r.client.listTransactions()) txs.push(t);
    const rc = sandboxReceipts(r.sb.url);
    const tx = txs[txs.length - 1] as RampTransaction;
    const added = await rc.addReceipt({
      transaction_id: tx.id,
      content_type: "application/pdf",
      size: 8_000,
    });
    const stale = added.receipt_url;
    await r.control("POST", "/clock", { advance_ms: 2 * 3600_000 });
    expect((await fetch(stale)).status).toBe(403);
    const cfg = tenant();
    const company = cfg.companies[0];
    if (company) cfg.companies[0] = { ...company, key: live.us.key };
    const posted = await erp.post({
      ...transaction(live.us),
      rampId: tx.id,
      ref: externalRef("transaction", tx.id),
    });
    await r.resetCounters();
    const run = await attachReceipts(
      runDeps(cfg),
      [
        {
          kind: "transaction",
          rampId: tx.id,
          entityId: null,
          erpRef: posted.erpId,
          receiptIds: [added.id],
          at: null,
        },
      ],
      // The URL a listing handed over before the clock moved (as a late receipt's list does).
      new Map([[added.id, { id: added.id, createdAt: added.created_at, url: stale, transactionId: tx.id }]]),
    );
    expect(run).toMatchObject({ attached: 1, failed: 0 });
    // The stale download (403), one fresh read by id, the download that worked.
    expect(await r.calls()).toMatchObject({
      "GET /files/receipts/{receipt_id}": 2,
      "GET /developer/v1/receipts/{receipt_id}": 1,
    });
    const rows = await attachmentsOf(posted.erpId);
    expect(rows.map((x) => receiptIdOfAttachment(x.name))).toContain(added.id);
  });
});
