/**
 * Work already in flight, over the real wires (sandbox HTTP, DynamoDB Local,
 * journal ERP): a Sync Button request that arrives for rows another worker is
 * posting or has posted is answered under that request (sync_request_id on the
 * report, the request's rows succeeded), and a long batch keeps its leases
 * alive, so a second worker receiving the same messages meanwhile takes nothing
 * over.
 */
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { ErpPort } from "../../lib/erp/port.js";
import { InjectedCrash } from "../../lib/sync/crash-points.js";
import type { ItemOutcome } from "../../lib/sync/process-item.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const txOnly = {
  transactions: 6,
  reimbursements: 0,
  transfers: 0,
  cashbacks: 0,
  vendorlessShare: 0,
  entities: 1,
  currencies: ["USD"],
};
const sweep = async (s: ReturnType<Harness["syncer"]>) =>
  sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());

describe("a Sync Button request for rows already in flight", () => {
  it("attaches to rows being posted (CLAIMED) and posted (POSTED), and they are reported under the request", async () => {
    h = await syncerHarness({ ...txOnly, syncButton: true });
    const items = await h.ready();
    const [inClaim, inPosted] = [items.slice(0, 3), items.slice(3)];
    // One worker dies right after writing its batch to the ERP: those rows stay CLAIMED.
    const dying = h.syncer({
      crash: (p) => {
        if (p === "post") throw new InjectedCrash(p);
      },
    });
    await expect(dying.processMessages(asRecords(inClaim))).rejects.toBeInstanceOf(InjectedCrash);
    // Another posts the rest; the report waits (rows gather for a minute).
    await h.syncer().processMessages(asRecords(inPosted));
    expect(await h.syncCalls()).toEqual([]);

    const req = await h.r.control<{ sync_request_id: string; total: number }>("POST", "/sync-all", {
      kind: "transactions",
    });
    expect(req.total).toBe(items.length);
    const button = items.map((i) => ({ ...i, syncRequestId: req.sync_request_id }));
    const b = await h.syncer().processMessages(asRecords(button));
    expect(b.results.map((r) => (r.outcome as { reason?: string }).reason).sort()).toEqual([
      ...inClaim.map(() => "in-flight"),
      ...inPosted.map(() => "posted"),
    ]);
    for (const it of items)
      expect((await h.store.ledger.get(TENANT, it.kind, it.rampId))?.syncRequestId).toBe(req.sync_request_id);

    // The dead worker's lease runs out; the redelivered poll messages take the CLAIMED rows over.
    h.clock.now += 121_000;
    const s = h.syncer();
    await s.processMessages(asRecords(inClaim));
    await sweep(s);

    const calls = (await h.syncCalls()) as unknown as Array<{
      syncRequestId: string | null;
      successful: string[];
    }>;
    const named = calls.flatMap((c) => c.successful.map((id) => [id, c.syncRequestId] as const));
    expect(new Map(named)).toEqual(new Map(items.map((i) => [i.rampId, req.sync_request_id])));
    expect(named).toHaveLength(items.length);
    const progress = await h.r.control<{ succeeded: number; pending: number; failed: number }>(
      "GET",
      `/sync-requests/${req.sync_request_id}`,
    );
    expect(progress).toMatchObject({ succeeded: items.length, pending: 0, failed: 0 });
    const refs = await h.journalRefs();
    for (const it of items) expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
  });
});

describe("lease renewal during a long batch", () => {
  it("keeps every claim of a slow batch alive, so a redelivery meanwhile takes nothing over", async () => {
    h = await syncerHarness({ ...txOnly, transactions: 6 });
    const items = await h.ready();
    // A slow ERP taking 50 s per write, one at a time: the batch outlives the 120 s lease.
    const slow: ErpPort = Object.create(h.erp);
    Object.defineProperty(slow, "capabilities", {
      value: { ...h.erp.capabilities, batchPosting: false, maxConcurrency: 1 },
    });
    let writes = 0;
    let meanwhile: ItemOutcome[] | undefined;
    slow.post = async (p) => {
      h.clock.now += 50_000;
      writes++;
      if (writes === 4) {
        // 150 s after the claims: SQS redelivers the same messages to a second worker.
        meanwhile = (await h.syncer().processItems(items)).outcomes;
      }
      return h.erp.post(p);
    };
    const res = await h.syncer({ erp: slow }).processMessages(asRecords(items));
    expect(res.results.map((r) => r.outcome?.status)).toEqual(items.map(() => "posted"));
    expect(meanwhile?.map((o) => o.status)).toEqual(items.map(() => "skipped"));
    const refs = await h.journalRefs();
    for (const it of items) expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
  });
});
