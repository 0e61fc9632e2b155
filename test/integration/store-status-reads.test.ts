/**
 * The store's operator reads and records on DynamoDB Local: bucket counts and the
 * oldest row per bucket × kind (button rows sort before the rest in GSI1, so the
 * oldest is not simply the first), the last poll run (the latest kept, the
 * backlog only from a finished walk), and the last sync a report's close records
 * (once per report and kind, only ever moving forward).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createStore, type Store } from "../../lib/store/index.js";
import { freshTable } from "../support/dynamo-client.js";

const T0 = Date.UTC(2026, 5, 1, 9);
let store: Store;
let clock: { now: number };
let tenantId: string;
let n = 0;

beforeEach(async () => {
  const { doc, tableName } = await freshTable("status");
  clock = { now: T0 };
  store = createStore({ doc, tableName, clock: () => clock.now });
  tenantId = `status-${++n}`;
});

const claim = (rampId: string, over: { kind?: "transaction" | "bill"; syncRequestId?: string } = {}) =>
  store.ledger.claim({
    tenantId,
    kind: over.kind ?? "transaction",
    rampId,
    owner: "w1",
    leaseMs: 60_000,
    fingerprint: "f",
    ...(over.syncRequestId ? { syncRequestId: over.syncRequestId } : {}),
  });

describe("ledger counts", () => {
  it("counts one bucket of one kind (not another kind), and finds the oldest row even when a button row sorts first", async () => {
    clock.now = T0 + 5_000;
    await claim("plain-new");
    clock.now = T0 + 1_000;
    await claim("plain-old");
    // A Sync Button row changed after the plain ones started but sorts before them (REQ# < NOREQ#).
    clock.now = T0 + 3_000;
    await claim("button-mid", { syncRequestId: "req-z" });
    // Another kind in its own stream: never counted as a transaction.
    await claim("bill-1", { kind: "bill" });
    const counts = store.ledgerCounts;
    expect(await counts.count(tenantId, "CLAIMED", "transaction")).toBe(3);
    expect(await counts.count(tenantId, "CLAIMED", "bill")).toBe(1);
    expect(await counts.count(tenantId, "POSTED", "transaction")).toBe(0);
    expect(await counts.oldest(tenantId, "CLAIMED", "transaction")).toMatchObject({
      rampId: "plain-old",
      updatedAt: T0 + 1_000,
    });
    // Now the button row is the oldest: it must be found although plain rows are first by time.
    clock.now = T0 - 10_000;
    await claim("button-old", { syncRequestId: "req-a" });
    expect(await counts.oldest(tenantId, "CLAIMED", "transaction")).toMatchObject({
      rampId: "button-old",
      state: "CLAIMED",
    });
    expect(await counts.oldest(tenantId, "HELD", "transaction")).toBeUndefined();
  });
});

describe("poll runs", () => {
  const run = (at: number, outcome: "done" | "continued" | "failed", backlog = {}) => ({
    at,
    outcome,
    pages: 2,
    enqueued: 3,
    backlog,
    ...(outcome === "failed" ? { error: "Error: boom" } : {}),
  });

  it("keeps the latest run, and the backlog of the latest finished walk", async () => {
    await store.pollRuns.record(tenantId, run(T0, "done", { transaction: 4 }));
    await store.pollRuns.record(tenantId, run(T0 + 2_000, "failed"));
    // A late, older invocation changes nothing.
    await store.pollRuns.record(tenantId, run(T0 + 1_000, "continued", { transaction: 9 }));
    expect(await store.pollRuns.get(tenantId)).toEqual({
      last: run(T0 + 2_000, "failed"),
      lastDone: { at: T0, backlog: { transaction: 4 } },
    });
    expect(await store.pollRuns.get("nobody")).toBeUndefined();
  });
});

describe("last synced", () => {
  it("a report's close records when it marked rows, once per kind, moving forward only", async () => {
    const stream = { tenantId, syncType: "TRANSACTION_SYNC", syncRequestId: null };
    for (const id of ["a", "b"]) {
      await claim(id);
      await store.ledger.recordPosted(tenantId, "transaction", id, "w1", `E-${id}`);
    }
    const listed = await store.ledger.listReportable({ ...stream, limit: 10 });
    const intent = await store.reportIntents.writeIntent({ ...stream, items: listed.items });
    if (!intent) throw new Error("no intent");
    clock.now = T0 + 60_000;
    await store.reportIntents.closeIntent(intent);
    expect([...(await store.lastSynced.list(tenantId)).values()]).toEqual([
      { kind: "transaction", at: T0 + 60_000, reportId: intent.reportId, marked: 2 },
    ]);
    // An older time never replaces a newer one.
    await store.lastSynced.record(tenantId, { kind: "transaction", at: T0, reportId: "old", marked: 1 });
    expect((await store.lastSynced.list(tenantId)).get("transaction")?.reportId).toBe(intent.reportId);
    // A close repeated after a crash marks nothing new and records nothing.
    clock.now = T0 + 120_000;
    await store.reportIntents.closeIntent(intent);
    expect((await store.lastSynced.list(tenantId)).get("transaction")?.at).toBe(T0 + 60_000);
  });
});
