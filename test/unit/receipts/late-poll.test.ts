/**
 * Late receipts (lib/receipts/late.ts, poll.ts): a receipt added after the export is
 * attached once — by the webhook's transaction, or by the poll's created_after listing —
 * only to objects the ledger has in the ERP; the first poll only sets the cursor; a
 * missing scope is probed each poll and the waiting rows are attached once it is back.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../lib/domain/logger.js";
import { attachReceipts } from "../../../lib/receipts/attach.js";
import { attachLate } from "../../../lib/receipts/late.js";
import { pollReceipts } from "../../../lib/receipts/poll.js";
import type { ReceiptDeps } from "../../../lib/receipts/ports.js";
import { memoryMetrics } from "../../../lib/sync/metrics.js";
import {
  type FakeReceipt,
  fakeRamp,
  memoryLedger,
  memoryReceiptStore,
  nonDedupErp,
} from "../../support/memory-receipts.js";
import { tenant } from "../poll-support.js";

const T = (min: number) => new Date(Date.UTC(2026, 3, 4, 10, min)).toISOString();
const r = (id: string, txn: string, min: number): FakeReceipt => ({
  id,
  transactionId: txn,
  createdAt: T(min),
  bytes: new TextEncoder().encode(`%PDF ${id}`),
});

function setup(receipts: FakeReceipt[], posted: Record<string, { erpRef: string }>) {
  const ramp = fakeRamp(receipts);
  const store = memoryReceiptStore();
  const erp = nonDedupErp();
  let now = Date.parse(T(30));
  const deps: ReceiptDeps = {
    tenant: tenant(),
    store,
    ledger: memoryLedger(posted),
    ramp: ramp.port,
    erp,
    download: ramp.download,
    logger: silentLogger,
    metrics: memoryMetrics(),
    clock: () => now,
  };
  return { ramp, store, erp, deps, receipts, setNow: (ms: number) => (now = ms) };
}

describe("late receipts", () => {
  it("receipt_added: attaches the transaction's new receipt once; an unexported transaction is left to the export", async () => {
    const w = setup([r("r1", "t1", 1), r("r2", "t2", 2)], { "transaction#t1": { erpRef: "J1" } });
    expect((await attachLate(w.deps, "t1")).attached).toBe(1);
    expect((await attachLate(w.deps, "t1")).attached).toBe(0);
    expect((await attachLate(w.deps, "t2")).attached).toBe(0);
    expect(w.erp.attachments.map((a) => a.receiptId)).toEqual(["r1"]);
  });

  it("the poll: first run sets the cursor only; later runs attach receipts created after it, once", async () => {
    const w = setup([r("old", "t1", 1)], {
      "transaction#t1": { erpRef: "J1" },
      "transaction#t2": { erpRef: "J2" },
    });
    expect((await pollReceipts(w.deps)).listed).toBe(0);
    expect(w.erp.attachments).toHaveLength(0);
    w.receipts.push(r("new1", "t1", 40), r("new2", "t2", 41), r("notyet", "t3", 42));
    const run = await pollReceipts(w.deps);
    expect(run).toMatchObject({ listed: 3, attached: 2 });
    // The overlap lists them again (LIST_OVERLAP_MS); the rows keep it to one attachment each.
    expect((await pollReceipts(w.deps)).attached).toBe(0);
    expect(w.erp.attachments.map((a) => a.receiptId).sort()).toEqual(["new1", "new2"]);
  });

  it("scope back: the rows that waited for receipts:read are attached by the next poll", async () => {
    const w = setup([r("r1", "t1", 1)], { "transaction#t1": { erpRef: "J1" } });
    w.ramp.setScopeMissing(true);
    await attachReceipts(w.deps, [
      { kind: "transaction", rampId: "t1", entityId: null, erpRef: "J1", receiptIds: ["r1"], at: null },
    ]);
    expect((await pollReceipts(w.deps)).scopeMissing).toBe(true);
    w.ramp.setScopeMissing(false);
    const run = await pollReceipts(w.deps);
    expect(run.attached).toBe(1);
    expect(await w.store.scopeMissingSince("t1")).toBeNull();
  });
});
