/**
 * The DynamoDB repositories held to the store contract lib/sync relies on (the
 * in-memory fakes pass it too, in test/unit/support), and both run through one
 * scripted history side by side.
 */
import { describe, expect, it } from "vitest";
import { createStore } from "../../lib/store/index.js";
import type { SyncStore } from "../../lib/sync/ports.js";
import { freshTable } from "../support/dynamo-client.js";
import { createMemoryStore } from "../support/memory-store/index.js";
import { describeStoreContract } from "../support/store-contract.js";

let table: Promise<Awaited<ReturnType<typeof freshTable>>> | undefined;

describeStoreContract("DynamoDB", async (clock) => {
  table ??= freshTable("contract");
  const { doc, tableName } = await table;
  return createStore({ doc, tableName, clock: () => clock.now });
});

describe("the fake and the table, side by side", () => {
  it("end a scripted history (claims, takeover, failures, an intent and its close) in the same rows", async () => {
    const clock = { now: Date.UTC(2026, 3, 2, 9) };
    table ??= freshTable("contract");
    const { doc, tableName } = await table;
    const stores = [
      createStore({ doc, tableName, clock: () => clock.now }),
      createMemoryStore(() => clock.now),
    ];
    const tenantId = `side-by-side-${Math.random().toString(36).slice(2, 8)}`;
    const stream = { tenantId, syncType: "TRANSACTION_SYNC", syncRequestId: null };
    const claim = (s: SyncStore, rampId: string, owner: string) =>
      s.ledger.claim({ tenantId, kind: "transaction", rampId, owner, leaseMs: 1_000, fingerprint: "f" });
    const failure = {
      category: "transient" as const,
      message: "down",
      transientAttemptsBeforeReport: 1,
      coolDownMs: 0,
    };
    const ends: unknown[] = [];
    for (const s of stores) {
      clock.now = Date.UTC(2026, 3, 2, 9);
      for (const id of ["a", "b", "c"]) await claim(s, id, "w1");
      clock.now += 1_000;
      await claim(s, "b", "w2"); // takeover
      await s.ledger.recordPosted(tenantId, "transaction", "a", "w1", "E-a");
      await s.ledger.recordPosted(tenantId, "transaction", "b", "w1", "E-b"); // lost lease
      await s.ledger.recordFailed(tenantId, "transaction", "c", "w1", failure);
      clock.now += 1_000;
      const listed = await s.ledger.listReportable({ ...stream, limit: 10 });
      const intent = await s.reportIntents.writeIntent({ ...stream, items: listed.items });
      const summary = intent ? await s.reportIntents.closeIntent(intent, { reReport: ["c"] }) : null;
      const rows = await Promise.all(["a", "b", "c"].map((id) => s.ledger.get(tenantId, "transaction", id)));
      const id = (reportId: string | undefined) => (reportId ? "<id>" : undefined);
      const strip = rows.map(
        (r) =>
          r && {
            ...r,
            reportId: id(r.reportId),
            history: r.history?.map((h) => ({ ...h, reportId: id(h.reportId) })),
          },
      );
      ends.push({
        listed: listed.items.map((r) => r.rampId),
        key: intent?.idempotencyKey,
        summary,
        rows: strip,
      });
    }
    expect(ends[0]).toMatchObject({ listed: ["a", "c"], summary: { marked: 1, reReported: 1 } });
    expect(JSON.parse(JSON.stringify(ends[1]))).toEqual(JSON.parse(JSON.stringify(ends[0])));
  });
});
