/**
 * The daily chart-of-accounts tick across a fleet (test/support/coa-fleet-world.ts):
 * 1,000 [200] tenants, each its own sandbox business and 7-account journal chart,
 * pushed by one DailyCoaPush tick on the local stack — the fan-out onto the
 * coa-request queue (SQS emulator), then the queue drained by coa-push under its
 * manifest maximum concurrency (5). The window is 0 here: the bench measures the
 * work, not the stagger. Reports the wall time (tick → queue empty), the tick
 * alone, Ramp calls per tenant (every route, the token included), peak concurrency
 * and Ramp 429s.
 */
import { performance } from "node:perf_hooks";
import { MANIFEST } from "../../infra/functions.js";
import { startCoaFleetWorld } from "../../test/support/coa-fleet-world.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("coa-fleet");

/** The deployed concurrency, as the manifest declares it. */
const CONCURRENCY =
  MANIFEST.functions.coaPush.triggers.flatMap((t) => ("queue" in t ? [t.maximumConcurrency ?? 0] : []))[0] ??
  0;

export default async function coaFleet(ctx: BenchContext): Promise<SuiteOutput> {
  const TENANTS = ctx.quick ? 200 : 1000;
  ctx.log(`${TENANTS} tenants, setting up`);
  const w = await startCoaFleetWorld({
    dynamoEndpoint: ctx.dynamoEndpoint,
    tenants: TENANTS,
    windowS: 0,
    concurrency: CONCURRENCY,
  });
  try {
    await w.r.resetCounters();
    const started = performance.now();
    const tick = (await w.stack.fire("DailyCoaPush")) as { enqueued: number };
    const tickS = (performance.now() - started) / 1000;
    const drained = await w.stack.drain({ timeoutMs: 1_800_000 });
    const wallS = (performance.now() - started) / 1000;
    const stats = await w.r.control<{ byRoute: Record<string, number>; rateLimited: number }>(
      "GET",
      "/stats",
    );
    const rampCalls = Object.values(stats.byRoute).reduce((a, b) => a + b, 0);
    const m = drained.coaRequests;
    const detail = {
      tenants: TENANTS,
      enqueued: tick.enqueued,
      concurrency: CONCURRENCY,
      wallSeconds: Math.round(wallS * 10) / 10,
      tickSeconds: Math.round(tickS * 100) / 100,
      rampCalls,
      rampByRoute: stats.byRoute,
      rateLimited: stats.rateLimited,
      mapping: m,
    };
    const note = `${TENANTS} tenants × 7 GL accounts + 2 options, window 0, ${CONCURRENCY} at once`;
    return {
      figures: [
        fig("wall", "coa fleet tick: tick → every tenant pushed", wallS, "s", { note }),
        fig("tick", "coa fleet tick: the fan-out alone", tickS, "s", { note: `${TENANTS} messages` }),
        fig("ramp-calls-per-tenant", "coa fleet: Ramp calls per tenant", rampCalls / TENANTS, "calls", {
          note: "every route, the token included",
        }),
        fig("peak-concurrency", "coa fleet: most pushes at once", m.maxInFlight, "pushes", {
          goal: `≤ ${CONCURRENCY} (maximumConcurrency)`,
        }),
        fig("ramp-429s", "coa fleet: Ramp 429s", stats.rateLimited, "responses", { goal: "0" }),
      ],
      detail,
    };
  } finally {
    await w.stop();
  }
}
