/**
 * The shared DynamoDB rate limiter under load: 8 independent instances (own
 * DynamoDB clients, as 8 Lambdas) asking for 400 grants as fast as they can on
 * DynamoDB Local. Reports grant latency, DynamoDB calls per grant (contention),
 * and the most grants in any rolling 10 s window (should sit just under the
 * 190 budget: the limiter uses Ramp's allowance rather than crawling). Quick asks
 * for 250 grants: past one window's budget, so the wait for the next slot is measured too.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { RAMP_RATE_DEFAULTS } from "../../lib/ramp/rate-window.js";
import { createTable } from "../../lib/store/create-tables.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createDynamoRateLimiter } from "../../lib/store/rate-limit.js";
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
  let maxIn10s = 0;
  for (let lo = 0, hi = 0; hi < grantedAt.length; hi++) {
    while (grantedAt[lo]! <= grantedAt[hi]! - 10_000) lo++;
    maxIn10s = Math.max(maxIn10s, hi - lo + 1);
  }
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
  return {
    figures: [
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
    detail,
  };
}
