/**
 * lib/sync/reporter.ts over the in-memory store: the report lock, replay of open
 * intents with their own key, the flush policy's decisions (young rows wait,
 * old / full / forced / button streams go), a failed call deferred, and a 422
 * split by Ramp's reasons.
 */
import { describe, expect, it } from "vitest";
import { InjectedCrash } from "../../../lib/sync/crash-points.js";
import { finishItem, prepareItem } from "../../../lib/sync/process-item.js";
import { flushReports } from "../../../lib/sync/reporter.js";
import { tx, type World, world } from "./world.js";

const KEY = { tenantId: "acme", syncType: "TRANSACTION_SYNC", syncRequestId: null };

/** n card transactions POSTED (their ERP ids E-<id>), all at the current time. */
async function posted(w: World, n: number, syncRequestId?: string) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await prepareItem(
      w.itemDeps(),
      w.item("transaction", tx(), syncRequestId ? { syncRequestId } : {}),
    );
    if (p.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), p.claimed, { ok: true, erpRef: `E-${p.claimed.rampId}`, via: "created" });
    ids.push(p.claimed.rampId);
  }
  return ids;
}

describe("flushReports: when to send", () => {
  it("sends nothing when nothing waits", async () => {
    const w = world();
    const r = await flushReports(w.reporterDeps(), KEY, { force: true });
    expect(r).toMatchObject({ status: "done", calls: 0 });
    expect(w.ramp.calls).toEqual([]);
  });

  it("lets young rows gather, then sends them once the oldest is old enough", async () => {
    const w = world();
    const ids = await posted(w, 2);
    expect(await flushReports(w.reporterDeps(), KEY)).toMatchObject({ status: "done", calls: 0 });
    w.clock.now += 60_000;
    const r = await flushReports(w.reporterDeps(), KEY);
    expect(r).toMatchObject({ status: "done", calls: 1, synced: 2 });
    expect(w.ramp.calls[0]?.successful_syncs?.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect((await w.row("transaction", ids[0] as string))?.state).toBe("MARKED");
  });

  it("sends at once when forced, or when a full list waits", async () => {
    const w = world();
    await posted(w, 3);
    const full = { maxItems: 3, maxAgeMs: 60_000, buttonMaxItems: 100, buttonMaxAgeMs: 2_000 };
    expect(await flushReports(w.reporterDeps("r1", { flush: full }), KEY)).toMatchObject({
      calls: 1,
      synced: 3,
    });
    await posted(w, 1);
    expect(await flushReports(w.reporterDeps(), KEY, { force: true })).toMatchObject({ calls: 1, synced: 1 });
  });

  it("answers a Sync Button request within seconds, under its own sync_request_id", async () => {
    const w = world();
    await posted(w, 1, "req-1");
    const key = { ...KEY, syncRequestId: "req-1" };
    expect(await flushReports(w.reporterDeps(), key)).toMatchObject({ calls: 0 });
    w.clock.now += 2_000;
    expect(await flushReports(w.reporterDeps(), key)).toMatchObject({ calls: 1 });
    expect(w.ramp.calls[0]).toMatchObject({ sync_request_id: "req-1" });
  });

  it("reports a failure told to Ramp with its message, and the row becomes FAILED told", async () => {
    const w = world();
    const p = await prepareItem(w.itemDeps(), w.item("transaction", tx({ entityId: "nobody-maps-this" })));
    expect(p.kind).toBe("done");
    const r = await flushReports(w.reporterDeps(), KEY, { force: true });
    expect(r).toMatchObject({ calls: 1, failed: 1 });
    expect(w.ramp.calls[0]?.failed_syncs?.[0]?.error.message).toBeTruthy();
  });
});

describe("flushReports: the lock and open intents", () => {
  it("hands off while another worker holds the stream's lock (a mark on it), and is free again once it expires", async () => {
    const w = world();
    await posted(w, 1);
    await w.store.reportLock.acquire(KEY, "someone", 60_000);
    expect(await flushReports(w.reporterDeps(), KEY, { force: true })).toMatchObject({
      status: "handed-off",
      calls: 0,
    });
    expect(w.store.reportLock.holder(KEY)).toMatchObject({
      owner: "someone",
      waiting: 1,
      waitingForced: true,
    });
    w.clock.now += 60_000;
    expect(await flushReports(w.reporterDeps(), KEY, { force: true })).toMatchObject({
      status: "done",
      calls: 1,
    });
    expect(w.store.reportLock.holder(KEY)).toBeUndefined();
  });

  it("defers when Ramp fails: the intent stays open and is replayed with the same key", async () => {
    const w = world();
    await posted(w, 2);
    w.ramp.answers.push(new Error("503 from Ramp"));
    expect(await flushReports(w.reporterDeps(), KEY, { force: true })).toMatchObject({
      status: "deferred",
      calls: 1,
    });
    const [open] = w.store.reportIntents.open();
    expect(open?.outcomes).toHaveLength(2);
    await posted(w, 1); // a newer row does not join the replayed intent
    const r = await flushReports(w.reporterDeps(), KEY, { force: true });
    expect(r).toMatchObject({ status: "done", replayed: 1, calls: 2, synced: 3 });
    expect(w.ramp.calls[1]?.idempotency_key).toBe(w.ramp.calls[0]?.idempotency_key);
    expect(w.ramp.calls[1]?.successful_syncs).toHaveLength(2);
    expect(w.store.reportIntents.open()).toEqual([]);
  });

  it("closes a replayed intent Ramp had already applied (DEVELOPER_7005)", async () => {
    const w = world();
    await posted(w, 1);
    w.ramp.answers.push(new Error("timeout"), {
      outcome: "already_applied",
      idempotencyKey: "k",
      traceId: null,
    });
    await flushReports(w.reporterDeps(), KEY, { force: true });
    expect(await flushReports(w.reporterDeps(), KEY, { force: true })).toMatchObject({
      replayed: 1,
      synced: 1,
    });
    expect(w.logs.some((l) => l.message.startsWith("sync report replayed"))).toBe(true);
  });

  it("leaves the lock to expire when the worker is killed (an injected crash)", async () => {
    const w = world();
    await posted(w, 1);
    const crash = async (point: string) => {
      if (point === "intent") throw new InjectedCrash("intent");
    };
    await expect(flushReports(w.reporterDeps("r1", { crash }), KEY, { force: true })).rejects.toThrow(
      InjectedCrash,
    );
    expect(w.store.reportLock.holder(KEY)?.owner).toBe("r1");
    expect(w.store.reportIntents.open()).toHaveLength(1);
  });
});

describe("flushReports: a refused report", () => {
  it("closes ALREADY_SYNCED ids as synced elsewhere and re-reports the rest in a new intent", async () => {
    const w = world();
    const [a, b] = await posted(w, 2);
    w.ramp.answers.push({
      outcome: "refused",
      refused: [{ id: a as string, reason: "ALREADY_SYNCED", message: null }],
      idempotencyKey: "k",
      traceId: null,
      code: null,
    });
    const r = await flushReports(w.reporterDeps(), KEY, { force: true });
    expect(r).toMatchObject({ calls: 2, syncedElsewhere: 1, synced: 1 });
    expect(w.ramp.calls[1]?.successful_syncs?.map((s) => s.id)).toEqual([b]);
    expect(w.ramp.calls[1]?.idempotency_key).not.toBe(w.ramp.calls[0]?.idempotency_key);
    expect(await w.row("transaction", a as string)).toMatchObject({ state: "MARKED", syncedElsewhere: true });
  });

  it("never closes an id refused for another reason: logged, left out of this flush, still waiting", async () => {
    const w = world();
    const [a, b] = await posted(w, 2);
    w.ramp.answers.push({
      outcome: "refused",
      refused: [{ id: a as string, reason: "UNKNOWN", message: "no" }],
      idempotencyKey: "k",
      traceId: "tr-1",
      code: null,
    });
    const r = await flushReports(w.reporterDeps(), KEY, { force: true });
    expect(r.refused).toEqual([{ id: a, reason: "UNKNOWN", message: "no" }]);
    expect(w.ramp.calls[1]?.successful_syncs?.map((s) => s.id)).toEqual([b]);
    expect(await w.row("transaction", a as string)).toMatchObject({ state: "POSTED" });
    expect(w.metrics.total("SyncRefused")).toBe(1);
  });
});
