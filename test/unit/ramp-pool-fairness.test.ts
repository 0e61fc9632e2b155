import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  estimatedDemand,
  maxMinShares,
  type PoolTenantUse,
  tenantWindowShare,
} from "../../lib/ramp/pool-fairness.js";
import { rateLimitKeyFor } from "../../lib/ramp/rate-scope.js";

const demandArb = fc.oneof(fc.nat(60), fc.constant(Number.POSITIVE_INFINITY));
const demandsArb = fc
  .dictionary(fc.stringMatching(/^[a-z]{1,4}$/), demandArb, { minKeys: 1, maxKeys: 12 })
  .map((d) => new Map(Object.entries(d)));

describe("max-min fair shares of a pool's slot", () => {
  it("never hands out more than the capacity, and all of it when demand exceeds it", () => {
    fc.assert(
      fc.property(fc.nat(80), demandsArb, fc.nat(), (capacity, demands, rotate) => {
        const shares = maxMinShares(capacity, demands, rotate);
        const total = [...shares.values()].reduce((a, b) => a + b, 0);
        const wanted = [...demands.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeLessThanOrEqual(capacity);
        expect(total).toBe(Math.min(capacity, wanted));
        for (const [id, d] of demands) expect(shares.get(id)).toBeLessThanOrEqual(d);
      }),
    );
  });

  it("gives every tenant at least the lesser of its demand and an even split (no starvation)", () => {
    fc.assert(
      fc.property(fc.nat(80), demandsArb, fc.nat(), (capacity, demands, rotate) => {
        const shares = maxMinShares(capacity, demands, rotate);
        const even = Math.floor(capacity / demands.size);
        for (const [id, d] of demands) expect(shares.get(id)).toBeGreaterThanOrEqual(Math.min(d, even));
      }),
    );
  });

  it("leaves a quiet tenant's unused share to the busy one", () => {
    const shares = maxMinShares(
      38,
      new Map([
        ["big", Number.POSITIVE_INFINITY],
        ["small", 3],
      ]),
    );
    expect(shares.get("small")).toBe(3);
    expect(shares.get("big")).toBe(35);
  });

  it("rotates the leftover of a short slot, so the same tenants do not win every slot", () => {
    const hungry = new Map(["a", "b", "c"].map((id) => [id, Number.POSITIVE_INFINITY] as const));
    const winners = [0, 1, 2].map((slot) => [...maxMinShares(1, hungry, slot)].find(([, n]) => n > 0)?.[0]);
    expect(new Set(winners).size).toBe(3);
  });
});

describe("demand estimated from the pool item", () => {
  it("a tenant refused within the window is hungry; one idle for a whole window is not active", () => {
    expect(estimatedDemand({ inWindow: 0, refusedSlot: 5 }, 10, 6)).toBe(Number.POSITIVE_INFINITY);
    expect(estimatedDemand({ inWindow: 0, refusedSlot: 4 }, 10, 6)).toBe(0);
    expect(estimatedDemand({ inWindow: 5 }, 10, 6)).toBe(6);
  });

  it("one big tenant and nine hungry small ones: the big one gets a tenth of the window", () => {
    const uses = new Map<string, PoolTenantUse>([["big", { inWindow: 150 }]]);
    for (let i = 0; i < 9; i++) uses.set(`small${i}`, { inWindow: 1, refusedSlot: 9 });
    expect(tenantWindowShare("big", 190, uses, 10, 12)).toBe(19);
    expect(tenantWindowShare("small0", 190, uses, 10, 12)).toBe(19);
  });
});

describe("which bucket a tenant draws from", () => {
  it("per tenant app unless the deployment or the tenant says pool", () => {
    expect(rateLimitKeyFor("t1")).toEqual({ scope: "tenant-app", tenantId: "t1" });
    const pooled = { scope: "egress-pool", pool: "nat-a" } as const;
    expect(rateLimitKeyFor("t1", pooled)).toEqual({ scope: "egress-pool", pool: "nat-a" });
    expect(rateLimitKeyFor("t1", pooled, { scope: "tenant-app" })).toEqual({
      scope: "tenant-app",
      tenantId: "t1",
    });
    expect(rateLimitKeyFor("t1", pooled, { pool: "nat-b" })).toEqual({ scope: "egress-pool", pool: "nat-b" });
  });
});
