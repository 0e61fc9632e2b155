/**
 * The receipts protocol (lib/receipts/attach.ts) on in-memory ports and an ERP that
 * does not deduplicate: each receipt attached once across redeliveries and crashes at
 * both crash points, expired URLs refreshed, failures recorded by rule, never thrown.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../lib/domain/logger.js";
import { attachReceipts, LIST_THRESHOLD } from "../../../lib/receipts/attach.js";
import { invoiceFileId } from "../../../lib/receipts/invoice-id.js";
import type { ReceiptObject } from "../../../lib/receipts/message.js";
import type { ReceiptDeps } from "../../../lib/receipts/ports.js";
import { MAX_RECEIPT_ATTEMPTS } from "../../../lib/receipts/rules.js";
import { createUrlCache, URL_CACHE_TTL_MS } from "../../../lib/receipts/url-cache.js";
import { memoryMetrics } from "../../../lib/sync/metrics.js";
import {
  type FakeReceipt,
  fakeRamp,
  memoryLedger,
  memoryReceiptStore,
  nonDedupErp,
} from "../../support/memory-receipts.js";
import { tenant } from "../poll-support.js";

const bytes = (s: string) => new TextEncoder().encode(`%PDF-1.4 ${s}`);
const AT = "2026-04-04T10:00:00.000Z";

function receipt(id: string, txn: string | null, extra: Partial<FakeReceipt> = {}): FakeReceipt {
  return { id, transactionId: txn, createdAt: AT, bytes: bytes(id), ...extra };
}

function obj(kind: ReceiptObject["kind"], rampId: string, receiptIds: string[]): ReceiptObject {
  return { kind, rampId, entityId: null, erpRef: `J-${rampId}`, receiptIds, at: AT };
}

function setup(receipts: FakeReceipt[]) {
  const ramp = fakeRamp(receipts, { at: () => AT });
  const store = memoryReceiptStore();
  const erp = nonDedupErp();
  const metrics = memoryMetrics();
  let crashAt: string | null = null;
  const deps: ReceiptDeps = {
    tenant: tenant(),
    store,
    ledger: memoryLedger({}),
    ramp: ramp.port,
    erp,
    download: ramp.download,
    logger: silentLogger,
    metrics,
    clock: () => Date.parse(AT),
    crash: (point) => {
      if (point === crashAt) {
        crashAt = null;
        throw new Error(`crash at ${point}`);
      }
    },
  };
  return { ramp, store, erp, metrics, deps, crashAt: (p: string) => (crashAt = p) };
}

const rowsBy = (s: ReturnType<typeof memoryReceiptStore>, state: string) =>
  [...s.rows.values()].filter((r) => r.state === state);

describe("attachReceipts", () => {
  it("attaches each receipt of objects with 0, 1 and 3 receipts exactly once, again a no-op", async () => {
    const w = setup([receipt("r1", "t1"), receipt("r2", "t2"), receipt("r3", "t2"), receipt("r4", "t2")]);
    const objects = [
      obj("transaction", "t0", []),
      obj("transaction", "t1", ["r1"]),
      obj("transaction", "t2", ["r2", "r3", "r4"]),
    ];
    const run = await attachReceipts(w.deps, objects);
    expect(run).toMatchObject({ attached: 4, failed: 0, retry: false });
    expect(w.erp.attachments.map((a) => `${a.ref}/${a.receiptId}`).sort()).toEqual([
      "ramp:transaction:t1/r1",
      "ramp:transaction:t2/r2",
      "ramp:transaction:t2/r3",
      "ramp:transaction:t2/r4",
    ]);
    expect(new TextDecoder().decode(w.erp.attachments[0]?.bytes)).toContain("%PDF");
    const again = await attachReceipts(w.deps, objects);
    expect(again.attached).toBe(0);
    expect(w.erp.attachments).toHaveLength(4);
    expect(rowsBy(w.store, "attached")).toHaveLength(4);
    expect(w.metrics.total("ReceiptsAttached")).toBe(4);
  });

  it.each(["receipt-downloaded", "receipt-attached"])(
    "a crash at %s, then the redelivery, leaves one attachment each",
    async (point) => {
      const w = setup([receipt("r1", "t1"), receipt("r2", "t1")]);
      const objects = [obj("transaction", "t1", ["r1", "r2"])];
      w.crashAt(point);
      await expect(attachReceipts(w.deps, objects)).rejects.toThrow(`crash at ${point}`);
      expect(w.erp.attachments).toHaveLength(point === "receipt-attached" ? 2 : 0);
      const run = await attachReceipts(w.deps, objects);
      expect(run.failed).toBe(0);
      expect(w.erp.attachments.map((a) => a.receiptId).sort()).toEqual(["r1", "r2"]);
      expect(rowsBy(w.store, "attached")).toHaveLength(2);
    },
  );

  it("refreshes an expired URL once and attaches", async () => {
    const w = setup([receipt("r1", null, { expireNext: true })]);
    const run = await attachReceipts(w.deps, [obj("reimbursement", "re1", ["r1"])]);
    expect(run.attached).toBe(1);
    expect(w.ramp.calls.get).toBe(2);
  });

  it("records an oversized file as given up (reason too_large), retries nothing, throws nothing", async () => {
    const w = setup([receipt("big", "t1", { tooLarge: true }), receipt("ok", "t1")]);
    const run = await attachReceipts(w.deps, [obj("transaction", "t1", ["big", "ok"])]);
    expect(run).toMatchObject({ attached: 1, failed: 1, retry: false });
    const [given] = rowsBy(w.store, "given_up");
    expect(given).toMatchObject({ receiptId: "big", reason: "too_large" });
    expect(w.metrics.total("ReceiptsFailed", { reason: "too_large", final: "yes" })).toBe(1);
    const again = await attachReceipts(w.deps, [obj("transaction", "t1", ["big", "ok"])]);
    expect(again.failed).toBe(0);
  });

  it("a receipt deleted in Ramp is given up as gone", async () => {
    const w = setup([receipt("r1", null, { deleted: true })]);
    await attachReceipts(w.deps, [obj("reimbursement", "re1", ["r1"])]);
    expect(rowsBy(w.store, "given_up")[0]).toMatchObject({ reason: "gone" });
  });

  it("retries a transient failure with the message, then gives up after MAX attempts", async () => {
    const w = setup([receipt("r1", "t1", { failTransient: 100 })]);
    const objects = [obj("transaction", "t1", ["r1"])];
    for (let k = 1; k < MAX_RECEIPT_ATTEMPTS; k++) {
      expect((await attachReceipts(w.deps, objects)).retry).toBe(true);
      expect(rowsBy(w.store, "failed")[0]?.attempts).toBe(k);
    }
    expect((await attachReceipts(w.deps, objects)).retry).toBe(false);
    expect(rowsBy(w.store, "given_up")[0]).toMatchObject({
      reason: "transient",
      attempts: MAX_RECEIPT_ATTEMPTS,
    });
  });

  it("an ERP outage fails the receipts transiently (retry), the object untouched", async () => {
    const w = setup([receipt("r1", "t1")]);
    w.erp.setDown(true);
    const run = await attachReceipts(w.deps, [obj("transaction", "t1", ["r1"])]);
    expect(run).toMatchObject({ attached: 0, retry: true });
    w.erp.setDown(false);
    expect((await attachReceipts(w.deps, [obj("transaction", "t1", ["r1"])])).attached).toBe(1);
  });

  it("a missing receipts:read is recorded once per tenant and alarmed once; rows wait (not attempts)", async () => {
    const w = setup([receipt("r1", null), receipt("r2", null)]);
    w.ramp.setScopeMissing(true);
    const r1 = await attachReceipts(w.deps, [obj("reimbursement", "re1", ["r1"])]);
    const r2 = await attachReceipts(w.deps, [obj("reimbursement", "re2", ["r2"])]);
    expect([r1.scopeMissing, r2.scopeMissing, r1.retry]).toEqual([true, true, false]);
    expect(w.store.scopeRecords).toBe(1);
    expect(w.metrics.total("ReceiptsScopeMissing")).toBe(1);
    expect(rowsBy(w.store, "failed").map((r) => [r.reason, r.attempts])).toEqual([
      ["scope", 0],
      ["scope", 0],
    ]);
  });

  it(`lists a window of transaction receipts in pages of 100 when ${LIST_THRESHOLD}+ are wanted`, async () => {
    const receipts = Array.from({ length: 250 }, (_, k) => receipt(`r${k}`, `t${k}`));
    const w = setup(receipts);
    const run = await attachReceipts(
      w.deps,
      receipts.map((r) => obj("transaction", r.transactionId as string, [r.id])),
    );
    expect(run.attached).toBe(250);
    expect(w.ramp.calls).toMatchObject({ list: 3, get: 0 });
  });

  it("a warm Lambda's later runs take URLs an earlier run's pages carried: no second listing of the window", async () => {
    const receipts = Array.from({ length: 250 }, (_, k) => receipt(`r${k}`, `t${k}`));
    const w = setup(receipts);
    const deps = { ...w.deps, urls: createUrlCache() };
    const objs = receipts.map((r) => obj("transaction", r.transactionId as string, [r.id]));
    // The first run wants the first ten and the last: it pages through the whole window.
    expect((await attachReceipts(deps, [...objs.slice(0, 10), objs[249] as ReceiptObject])).attached).toBe(
      11,
    );
    expect(w.ramp.calls).toMatchObject({ list: 3, get: 0 });
    expect((await attachReceipts(deps, objs.slice(10, 249))).attached).toBe(239);
    expect(w.ramp.calls).toMatchObject({ list: 3, get: 0 });
    // Entries live URL_CACHE_TTL_MS and the cache is bounded, oldest out first.
    const c = createUrlCache({ max: 2 });
    c.put("a", "u-a", 0);
    c.put("b", "u-b", 0);
    c.put("c", "u-c", 0);
    expect([c.get("a", 1), c.get("b", 1), c.get("c", 1)]).toEqual([null, "u-b", "u-c"]);
    expect(c.get("b", URL_CACHE_TTL_MS - 1)).toBe("u-b");
    expect(c.get("b", URL_CACHE_TTL_MS)).toBeNull();
  });

  it("attaches a bill's invoice files by their stable id, from a fresh read of the bill", async () => {
    const w = setup([]);
    const inv = receipt("inv-a", null);
    w.ramp.bills.set("b1", [inv]);
    const id = invoiceFileId(w.ramp.invoiceUrl(inv));
    const run = await attachReceipts(w.deps, [obj("bill", "b1", [id])]);
    expect(run.attached).toBe(1);
    expect(w.erp.attachments[0]).toMatchObject({ ref: "ramp:bill:b1", receiptId: id });
  });
});
