/**
 * lib/sync/reporter.ts: no row left behind by the report lock (issue #16 item 4).
 * A worker that finds the lock busy leaves its holder a mark and returns
 * `handed-off`; the holder flushes again for every mark before it releases; if
 * the lock was freed or expired between the two, the marker acquires it itself.
 * A button stream's holder drains everything owed; a deadline stops the looping;
 * a crashed holder releases nothing. Interleavings are made by running the other
 * worker inside the holder's Ramp call, or between a marker's two lock calls.
 */
import { describe, expect, it } from "vitest";
import type { SyncPostResult } from "../../../lib/ramp/sync-report.js";
import { InjectedCrash } from "../../../lib/sync/crash-points.js";
import type { ReportLockPort } from "../../../lib/sync/ports.js";
import { type FlushResult, flushReports } from "../../../lib/sync/reporter.js";
import { LEASE, T0, type World, world } from "./world.js";

const POLLED = { tenantId: "acme", syncType: "TRANSACTION_SYNC", syncRequestId: null };
const BUTTON = { ...POLLED, syncRequestId: "req-1" };

let seq = 0;
/** n transactions POSTED straight through the ledger port at the current time (claimed by w1). */
async function posted(w: World, n: number, syncRequestId: string | null = null) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const rampId = `tx-h${++seq}`;
    const tenantId = w.tenant.tenantId;
    await w.store.ledger.claim({
      tenantId,
      kind: "transaction",
      rampId,
      owner: "w1",
      leaseMs: LEASE,
      fingerprint: "f",
      syncRequestId,
    });
    await w.store.ledger.recordPosted(tenantId, "transaction", rampId, "w1", `E-${rampId}`);
    ids.push(rampId);
  }
  return ids;
}

/** Runs `during(k)` inside the k-th sync call (0-based), as another worker would act while the holder waits on Ramp. */
function duringSend(w: World, during: (k: number) => Promise<void>) {
  const post = w.ramp.postSync.bind(w.ramp);
  let k = 0;
  w.ramp.postSync = async (call): Promise<SyncPostResult> => {
    await during(k++);
    return post(call);
  };
}

/** Every id reported across the sync calls, in order. */
const reportedIds = (w: World) => w.ramp.calls.flatMap((c) => (c.successful_syncs ?? []).map((s) => s.id));

const stateOf = async (w: World, id: string) => (await w.row("transaction", id))?.state;

/** The store with some report-lock methods replaced (the rest as they are). */
function withLock(w: World, over: Partial<ReportLockPort>) {
  return { ...w.store, reportLock: { ...w.store.reportLock, ...over } };
}

describe("flushReports: the hand-off", () => {
  it("a worker that finds the lock busy marks it; the holder flushes the rows recorded meanwhile before it releases", async () => {
    const w = world();
    const first = await posted(w, 3, "req-1");
    const later: string[] = [];
    let marker: FlushResult | undefined;
    duringSend(w, async (k) => {
      if (k > 0) return;
      // Another worker records its rows during the holder's send, then flushes: the lock is busy.
      later.push(...(await posted(w, 2, "req-1")));
      marker = await flushReports(w.reporterDeps("r2"), BUTTON, { force: true });
    });
    const holder = await flushReports(w.reporterDeps("r1"), BUTTON, { force: true });
    expect(marker).toMatchObject({ status: "handed-off", calls: 0 });
    expect(holder).toMatchObject({ status: "done", calls: 2, synced: 5 });
    expect(reportedIds(w)).toEqual([...first, ...later]);
    for (const id of [...first, ...later]) expect(await stateOf(w, id)).toBe("MARKED");
    expect(w.store.reportLock.holder(BUTTON)).toBeUndefined();
    expect(w.metrics.total("ReportHandoffs", { outcome: "marked" })).toBe(1);
  });

  it("a mark set after the holder's last look and before its release is seen: the holder flushes again", async () => {
    const w = world();
    const first = await posted(w, 2, "req-1");
    const later: string[] = [];
    let marker: FlushResult | undefined;
    // The holder's probe after its send finds nothing; right then another worker records and flushes.
    const probe = w.store.ledger.probeReportable.bind(w.store.ledger);
    const store = {
      ...w.store,
      ledger: Object.assign(Object.create(w.store.ledger), {
        async probeReportable(q: Parameters<typeof probe>[0]) {
          const p = await probe(q);
          if (p.count === 0 && !marker) {
            later.push(...(await posted(w, 2, "req-1")));
            marker = await flushReports(w.reporterDeps("r2"), BUTTON, { force: true });
          }
          return p;
        },
      }),
    };
    const holder = await flushReports(w.reporterDeps("r1", { store }), BUTTON, { force: true });
    expect(marker).toMatchObject({ status: "handed-off" });
    expect(holder).toMatchObject({ status: "done", calls: 2, synced: 4, handoffs: 1 });
    for (const id of [...first, ...later]) expect(await stateOf(w, id)).toBe("MARKED");
    expect(w.store.reportLock.holder(BUTTON)).toBeUndefined();
  });

  it("a polled stream's holder re-runs the policy once per mark, nothing more: young rows still wait", async () => {
    const w = world();
    await posted(w, 2);
    w.clock.now += 60_000; // old enough for the policy
    const later: string[] = [];
    duringSend(w, async (k) => {
      if (k > 0) return;
      later.push(...(await posted(w, 2)));
      expect((await flushReports(w.reporterDeps("r2"), POLLED)).status).toBe("handed-off");
    });
    const holder = await flushReports(w.reporterDeps("r1"), POLLED);
    expect(holder).toMatchObject({ status: "done", calls: 1, synced: 2, handoffs: 1 });
    for (const id of later) expect(await stateOf(w, id)).toBe("POSTED");
    expect(w.store.reportLock.holder(POLLED)).toBeUndefined();
  });

  it("a forced marker (the sweep) makes a polled stream's holder flush what it would have let gather", async () => {
    const w = world();
    await posted(w, 2);
    w.clock.now += 60_000;
    const later: string[] = [];
    duringSend(w, async (k) => {
      if (k > 0) return;
      later.push(...(await posted(w, 2)));
      expect((await flushReports(w.reporterDeps("sweep"), POLLED, { force: true })).status).toBe(
        "handed-off",
      );
    });
    expect(await flushReports(w.reporterDeps("r1"), POLLED)).toMatchObject({ calls: 2, synced: 4 });
    for (const id of later) expect(await stateOf(w, id)).toBe("MARKED");
  });

  it("a mark that comes after the holder released finds no lock: the marker acquires and reports its rows", async () => {
    const w = world();
    await w.store.reportLock.acquire(BUTTON, "r1", 60_000);
    const ids = await posted(w, 2, "req-1");
    // The holder releases between the marker's failed acquire and its mark.
    const store = withLock(w, {
      markWaiting: async (k, owner, opts) => {
        expect(await w.store.reportLock.releaseIfQuiet(k, "r1", 0)).toEqual({ released: true });
        return w.store.reportLock.markWaiting(k, owner, opts);
      },
    });
    const r = await flushReports(w.reporterDeps("r2", { store }), BUTTON, { force: true });
    expect(r).toMatchObject({ status: "done", calls: 1, synced: 2 });
    for (const id of ids) expect(await stateOf(w, id)).toBe("MARKED");
  });

  it("a lock that expires before the mark takes no mark: the marker takes the lock over and reports", async () => {
    const w = world();
    await w.store.reportLock.acquire(BUTTON, "dead", 60_000);
    const ids = await posted(w, 2, "req-1");
    const store = withLock(w, {
      markWaiting: async (k, owner, opts) => {
        w.clock.now += 60_000; // the holder's lease runs out in between
        return w.store.reportLock.markWaiting(k, owner, opts);
      },
    });
    const r = await flushReports(w.reporterDeps("r2", { store }), BUTTON, { force: true });
    expect(r).toMatchObject({ status: "done", calls: 1, synced: 2 });
    for (const id of ids) expect(await stateOf(w, id)).toBe("MARKED");
    expect(w.store.reportLock.holder(BUTTON)).toBeUndefined();
  });

  it("is busy only when the lock changes hands between every acquire and mark (3 rounds), and says so", async () => {
    const w = world();
    await posted(w, 1, "req-1");
    let marks = 0;
    const store = withLock(w, {
      acquire: async () => ({ held: false }),
      markWaiting: async () => {
        marks++;
        return false;
      },
    });
    const r = await flushReports(w.reporterDeps("r2", { store }), BUTTON, { force: true });
    expect(r).toMatchObject({ status: "busy", calls: 0 });
    expect(marks).toBe(3);
    expect(w.logs.some((l) => l.level === "warn" && /neither free nor markable/.test(l.message))).toBe(true);
    expect(w.metrics.total("ReportHandoffs", { outcome: "busy" })).toBe(1);
  });

  it("a holder killed mid-flush releases nothing: the mark stays on the dead lock until its lease ends, then the next flusher reports all", async () => {
    const w = world();
    const first = await posted(w, 2, "req-1");
    const later: string[] = [];
    duringSend(w, async (k) => {
      if (k > 0) return;
      later.push(...(await posted(w, 2, "req-1")));
      expect((await flushReports(w.reporterDeps("r2"), BUTTON, { force: true })).status).toBe("handed-off");
    });
    const crash = async (point: string) => {
      if (point === "report-call") throw new InjectedCrash("report-call");
    };
    await expect(flushReports(w.reporterDeps("r1", { crash }), BUTTON, { force: true })).rejects.toThrow(
      InjectedCrash,
    );
    expect(w.store.reportLock.holder(BUTTON)).toMatchObject({ owner: "r1", waiting: 1 });
    // While the dead lock is live, a flusher hands off to it (nobody answers: the lease is what ends it).
    expect((await flushReports(w.reporterDeps("r3"), BUTTON, { force: true })).status).toBe("handed-off");
    w.clock.now += 60_000;
    const next = await flushReports(w.reporterDeps("r4"), BUTTON, { force: true });
    expect(next).toMatchObject({ status: "done", replayed: 1, synced: 4 });
    for (const id of [...first, ...later]) expect(await stateOf(w, id)).toBe("MARKED");
  });

  it("a holder whose Ramp call fails defers and frees the lock, marks and all (logged); the next flusher reports", async () => {
    const w = world();
    await posted(w, 1, "req-1");
    w.ramp.answers.push(new Error("503 from Ramp"));
    duringSend(w, async (k) => {
      if (k > 0) return;
      await posted(w, 1, "req-1");
      expect((await flushReports(w.reporterDeps("r2"), BUTTON, { force: true })).status).toBe("handed-off");
    });
    expect(await flushReports(w.reporterDeps("r1"), BUTTON, { force: true })).toMatchObject({
      status: "deferred",
      calls: 1,
    });
    expect(w.store.reportLock.holder(BUTTON)).toBeUndefined();
    expect(w.metrics.total("ReportHandoffs", { outcome: "dropped" })).toBe(1);
    expect(await flushReports(w.reporterDeps("r3"), BUTTON, { force: true })).toMatchObject({
      status: "done",
      replayed: 1,
      synced: 2,
    });
  });
});

describe("flushReports: a button stream drains; a deadline stops the looping", () => {
  it("keeps flushing while rows keep arriving during its sends, with no marker at all; a polled stream stops after a short list", async () => {
    for (const key of [BUTTON, POLLED]) {
      const w = world();
      const ids = await posted(w, 2, key.syncRequestId);
      duringSend(w, async (k) => {
        if (k < 2) ids.push(...(await posted(w, 2, key.syncRequestId))); // a worker still mid-batch
      });
      const r = await flushReports(w.reporterDeps("r1"), key, { force: true });
      const left = [];
      for (const id of ids) if ((await stateOf(w, id)) === "POSTED") left.push(id);
      if (key === BUTTON) {
        expect(r).toMatchObject({ calls: 3, synced: 6, handoffs: 0, cutShort: false });
        expect(left).toEqual([]);
      } else {
        expect(r).toMatchObject({ calls: 1, synced: 2 });
        expect(left).toHaveLength(2);
      }
    }
  });

  it("past its deadline starts no new round and releases: the rest waits for the next flusher or the sweep", async () => {
    const w = world();
    const ids = await posted(w, 2, "req-1");
    let arriving = true;
    duringSend(w, async () => {
      w.clock.now += 1_000; // each sync call takes a second, and a row arrives meanwhile
      if (arriving && ids.length < 10) ids.push(...(await posted(w, 1, "req-1")));
    });
    const r = await flushReports(w.reporterDeps("r1"), BUTTON, { force: true, deadline: T0 + 2_500 });
    arriving = false;
    expect(r).toMatchObject({ status: "done", calls: 3, cutShort: true });
    expect(w.store.reportLock.holder(BUTTON)).toBeUndefined();
    const left = [];
    for (const id of ids) if ((await stateOf(w, id)) === "POSTED") left.push(id);
    expect(left).toEqual(ids.slice(-1));
    expect(await flushReports(w.reporterDeps("r2"), BUTTON, { force: true })).toMatchObject({ synced: 1 });
  });

  it("past its deadline lets a mark go rather than loop: it frees the lock (logged), and the marker's rows go to the next flusher", async () => {
    const w = world();
    await posted(w, 1);
    const later: string[] = [];
    duringSend(w, async (k) => {
      w.clock.now += 5_000;
      if (k > 0) return;
      later.push(...(await posted(w, 1)));
      expect((await flushReports(w.reporterDeps("r2"), POLLED, { force: true })).status).toBe("handed-off");
    });
    // A polled stream: its round ends with the short list, so only the mark asks for another.
    const holder = await flushReports(w.reporterDeps("r1"), POLLED, { force: true, deadline: T0 + 1_000 });
    expect(holder).toMatchObject({ status: "done", calls: 1, handoffs: 0, cutShort: true });
    expect(w.store.reportLock.holder(POLLED)).toBeUndefined();
    expect(w.logs.some((l) => l.level === "warn" && /hand-off marks/.test(l.message))).toBe(true);
    expect(w.metrics.total("ReportHandoffs", { outcome: "dropped" })).toBe(1);
    expect(await stateOf(w, later[0] as string)).toBe("POSTED");
    expect(await flushReports(w.reporterDeps("r3"), POLLED, { force: true })).toMatchObject({ synced: 1 });
  });
});
