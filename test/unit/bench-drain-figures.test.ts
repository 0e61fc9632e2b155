import { describe, expect, it } from "vitest";
import { drainRunFigures, growthFigures, shortRoute } from "../../bench/drain/figures.js";
import type { DrainFigures } from "../../bench/drain/scenario.js";
import { figureMaker } from "../../bench/figure.js";

const fig = figureMaker("drain");

/** A transactions-only drain of n objects over two entities, every other listing empty. */
function drain(n: number, wallMs: number): DrainFigures {
  const sources = ["bill", "transaction", "reimbursement", "transfer", "cashback", "vendor_credit"] as const;
  const half = n / 2;
  const pages = 2 * Math.ceil(half / 100);
  return {
    reported: { TRANSACTION_SYNC: { synced: n, failed: 0, calls: 1 } },
    objects: n,
    synced: n,
    failed: 0,
    vendorCredits: { listed: 0, marked: 0 },
    listed: sources.flatMap((source) =>
      ["e1", "e2"].map((entityId) => ({ source, entityId, objects: source === "transaction" ? half : 0 })),
    ),
    wallMs,
    phasesMs: { pollSchedule: 200, drain: wallMs - 300, sweep: 100 },
    peakRssMb: 200,
    objectsPerSecond: Math.round((n / wallMs) * 1000),
    receipts: { reads: 0, downloads: 0 },
    rampCalls: {
      total: 1 + pages + 10 + 1,
      byRoute: {
        "GET /developer/v1/entities": 1,
        "GET /developer/v1/transactions": pages,
        "GET /developer/v1/bills": 2,
        "GET /developer/v1/reimbursements": 2,
        "GET /developer/v1/transfers": 2,
        "GET /developer/v1/cashbacks": 2,
        "GET /developer/v1/vendors/credits": 2,
        "POST /developer/v1/accounting/syncs": 1,
      },
      rateLimited: 0,
    },
    awsCalls: { dynamodb: 7 * n, sqs: n / 10, byCommand: {} },
    syncerInvocations: n / 10,
    handlerErrors: 0,
  };
}

describe("drain figures", () => {
  it("shortens routes for the table", () => {
    expect(shortRoute("GET /developer/v1/transactions/{transaction_id}")).toBe("GET transactions/{id}");
  });

  it("holds calls against the floor, collapses empty listings into one row and names what is outside", () => {
    const figures = drainRunFigures(fig, "tx-1k-w8", "1k tx ×8w", drain(1_000, 60_000));
    const byId = new Map(figures.map((f) => [f.id, f]));
    expect(byId.get("drain.tx-1k-w8.ramp-calls")).toMatchObject({ value: 22, floor: 21 });
    expect(byId.get("drain.tx-1k-w8.ramp-calls.GET transactions")).toMatchObject({ value: 10, floor: 10 });
    expect(byId.get("drain.tx-1k-w8.ramp-calls.empty-listings")).toMatchObject({ value: 10, floor: 10 });
    expect(byId.get("drain.tx-1k-w8.ramp-calls.GET entities")?.note).toBe("outside the floor");
    expect(byId.has("drain.tx-1k-w8.ramp-calls.GET bills")).toBe(false);
    expect(byId.get("drain.tx-1k-w8.dynamodb-per-object")?.value).toBe(7);
    expect(byId.get("drain.tx-1k-w8.rate")?.value).toBeCloseTo(16.67, 2);
  });

  it("splits a series into fixed and per-object parts", () => {
    const series = [100, 1_000, 10_000].map((n) => ({ n, drain: drain(n, 10_000 + 50 * n) }));
    const byId = new Map(growthFigures(fig, "tx ×8w", series).map((f) => [f.id, f]));
    expect(byId.get("drain.growth.wall.fixed")?.value).toBe(10_000);
    expect(byId.get("drain.growth.wall.per-object")?.value).toBe(50);
    // 1 page per 100 objects per entity pair + the sync call: ~10 calls per 1,000, like the floor.
    expect(byId.get("drain.growth.ramp-calls.per-1k")?.value).toBeCloseTo(10.2, 0);
    expect(byId.get("drain.growth.ramp-calls.per-1k")?.ratio).toBeCloseTo(1, 1);
  });
});
