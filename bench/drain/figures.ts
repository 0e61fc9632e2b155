/**
 * A measured drain as table figures: Ramp calls against the floor (total and by route),
 * AWS round trips per object, time, rate, 429s and memory; and "how each grows" — the
 * least-squares line through a series of drains at growing N.
 */
import type { FigureMaker } from "../figure.js";
import { listRoute, rampFloor } from "../floor.js";
import { fitLine } from "../growth.js";
import type { Figure } from "../schema.js";
import type { DrainFigures } from "./scenario.js";

/** `GET /developer/v1/transactions/{transaction_id}` → `GET transactions/{id}`: short enough for a table. */
export function shortRoute(route: string): string {
  return route.replace("/developer/v1/", "").replace(/\{[a-z_]+\}/g, "{id}");
}

export function drainRunFigures(fig: FigureMaker, key: string, label: string, d: DrainFigures): Figure[] {
  const floor = rampFloor(d.listed, d.reported);
  const per = (n: number) => (d.objects ? n / d.objects : 0);
  const out: Figure[] = [
    fig(`${key}.objects`, `${label}: objects done`, d.objects, "objects", {
      note: `${d.synced} synced, ${d.failed} failed (told to Ramp), ${d.vendorCredits.marked}/${d.vendorCredits.listed} vendor credits marked in the ledger`,
    }),
    fig(`${key}.ramp-calls`, `${label}: Ramp calls`, d.rampCalls.total, "calls", {
      floor: floor.total,
      goal: "floor + token/entities",
      note: "receipts apart (next rows)",
    }),
    fig(`${key}.receipt-reads`, `${label}: Ramp receipt reads`, d.receipts.reads, "calls", {
      floor: Math.ceil(d.receipts.downloads / 100),
      note: `GET /receipts pages and /receipts/{id}; floor ⌈R/100⌉ for R = ${d.receipts.downloads} files`,
    }),
    fig(`${key}.receipt-downloads`, `${label}: receipt file downloads`, d.receipts.downloads, "calls"),
  ];
  // Listings with nothing ready cost their one call each: one row for all of them, not six.
  const empty = new Set(
    d.listed
      .map((l) => listRoute(l.source))
      .filter((r) => d.listed.every((l) => listRoute(l.source) !== r || l.objects === 0)),
  );
  let emptyCalls = 0;
  let emptyFloor = 0;
  const routes = new Set([...Object.keys(d.rampCalls.byRoute), ...Object.keys(floor.byRoute)]);
  for (const route of [...routes].sort()) {
    const calls = d.rampCalls.byRoute[route] ?? 0;
    const routeFloor = floor.byRoute[route];
    if (empty.has(route)) {
      emptyCalls += calls;
      emptyFloor += routeFloor ?? 0;
      continue;
    }
    out.push(
      fig(
        `${key}.ramp-calls.${shortRoute(route)}`,
        `${label}: ${shortRoute(route)}`,
        calls,
        "calls",
        routeFloor === undefined ? { note: "outside the floor" } : { floor: routeFloor },
      ),
    );
  }
  if (empty.size > 0) {
    out.push(
      fig(
        `${key}.ramp-calls.empty-listings`,
        `${label}: empty listings (${empty.size})`,
        emptyCalls,
        "calls",
        {
          floor: emptyFloor,
          note: [...empty].map(shortRoute).join(", "),
        },
      ),
    );
  }
  out.push(
    fig(
      `${key}.dynamodb-per-object`,
      `${label}: DynamoDB round trips/object`,
      per(d.awsCalls.dynamodb),
      "calls",
    ),
    fig(`${key}.sqs-per-object`, `${label}: SQS round trips/object`, per(d.awsCalls.sqs), "calls"),
    fig(`${key}.wall`, `${label}: wall`, d.wallMs, "ms", {
      note: `poll schedule ${d.phasesMs.pollSchedule} ms, drain ${d.phasesMs.drain} ms, sweep ${d.phasesMs.sweep} ms`,
    }),
    fig(`${key}.rate`, `${label}: rate`, d.wallMs ? (d.objects / d.wallMs) * 1000 : 0, "objects/s"),
    fig(`${key}.429s`, `${label}: Ramp 429s`, d.rampCalls.rateLimited, "responses", { goal: "0" }),
    fig(`${key}.peak-rss`, `${label}: peak RSS`, d.peakRssMb, "MiB", {
      note: "the bench process: sandbox + local stack + handlers (not DynamoDB Local's JVM)",
    }),
  );
  return out;
}

export interface SeriesPoint {
  n: number;
  drain: DrainFigures;
}

/**
 * Fixed and per-object parts of a series at one worker count: calls = a + b·N against the
 * floor's own line, wall ms = a + b·N, and the per-object slopes of AWS round trips.
 */
export function growthFigures(fig: FigureMaker, label: string, series: readonly SeriesPoint[]): Figure[] {
  const line = (y: (d: DrainFigures) => number) => fitLine(series.map((p) => ({ x: p.n, y: y(p.drain) })));
  const calls = line((d) => d.rampCalls.total);
  const floor = line((d) => rampFloor(d.listed, d.reported).total);
  const ms = line((d) => d.wallMs);
  const dynamo = line((d) => d.awsCalls.dynamodb);
  const sqs = line((d) => d.awsCalls.sqs);
  const ns = series.map((p) => p.n.toLocaleString("en-US")).join(", ");
  const note = `least-squares line through N = ${ns}`;
  return [
    fig("growth.ramp-calls.fixed", `${label}: Ramp calls, fixed part`, calls.a, "calls", {
      floor: floor.a,
      note,
    }),
    fig("growth.ramp-calls.per-1k", `${label}: Ramp calls per 1,000 objects`, calls.b * 1000, "calls", {
      floor: floor.b * 1000,
      note,
    }),
    fig("growth.wall.fixed", `${label}: wall, fixed part`, ms.a, "ms", { note }),
    fig("growth.wall.per-object", `${label}: wall per object`, ms.b, "ms", { note }),
    fig(
      "growth.dynamodb.per-object",
      `${label}: DynamoDB round trips per further object`,
      dynamo.b,
      "calls",
      {
        note,
      },
    ),
    fig("growth.sqs.per-object", `${label}: SQS round trips per further object`, sqs.b, "calls", { note }),
  ];
}
