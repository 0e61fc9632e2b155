/**
 * The shared DynamoDB rate limiter under load: 8 independent instances (own
 * DynamoDB clients, as 8 Lambdas) asking for 400 grants as fast as they can on
 * DynamoDB Local. Reports grant latency, DynamoDB calls per grant (contention),
 * and the most grants in any rolling 10 s window (should sit just under the
 * 190 budget: the limiter uses Ramp's allowance rather than crawling). Quick asks
 * for 250 grants: past one window's budget, so the wait for the next slot is measured too.
 *
 * Then an egress pool (lib/store/rate-limit-pool.ts): one big tenant (8 callers) and 9 small
 * ones (1 caller each) drawing from one pool, with the window scaled down (40 per rolling
 * second) so several windows pass in seconds. After a warm-up window, each tenant's share of
 * the grants is compared with an even tenth, and the most grants in any rolling window with
 * Ramp's limit.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { RAMP_RATE_DEFAULTS } from "../../lib/ramp/rate-window.js";
import { createTable } from "../../lib/store/create-tables.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createDynamoRateLimiter } from "../../lib/store/rate-limit.js";
import { createDynamoPoolLimiter } from "../../lib/store/rate-limit-pool.js";
import { MAIN_TABLE } from "../../lib/store/table.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("ramp-limiter");
const INSTANCES = 8;
/** The limiter's budget per window: Ramp's allowance less the safety margin (lib/ramp/rate-window.ts). */
const BUDGET = RAMP_RATE_DEFAULTS.limit - RAMP_RATE_DEFAULTS.safetyMargin;
const AWS = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };

export default async function rampLimiter(ctx: BenchContext): Promise<SuiteOutput> {
  const GRANTS = ctx.quick ? 250 : 400;
  // One DynamoDB Local serves every suite: a table of our own.
  const table = `bench-limiter-${randomUUID().slice(0, 8)}`;
  const raw = new DynamoDBClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
  await createTable(raw, table, MAIN_TABLE);
  raw.destroy();
  let calls = 0;
  const grantedAt: number[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: INSTANCES }, async (_, i) => {
      const doc = createDocumentClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
      const send = doc.send.bind(doc);
      doc.send = ((cmd: Parameters<typeof send>[0]) => {
        calls++;
        return send(cmd);
      }) as typeof doc.send;
      const limiter = createDynamoRateLimiter({ doc, tableName: table, tenantId: "bench" });
      for (let n = i; n < GRANTS; n += INSTANCES) {
        const t0 = performance.now();
        await limiter.acquire();
        latencies.push(performance.now() - t0);
        grantedAt.push(Date.now());
      }
      doc.destroy();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  grantedAt.sort((a, b) => a - b);
  const maxIn10s = maxInWindow(grantedAt, 10_000);
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
  const detail = {
    instances: INSTANCES,
    grants: GRANTS,
    seconds: Math.round(seconds * 10) / 10,
    grantsPer10s: Math.round((GRANTS / seconds) * 10),
    maxGrantsInAnyRolling10s: maxIn10s,
    dynamoCallsPerGrant: Math.round((calls / GRANTS) * 100) / 100,
    // Latency includes deliberate waits for the next slot once the budget is spent.
    grantLatencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
  };
  const note = `${INSTANCES} limiters, ${GRANTS} grants as fast as they can`;
  const pool = await poolScenario(ctx, table);
  return {
    figures: [
      ...pool.figures,
      fig("max-per-10s", "limiter: most grants in any rolling 10 s", maxIn10s, "grants", {
        goal: `≤ ${BUDGET}, close to it`,
        note,
      }),
      fig("dynamodb-per-grant", "limiter: DynamoDB calls/grant", calls / GRANTS, "calls", {
        note: "above 1: contention between the limiters",
      }),
      fig("latency-p50", "limiter: grant latency p50", q(0.5), "ms", {
        note: "includes waits for the next slot",
      }),
      fig("latency-p99", "limiter: grant latency p99", q(0.99), "ms"),
    ],
    detail: { ...detail, pool: pool.detail },
  };
}

/** The most timestamps in any rolling `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[lo]! <= t[hi]! - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Ramp's window scaled down 10×: 42 per rolling second, 2 in reserve, 250 ms slots. */
const POOL_LIMITS = { limit: 42, safetyMargin: 2, windowMs: 1_000, slotMs: 250, skewMs: 300 };
const SMALL_TENANTS = 9;
const BIG_CALLERS = 8;

async function poolScenario(ctx: BenchContext, table: string) {
  const runMs = ctx.quick ? 5_000 : 10_000;
  // The first window goes mostly to the big tenant: nobody has been refused yet, so nobody is known hungry.
  const warmUpMs = 2_000;
  const tenants = ["big", ...Array.from({ length: SMALL_TENANTS }, (_, i) => `small${i + 1}`)];
  const grants = new Map(tenants.map((t) => [t, [] as number[]]));
  const started = Date.now();
  const end = started + runMs;
  await Promise.all(
    tenants.flatMap((tenantId) =>
      Array.from({ length: tenantId === "big" ? BIG_CALLERS : 1 }, async () => {
        const doc = createDocumentClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
        const limiter = createDynamoPoolLimiter({
          doc,
          tableName: table,
          pool: "bench",
          tenantId,
          limits: POOL_LIMITS,
        });
        while (Date.now() < end) {
          await limiter.acquire();
          grants.get(tenantId)?.push(Date.now());
        }
        doc.destroy();
      }),
    ),
  );
  const late = new Map([...grants].map(([t, g]) => [t, g.filter((at) => at >= started + warmUpMs).length]));
  const lateTotal = [...late.values()].reduce((a, b) => a + b, 0);
  const even = lateTotal / tenants.length;
  const smallest = Math.min(...tenants.slice(1).map((t) => late.get(t) ?? 0));
  const maxInLimitWindow = maxInWindow([...grants.values()].flat(), POOL_LIMITS.windowMs);
  const note = `1 big tenant (${BIG_CALLERS} callers) + ${SMALL_TENANTS} small (1 caller each), one pool, after ${warmUpMs / 1000} s`;
  return {
    figures: [
      fig("pool-max-per-window", "pool: most grants in any rolling window", maxInLimitWindow, "grants", {
        floor: POOL_LIMITS.limit,
        goal: `≤ ${POOL_LIMITS.limit} (ratio ≤ 1), close to it`,
        note: "window scaled down 10×: 42 per rolling second",
      }),
      fig("pool-big-share", "pool: big tenant's grants", late.get("big") ?? 0, "grants", {
        floor: even,
        goal: "ratio ≈ 1: an even tenth, though it has 8× the callers",
        note,
      }),
      fig("pool-smallest-share", "pool: smallest small tenant's grants", smallest, "grants", {
        floor: even,
        goal: "ratio ≈ 1 (no starvation)",
        note,
      }),
    ],
    detail: {
      runMs,
      warmUpMs,
      grantsAfterWarmUp: Object.fromEntries(late),
      evenShare: Math.round(even * 10) / 10,
      maxInAnyRollingWindow: maxInLimitWindow,
      limit: POOL_LIMITS.limit,
    },
  };
}
