/**
 * Receipts end to end on a local stack (issue #17), over real wires: the Ramp sandbox over
 * HTTP (receipts list, receipt by id, pre-signed file URLs), DynamoDB Local, the local SQS,
 * the journal ERP on disk. The drain posts every object, hands its receipts to the receipts
 * queue, and the receipts Lambda attaches them: each file beside the journal holds exactly the
 * bytes Ramp serves, once. Planted before the drain: a transaction with 3 receipts, one with
 * an oversized receipt, one whose receipt was deleted. After it: a redelivered message whose
 * rows were lost (as a kill between attach and record leaves it) attaches nothing twice; late
 * receipts arrive by polling and by the `transactions.receipt_added` webhook.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pollJob } from "../../lib/poll/job.js";
import type { RampBill, RampTransaction } from "../../lib/ramp/model.js";
import { invoiceFileId } from "../../lib/receipts/invoice-id.js";
import { ReconcileReportSchema } from "../../lib/reconcile/report.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { tenantPk } from "../../lib/store/keys.js";
import { type SandboxReceipts, sandboxReceipts } from "../../local/ramp-sandbox/control-client.js";
import type { LocalStack } from "../../local/runtime/stack.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";
import { codeSpend, demoEntityLinks, opsOn, startJournalStack } from "../support/journal-stack.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANT = "rcpt-co";
const MAX = 1024 * 1024;
let r: SandboxRamp;
let rc: SandboxReceipts;
let stack: LocalStack;
let journal: string;
let threeOn: string;
let oversized: string;
let deleted: string;
let txs: RampTransaction[];
/** Synced transactions with one receipt of their own, left alone by the drain's plants: the late tests' targets. */
let spare: RampTransaction[];

type Obj = {
  kind: "transaction" | "reimbursement" | "bill";
  id: string;
  receiptIds: string[];
  synced: boolean;
};

async function objects(): Promise<Obj[]> {
  const out: Obj[] = [];
  for await (const t of r.client.listTransactions())
    out.push({ kind: "transaction", id: t.id, receiptIds: t.receiptIds, synced: t.syncStatus === "SYNCED" });
  for await (const m of r.client.listReimbursements())
    out.push({
      kind: "reimbursement",
      id: m.id,
      receiptIds: m.receiptIds,
      synced: m.syncStatus === "SYNCED",
    });
  for await (const b of r.client.listBills())
    out.push({
      kind: "bill",
      id: b.id,
      receiptIds: [...new Set(b.invoiceUrls.map(invoiceFileId))],
      synced: billSynced(b),
    });
  return out;
}
const billSynced = (b: RampBill) => Boolean(b.syncStatus && b.syncStatus !== "NOT_SYNCED");

/** `receipt:` tags in the journal: receipt id → the paths naming it. */
async function tags(): Promise<Map<string, string[]>> {
  const text = await readFile(journal, "utf8");
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/receipt: ?([^,\s]+)/g)) {
    const path = m[1] as string;
    const id = decodeURIComponent((path.split("/").at(-1) as string).replace(/\.[a-z]+$/, ""));
    out.set(id, [...(out.get(id) ?? []), path]);
  }
  return out;
}

/** What Ramp serves for a receipt (a fresh URL, then its bytes). */
async function served(id: string): Promise<Buffer> {
  const res = await fetch((await rc.getReceipt(id)).receipt_url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function untilTagged(id: string, rounds = 40): Promise<string[]> {
  for (let i = 0; i < rounds; i++) {
    await stack.drain({ timeoutMs: 60_000 });
    const t = (await tags()).get(id);
    if (t) return t;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  return [];
}

beforeAll(async () => {
  r = await sandboxRamp({ transactions: 14, reimbursements: 5, bills: 4, readyShare: 1 });
  rc = sandboxReceipts(r.sb.url);
  const links = await demoEntityLinks(r);
  ({ stack, journal } = await startJournalStack(r, {
    tenantId: TENANT,
    prefix: "receipts",
    tenant: { entities: links, coa: { pushTax: false } },
    env: { RECEIPT_MAX_BYTES: String(MAX) },
  }));
  await codeSpend(r, links);
  txs = [];
  for await (const t of r.client.listTransactions()) txs.push(t);
  const withOne = txs.filter((t) => t.receiptIds.length === 1);
  expect(withOne.length).toBeGreaterThanOrEqual(5);
  spare = withOne.slice(3);
  threeOn = (withOne[0] as RampTransaction).id;
  await rc.addReceipt({ transaction_id: threeOn, content_type: "image/png", size: 40_000 });
  await rc.addReceipt({ transaction_id: threeOn, content_type: "image/jpeg", size: 300_000 });
  oversized = (withOne[1] as RampTransaction).receiptIds[0] as string;
  await rc.updateReceipt(oversized, { size: 3 * MAX });
  deleted = (withOne[2] as RampTransaction).receiptIds[0] as string;
  await rc.deleteReceipt(deleted);
  await stack.pollSchedule();
  await stack.drain({ timeoutMs: 120_000 });
  await stack.sweep();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await r?.close();
});

describe("receipts on a drained local stack", { timeout: 120_000 }, () => {
  it("every synced object's receipts are in the ERP once, with the bytes Ramp serves; none where there are none", async () => {
    const all = await objects();
    const synced = all.filter((o) => o.synced);
    expect(synced.filter((o) => o.kind === "transaction").length).toBeGreaterThanOrEqual(10);
    const downloads = await rc.fileDownloads();
    const t = await tags();
    const expected = synced.flatMap((o) => o.receiptIds).filter((id) => id !== oversized && id !== deleted);
    expect(expected.length).toBeGreaterThan(8);
    // The 3-receipt transaction, the reimbursements and the bills contribute too.
    expect((all.find((o) => o.id === threeOn) as Obj).receiptIds).toHaveLength(3);
    expect(synced.some((o) => o.kind === "reimbursement" && o.receiptIds.length)).toBe(true);
    expect(synced.some((o) => o.kind === "bill" && o.receiptIds.length)).toBe(true);
    expect(synced.some((o) => o.receiptIds.length === 0)).toBe(true);

    for (const id of expected) expect({ id, tags: t.get(id)?.length ?? 0 }).toEqual({ id, tags: 1 });
    // Nothing attached that is not one of these objects' receipts (the oversized and deleted ones included).
    expect([...t.keys()].sort()).toEqual([...expected].sort());
    // One download per receipt file: nothing fetched twice. The oversized one is refused from
    // its Content-Length (its download is counted by the sandbox, its bytes never read).
    for (const o of synced.filter((x) => x.kind !== "bill"))
      for (const id of o.receiptIds)
        if (id !== deleted) expect({ id, n: downloads.receipts[id] }).toEqual({ id, n: 1 });

    for (const o of synced.filter((x) => x.kind !== "bill"))
      for (const id of o.receiptIds.filter((x) => x !== oversized && x !== deleted)) {
        const path = (t.get(id) as string[])[0] as string;
        const onDisk = await readFile(join(dirname(journal), path));
        expect({ id, equal: onDisk.equals(await served(id)) }).toEqual({ id, equal: true });
      }
  });

  it("the oversized and the deleted receipt are not attached: their rows, status and reconcile say why", async () => {
    const all = await objects();
    const of = (rid: string) => all.find((o) => o.receiptIds.includes(rid)) as Obj;
    const rows = await stack.store.receipts.rowsOf(TENANT, [
      { kind: "transaction", rampId: of(oversized).id },
      { kind: "transaction", rampId: of(deleted).id },
    ]);
    expect(rows.find((x) => x.receiptId === oversized)).toMatchObject({
      state: "given_up",
      reason: "too_large",
    });
    expect(rows.find((x) => x.receiptId === deleted)).toMatchObject({ state: "given_up", reason: "gone" });

    const status = await opsOn(stack, "status", "--tenant", TENANT, "--json");
    expect(status.code).toBe(0);
    expect(status.json.tenants[0].receipts).toMatchObject({
      notAttached: expect.arrayContaining([
        { state: "given_up", reason: "too_large", count: 1 },
        { state: "given_up", reason: "gone", count: 1 },
      ]),
      scopeMissingSince: null,
    });
    expect(status.json.tenants[0].receipts.attached).toBe((await tags()).size);

    const rec = await opsOn(stack, "reconcile", "--tenant", TENANT, "--json");
    const report = ReconcileReportSchema.parse(rec.json);
    const missing = report.mismatches.filter((m) => m.class === "receipts_missing");
    expect(missing.map((m) => m.rampId).sort()).toEqual([of(oversized).id, of(deleted).id].sort());
    const text = JSON.stringify(missing);
    expect(text).toContain(`${oversized} (given up: the file is larger than the limit`);
    expect(text).toContain(`${deleted} (given up: deleted in Ramp`);
    expect(rec.code).toBe(1);
  });

  it("a redelivered attach whose rows were lost (killed after the attach) finds them in the ERP: no second file, no download", async () => {
    const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: inject("dynamoEndpoint") });
    const o = (await objects()).find((x) => x.id === threeOn) as Obj;
    const [row] = await stack.store.receipts.rowsOf(TENANT, [{ kind: "transaction", rampId: threeOn }]);
    const erpRef = row?.erpRef as string;
    expect(erpRef).toBeTruthy();
    for (const id of o.receiptIds)
      await doc.send(
        new DeleteCommand({
          TableName: stack.tableName,
          Key: { PK: tenantPk(TENANT), SK: `RECEIPT#transaction#${threeOn}#${id}` },
        }),
      );
    expect(await stack.store.receipts.rowsOf(TENANT, [{ kind: "transaction", rampId: threeOn }])).toEqual([]);
    const before = await rc.fileDownloads();
    await stack.sqs.client().send(
      new SendMessageCommand({
        QueueUrl: stack.queues.receipts.url,
        MessageBody: JSON.stringify({
          v: 1,
          type: "attach",
          tenantId: TENANT,
          objects: [
            {
              kind: "transaction",
              rampId: threeOn,
              entityId: null,
              erpRef,
              receiptIds: o.receiptIds,
              at: null,
            },
          ],
        }),
      }),
    );
    await stack.drain({ timeoutMs: 60_000 });
    const t = await tags();
    for (const id of o.receiptIds) expect(t.get(id)).toHaveLength(1);
    expect((await rc.fileDownloads()).receipts).toEqual(before.receipts);
    const rows = await stack.store.receipts.rowsOf(TENANT, [{ kind: "transaction", rampId: threeOn }]);
    expect(rows.map((x) => x.state)).toEqual(["attached", "attached", "attached"]);
  });

  it("a late receipt (added after the export) is attached by the next scheduled poll", async () => {
    const target = spare[0] as RampTransaction;
    expect(target).toBeDefined();
    // The sandbox's clock is the test's own (2026-06); the receipt is dated now, as Ramp would.
    const late = await rc.addReceipt({ transaction_id: target.id, created_at: new Date().toISOString() });
    // The scheduled poll's job (the tick would send it once the tenant is due again).
    await stack.sqs.client().send(
      new SendMessageCommand({
        QueueUrl: stack.queues.pollJobs.url,
        MessageBody: JSON.stringify(pollJob(TENANT, Date.now())),
      }),
    );
    const paths = await untilTagged(late.id, 5);
    expect(paths).toHaveLength(1);
    expect((await readFile(join(dirname(journal), paths[0] as string))).equals(await served(late.id))).toBe(
      true,
    );
  });

  it("a late receipt is attached from the transactions.receipt_added webhook, with no poll", async () => {
    const sub = await opsOn(
      stack,
      "webhooks",
      "subscribe",
      "--tenant",
      TENANT,
      "--endpoint",
      stack.webhookUrl,
      "--timeout-ms",
      "30000",
    );
    expect(sub.err).toEqual([]);
    expect(sub.code).toBe(0);
    const target = spare[1] as RampTransaction;
    const before = (await tags()).size;
    const late = await rc.addReceipt({ transaction_id: target.id, content_type: "image/png", size: 5000 });
    const paths = await untilTagged(late.id);
    expect(paths).toHaveLength(1);
    expect((await tags()).size).toBe(before + 1);
    const rows = await stack.store.receipts.rowsOf(TENANT, [{ kind: "transaction", rampId: target.id }]);
    expect(rows.find((x) => x.receiptId === late.id)).toMatchObject({ state: "attached" });
  });

  it("ops receipts retry: the oversized one, made small in Ramp, is attached; the deleted one is given up again", async () => {
    await rc.updateReceipt(oversized, { size: 50_000 });
    const dry = await opsOn(stack, "receipts", "retry", "--tenant", TENANT, "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect(dry.json.receipts.map((x: { receiptId: string }) => x.receiptId).sort()).toEqual(
      [oversized, deleted].sort(),
    );
    const tooLarge = await opsOn(
      stack,
      "receipts",
      "retry",
      "--tenant",
      TENANT,
      "--reason",
      "too_large",
      "--json",
    );
    expect(tooLarge.json).toMatchObject({ objects: 1, messages: 1, notInErp: 0 });
    expect(tooLarge.json.receipts).toEqual([
      expect.objectContaining({ receiptId: oversized, reason: "too_large" }),
    ]);
    const paths = await untilTagged(oversized, 5);
    expect(paths).toHaveLength(1);
    expect((await readFile(join(dirname(journal), paths[0] as string))).equals(await served(oversized))).toBe(
      true,
    );
    const all = await opsOn(stack, "receipts", "retry", "--tenant", TENANT);
    expect(all.out.at(-1)).toBe("1 receipts of 1 objects sent to the receipts queue");
    await stack.drain({ timeoutMs: 60_000 });
    const rec = ReconcileReportSchema.parse(
      (await opsOn(stack, "reconcile", "--tenant", TENANT, "--json")).json,
    );
    const missing = rec.mismatches.filter((m) => m.class === "receipts_missing");
    expect(missing).toHaveLength(1);
    expect(missing[0]?.detail).toContain(`${deleted} (given up: deleted in Ramp`);
    expect((await opsOn(stack, "receipts", "retry", "--tenant", TENANT, "--reason", "nope")).code).not.toBe(
      0,
    );
  });
});
