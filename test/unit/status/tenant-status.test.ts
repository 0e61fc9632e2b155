import { describe, expect, it } from "vitest";
import type { Kind } from "../../../lib/domain/kinds.js";
import type { TenantStatusStore } from "../../../lib/status/ports.js";
import { readTenantStatus } from "../../../lib/status/read-tenant-status.js";
import {
  assembleTenantStatus,
  HELD_SHOWN,
  type TenantStatusFacts,
} from "../../../lib/status/tenant-status.js";
import type { LedgerBucket } from "../../../lib/sync/ports.js";
import { row, T0 } from "./rows.js";

const NOW = T0 + 3_600_000;
const zeros = {
  HELD: 0,
  CLAIMED: 0,
  POSTED: 0,
  REPORTING: 0,
  FAILED_REPORTABLE: 0,
  FAILED_RETRY: 0,
  FAILED_TOLD: 0,
};

function facts(over: Partial<TenantStatusFacts> = {}): TenantStatusFacts {
  return {
    tenantId: "t1",
    pollRun: undefined,
    lastSynced: new Map(),
    counts: new Map(),
    oldest: [],
    held: [],
    ...over,
  };
}

describe("tenant status (pure assembly)", () => {
  it("a tenant never polled nor synced: every kind present with zeros, nothing unknown made up", () => {
    const s = assembleTenantStatus(facts(), NOW);
    expect(s.lastPoll).toBeNull();
    expect(s.backlogAt).toBeNull();
    expect(s.lastSyncedAt).toBeNull();
    expect(s.oldestUnsynced).toBeNull();
    expect(s.held).toEqual({ total: 0, first: [] });
    expect(s.kinds.map((k) => k.kind)).toEqual([
      "transaction",
      "bill",
      "bill_payment",
      "reimbursement",
      "transfer",
      "cashback",
      "vendor_credit",
      "credit_application",
    ]);
    expect(s.kinds[0]).toEqual({
      kind: "transaction",
      backlog: null,
      buckets: zeros,
      unsynced: 0,
      oldestUnsynced: null,
      lastSyncedAt: null,
    });
  });

  it("takes the backlog from the last finished walk, the poll line from the latest run, the latest sync over kinds", () => {
    const s = assembleTenantStatus(
      facts({
        pollRun: {
          last: {
            at: T0 + 60_000,
            outcome: "failed",
            pages: 0,
            enqueued: 0,
            backlog: {},
            error: "Error: boom",
          },
          lastDone: { at: T0, backlog: { transaction: 4, bill: 0 } },
        },
        lastSynced: new Map([
          ["transaction", { kind: "transaction", at: T0 + 5_000, reportId: "r1", marked: 3 }],
          ["bill", { kind: "bill", at: T0 + 9_000, reportId: "r2", marked: 1 }],
        ]),
      }),
      NOW,
    );
    expect(s.lastPoll).toEqual({
      at: "2026-06-01T12:01:00.000Z",
      outcome: "failed",
      pages: 0,
      enqueued: 0,
      error: "Error: boom",
    });
    expect(s.backlogAt).toBe("2026-06-01T12:00:00.000Z");
    const kind = (k: Kind) => s.kinds.find((x) => x.kind === k);
    expect(kind("transaction")?.backlog).toBe(4);
    // A kind the finished walk did not list counts 0 (it covered the tenant's kinds, with zeros).
    expect(kind("cashback")?.backlog).toBe(0);
    expect(kind("transaction")?.lastSyncedAt).toBe("2026-06-01T12:00:05.000Z");
    expect(s.lastSyncedAt).toBe("2026-06-01T12:00:09.000Z");
  });

  it("counts buckets per kind, and the oldest unsynced row is the oldest change over every bucket", () => {
    const counts = new Map<Kind, Partial<Record<LedgerBucket, number>>>([
      ["transaction", { HELD: 1, FAILED_TOLD: 2, POSTED: 3 }],
      ["bill", { CLAIMED: 1 }],
    ]);
    const oldest = [
      {
        kind: "transaction" as const,
        rampId: "t-new",
        state: "POSTED",
        updatedAt: T0 + 10_000,
        createdAt: T0,
      },
      {
        kind: "transaction" as const,
        rampId: "t-old",
        state: "FAILED",
        updatedAt: T0 + 1_000,
        createdAt: T0,
      },
      { kind: "bill" as const, rampId: "b1", state: "CLAIMED", updatedAt: T0 + 2_000, createdAt: T0 },
    ];
    const s = assembleTenantStatus(facts({ counts, oldest }), NOW);
    const txn = s.kinds[0];
    expect(txn?.buckets).toEqual({ ...zeros, HELD: 1, FAILED_TOLD: 2, POSTED: 3 });
    expect(txn?.unsynced).toBe(6);
    expect(txn?.oldestUnsynced).toEqual({
      kind: "transaction",
      rampId: "t-old",
      state: "FAILED",
      since: "2026-06-01T12:00:01.000Z",
      ageSeconds: 3_599,
    });
    expect(s.kinds[1]?.oldestUnsynced?.rampId).toBe("b1");
    expect(s.oldestUnsynced?.rampId).toBe("t-old");
    expect(s.held.total).toBe(1);
  });

  it(`names the ${HELD_SHOWN} longest-held objects with their reasons, oldest first`, () => {
    const held = Array.from({ length: HELD_SHOWN + 2 }, (_, i) =>
      row({ rampId: `h${i}`, state: "HELD", heldReason: `reason ${i}`, updatedAt: T0 + (10 - i) * 1_000 }),
    );
    const s = assembleTenantStatus(
      facts({ held, counts: new Map([["transaction", { HELD: held.length }]]) }),
      NOW,
    );
    expect(s.held.total).toBe(HELD_SHOWN + 2);
    expect(s.held.first.map((h) => h.rampId)).toEqual(["h6", "h5", "h4", "h3", "h2"]);
    expect(s.held.first[0]).toEqual({
      kind: "transaction",
      rampId: "h6",
      reason: "reason 6",
      since: "2026-06-01T12:00:04.000Z",
    });
  });
});

describe("reading a tenant's status", () => {
  it("asks for the oldest row and the held rows only where a count says there are rows", async () => {
    const asked: string[] = [];
    const store: TenantStatusStore = {
      ledgerCounts: {
        async count(_t, bucket, kind) {
          return bucket === "HELD" && kind === "transaction" ? 1 : 0;
        },
        async oldest(_t, bucket, kind) {
          asked.push(`oldest ${bucket} ${kind}`);
          return { kind, rampId: "h1", state: "HELD", updatedAt: T0, createdAt: T0 };
        },
      },
      ledger: {
        async listBucket(q) {
          asked.push(`list ${q.bucket} ${q.stream}`);
          return { items: [row({ rampId: "h1", state: "HELD", heldReason: "waits" })] };
        },
      },
      pollRuns: { get: async () => undefined },
      lastSynced: { list: async () => new Map() },
    };
    const s = await readTenantStatus(store, "t1", NOW);
    expect(asked).toEqual(["oldest HELD transaction", "list HELD TRANSACTION_SYNC"]);
    expect(s.held.first).toEqual([
      { kind: "transaction", rampId: "h1", reason: "waits", since: "2026-06-01T12:00:00.000Z" },
    ]);
    expect(s.oldestUnsynced?.rampId).toBe("h1");
  });
});
