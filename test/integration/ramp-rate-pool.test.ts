/**
 * The egress-pool limiter on DynamoDB Local: tenants sharing one pool, each caller with
 * its own DynamoDB client (as separate Lambdas). Small window figures so a few seconds
 * cover several windows; grants are timed by the caller, independently of the limiter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createDynamoRateLimiter } from "../../lib/store/rate-limit.js";
import { createDynamoPoolLimiter } from "../../lib/store/rate-limit-pool.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";

/** 40 per rolling second (limit 42, margin 2); 250 ms slots; a run of 8 slots holds at most 40 (the skew margin covers a loaded machine's latency between grant and the caller's clock). */
const LIMITS = { limit: 42, safetyMargin: 2, windowMs: 1_000, slotMs: 250, skewMs: 300 };
/** The pool test's run: the first 2 s may go mostly to the busy tenant (nobody was refused yet, so
 * nobody is known to be hungry); fair shares are counted over the 2 s after that. */
const RUN_MS = 4_000;
const WARM_UP_MS = 2_000;

/** The most grants in any rolling `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while ((t[lo] as number) <= (t[hi] as number) - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe("egress-pool rate limiter", () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  beforeAll(async () => {
    table = await freshTable("ratepool");
  });
  afterAll(() => {
    table?.doc.destroy();
    table?.raw.destroy();
  });

  /** Callers per tenant, each asking as fast as it can until the run ends; grant times per tenant. */
  async function run(
    runMs: number,
    callers: Record<string, number>,
    limiterFor: (tenantId: string, doc: never) => unknown,
  ) {
    const grants: Record<string, number[]> = {};
    const end = Date.now() + runMs;
    const workers = Object.entries(callers).flatMap(([tenantId, n]) => {
      grants[tenantId] = [];
      return Array.from({ length: n }, async () => {
        const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: table.endpoint });
        const limiter = limiterFor(tenantId, doc as never) as { acquire(): Promise<void> };
        try {
          while (Date.now() < end) {
            await limiter.acquire();
            grants[tenantId]?.push(Date.now());
          }
        } finally {
          doc.destroy();
        }
      });
    });
    await Promise.all(workers);
    return grants;
  }

  it("one big tenant (8 callers) and three small ones (1 each): the pool's budget holds and nobody starves", {
    timeout: 30_000,
  }, async () => {
    const started = Date.now();
    const grants = await run(RUN_MS, { big: 8, small1: 1, small2: 1, small3: 1 }, (tenantId, doc) =>
      createDynamoPoolLimiter({ doc, tableName: table.tableName, pool: "nat-a", tenantId, limits: LIMITS }),
    );
    const all = Object.values(grants).flat();
    // The pool as a whole: never above Ramp's allowance in any rolling window…
    expect(maxInWindow(all, LIMITS.windowMs)).toBeLessThanOrEqual(LIMITS.limit);
    // (How much of the budget it uses is a throughput figure: `npm run bench`, suite ramp-limiter —
    // a loaded machine must not fail this test.)
    // After the warm-up every small tenant (hungry: it was refused) gets most of an even quarter,
    // though the big one has 8× its callers.
    const late = Object.fromEntries(
      Object.entries(grants).map(([t, g]) => [t, g.filter((at) => at >= started + WARM_UP_MS).length]),
    );
    const lateTotal = Object.values(late).reduce((a, b) => a + b, 0);
    for (const t of ["small1", "small2", "small3"])
      expect(late[t] ?? 0).toBeGreaterThanOrEqual(Math.floor((lateTotal / 4) * 0.6));
    console.log(JSON.stringify({ poolSharesAfterWarmUp: late, allGrants: all.length }));
  });

  it("per tenant app (the default) is unchanged: each tenant has its own budget", async () => {
    // Virtual time (not a timed run): one clock both apps read, advanced only by the limiter's own
    // waits, so a loaded machine cannot change the figures. Each app gets its own full budget in
    // one window; a shared budget would hold the two together to the limit.
    let now = Date.parse("2026-12-01T10:00:00Z");
    const end = now + 2 * LIMITS.windowMs;
    const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: table.endpoint });
    try {
      const limiterFor = (tenantId: string) =>
        createDynamoRateLimiter({
          doc,
          tableName: table.tableName,
          tenantId: `${tenantId}-${now}`,
          limits: LIMITS,
          clock: () => now,
          sleep: async (ms) => {
            now += ms;
          },
          random: () => 0,
        });
      const apps = { appA: limiterFor("appA"), appB: limiterFor("appB") };
      const grants: Record<string, number[]> = { appA: [], appB: [] };
      while (now < end) {
        for (const [t, limiter] of Object.entries(apps)) {
          await limiter.acquire();
          grants[t]?.push(now);
        }
      }
      for (const t of ["appA", "appB"])
        expect(maxInWindow(grants[t] ?? [], LIMITS.windowMs)).toBeLessThanOrEqual(LIMITS.limit);
      // Together they exceed what one pool would allow: the budgets are not shared.
      expect(maxInWindow([...(grants.appA ?? []), ...(grants.appB ?? [])], LIMITS.windowMs)).toBeGreaterThan(
        LIMITS.limit,
      );
    } finally {
      doc.destroy();
    }
  });
});
