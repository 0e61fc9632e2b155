/**
 * lib/sync/reporter.ts flushUnderLock decides on the ledger's cheap probe
 * (probeReportable: a count and the oldest row's time) before it lists anything:
 * young rows under the default policy cost no listing and no sync call; a forced
 * flush lists and reports them; and when the probe says go, the listing decides
 * again (the probe counts bill payments still held for their bill, the listing does not).
 */
import { describe, expect, it, vi } from "vitest";
import type { Kind } from "../../../lib/domain/kinds.js";
import { finishItem, prepareItem } from "../../../lib/sync/process-item.js";
import { flushReports } from "../../../lib/sync/reporter.js";
import { LEASE, tx, type World, world } from "./world.js";

/** n card transactions POSTED (their ERP ids E-<id>), all at the current time. */
async function posted(w: World, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await prepareItem(w.itemDeps(), w.item("transaction", tx()));
    if (p.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), p.claimed, { ok: true, erpRef: `E-${p.claimed.rampId}`, via: "created" });
    ids.push(p.claimed.rampId);
  }
  return ids;
}

/** A row POSTED straight through the ledger port (claimed by w1, recorded at the current time). */
async function postedRow(w: World, kind: Kind, rampId: string) {
  const tenantId = w.tenant.tenantId;
  await w.store.ledger.claim({ tenantId, kind, rampId, owner: "w1", leaseMs: LEASE, fingerprint: "f" });
  await w.store.ledger.recordPosted(tenantId, kind, rampId, "w1", `E-${rampId}`);
}

function spies(w: World) {
  return {
    probe: vi.spyOn(w.store.ledger, "probeReportable"),
    list: vi.spyOn(w.store.ledger, "listReportable"),
  };
}

describe("flushReports decides on the probe before listing", () => {
  it("3 fresh rows under the default policy: a batch-end flush lists nothing and sends nothing; a forced one reports them", async () => {
    const w = world();
    const key = { tenantId: w.tenant.tenantId, syncType: "TRANSACTION_SYNC", syncRequestId: null };
    const ids = await posted(w, 3);
    const spy = spies(w);

    const quiet = await flushReports(w.reporterDeps(), key);
    expect(quiet).toMatchObject({ status: "done", calls: 0, synced: 0 });
    expect(spy.probe).toHaveBeenCalledTimes(1);
    expect(spy.probe).toHaveBeenCalledWith(expect.objectContaining({ ...key }));
    expect(spy.list).not.toHaveBeenCalled();
    expect(w.ramp.calls).toEqual([]);
    for (const id of ids) expect((await w.row("transaction", id))?.state).toBe("POSTED");

    const forced = await flushReports(w.reporterDeps(), key, { force: true });
    expect(forced).toMatchObject({ status: "done", calls: 1, synced: 3 });
    expect(spy.list).toHaveBeenCalledTimes(1);
    expect(w.ramp.calls).toHaveLength(1);
    expect(w.ramp.calls[0]?.successful_syncs?.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await w.row("transaction", id))?.state).toBe("MARKED");
  });

  it("when the probe says go, the listing decides again: an old payment held for its bill does not send a young one", async () => {
    const w = world();
    const tenantId = w.tenant.tenantId;
    const key = { tenantId, syncType: "BILL_PAYMENT_SYNC", syncRequestId: null };
    await postedRow(w, "bill_payment", "held"); // its bill is never MARKED
    w.clock.now += 60_000;
    await postedRow(w, "bill_payment", "ready");
    await w.store.ledger.adoptSyncedElsewhere({ tenantId, kind: "bill", rampId: "ready", erpRef: "B-1" });
    const spy = spies(w);

    // the probe counts both and sees the held one's age; the listing has only the young one
    expect(await w.store.ledger.probeReportable({ ...key, limit: 10 })).toMatchObject({ count: 2 });
    spy.probe.mockClear();
    expect(await flushReports(w.reporterDeps(), key)).toMatchObject({ status: "done", calls: 0 });
    expect(spy.probe).toHaveBeenCalledTimes(1);
    expect(spy.list).toHaveBeenCalledTimes(1);
    expect(w.ramp.calls).toEqual([]);

    w.clock.now += 60_000;
    expect(await flushReports(w.reporterDeps(), key)).toMatchObject({ status: "done", calls: 1, synced: 1 });
    expect(w.ramp.calls[0]?.successful_syncs?.map((s) => s.id)).toEqual(["ready"]);
    expect((await w.store.ledger.get(tenantId, "bill_payment", "held"))?.state).toBe("POSTED");

    // only the held payment waits: forced, the probe says go and the listing finds nothing to send
    spy.list.mockClear();
    expect(await flushReports(w.reporterDeps(), key, { force: true })).toMatchObject({ calls: 0 });
    expect(spy.list).toHaveBeenCalledTimes(1);
    expect(w.ramp.calls).toHaveLength(1);
  });
});
