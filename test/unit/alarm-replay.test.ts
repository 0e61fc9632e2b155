/**
 * The alarms as CloudWatch would judge them: metric series from simulated
 * tenants — the health tick's real signal function (lib/health/signals.ts) at
 * every 15-minute tick — replayed against each alarm's synthesized definition
 * with the CloudWatch rules of test/support/alarm-eval.ts (itself checked on
 * the user guide's tables). Healthy tenants must stay quiet; a stuck worker, a
 * stopped poller and a stopped tick must page within the times README
 * "Runbook" states. Sync Button requests (one point of each button metric per
 * request) are bucketed with the alarms' own period and statistic.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.js";
import { MANIFEST } from "../../infra/functions.js";
import { HEALTH_METRICS } from "../../lib/health/metrics.js";
import { tenantHealth } from "../../lib/health/signals.js";
import type { OpenWork } from "../../lib/store/open-work.js";
import {
  type AlarmRule,
  alarmRulesFromTemplate,
  firstAlarm,
  type PeriodStatistic,
  replay,
  toPeriods,
} from "../support/alarm-eval.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const TICK = 15 * MIN;
const ALLOW = { drainAllowanceMs: HOUR, pollSlackMs: 30 * MIN };

const { stack } = buildApp(
  new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")), context: { "aws:cdk:bundling-stacks": [] } }),
);
const rules = alarmRulesFromTemplate(Template.fromStack(stack).toJSON() as never);
const rule = (id: string): AlarmRule => {
  const alarm = stack.alarms.all.find((a) => a.node.id === id);
  const r = alarm && rules.get(stack.getLogicalId(alarm.node.defaultChild as never));
  if (!r) throw new Error(`no alarm ${id}`);
  return r;
};

/** A simulated tenant: when it polls, what each walk sees, and what stays open in the ledger. */
interface World {
  start: number;
  hours: number;
  cadence: { weekdayHours: number; weekendHours: number };
  /** Ready objects that arrive between two walks (each walk sees them). */
  arrivalsPerWalk: number;
  /** From this time the worker closes nothing: what a walk hands it stays open. */
  workerStuckAt?: number;
  /** From this time no walk finishes. */
  pollerStopsAt?: number;
  /** From this time the tick itself is gone: no point at all. */
  tickStopsAt?: number;
}

/** The tick's points per alarm metric, one value per 15-minute period (MAX over kinds = GROUP BY tenantId MAX). */
function simulate(w: World): Record<string, Array<number | null>> {
  const series: Record<string, Array<number | null>> = {};
  for (const m of Object.values(HEALTH_METRICS)) series[m] = [];
  let lastWalk: { at: number; backlog: number } | undefined;
  let open: { count: number; since: number } | undefined;
  let pending = 0;
  for (let now = w.start; now < w.start + w.hours * HOUR; now += TICK) {
    pending += w.arrivalsPerWalk / 8; // arrivals spread over time; what a walk sees accumulates
    const stuck = w.workerStuckAt !== undefined && now >= w.workerStuckAt;
    const polling = w.pollerStopsAt === undefined || now < w.pollerStopsAt;
    const interval =
      ([0, 6].includes(new Date(now).getUTCDay()) ? w.cadence.weekendHours : w.cadence.weekdayHours) * HOUR;
    if (polling && (!lastWalk || now - lastWalk.at >= interval)) {
      // The walk sees what is still ready: new arrivals, plus whatever a stuck worker still holds.
      const backlog = Math.round(pending) + (stuck ? (open?.count ?? 0) : 0);
      lastWalk = { at: now, backlog };
      if (stuck) open = { count: backlog, since: open?.since ?? now };
      pending = 0;
    }
    // A healthy worker drains a walk in minutes: nothing is open at the next tick.
    if (!stuck) open = undefined;
    const tickRuns = w.tickStopsAt === undefined || now < w.tickStopsAt;
    const work: OpenWork = {
      byKind: open ? { transaction: { open: open.count, oldestOpenSince: open.since } } : {},
      ...(lastWalk
        ? {
            pollRun: {
              last: { at: lastWalk.at, outcome: "done", pages: 1, enqueued: lastWalk.backlog, backlog: {} },
              lastDone: { at: lastWalk.at, backlog: { transaction: lastWalk.backlog } },
            },
          }
        : {}),
    };
    const points = tickRuns
      ? tenantHealth(
          { tenant: { tenantId: "acme", cadence: w.cadence }, work, storedAt: w.start, now },
          ALLOW,
        )
      : [];
    for (const m of Object.values(HEALTH_METRICS)) {
      const values = points.filter((p) => p.name === m).map((p) => p.value);
      series[m]?.push(values.length ? Math.max(...values) : null);
    }
    series[HEALTH_METRICS.tenantsObserved]?.splice(-1, 1, tickRuns ? 1 : null);
  }
  return series;
}

/** Hours from the start to the tick whose point first puts `id` in ALARM, or null. */
const firesAfterH = (id: string, values: Array<number | null>) => {
  const i = firstAlarm(rule(id), values);
  return i === null ? null : (i * TICK) / HOUR;
};

const WEDNESDAY = Date.UTC(2026, 11, 2, 0, 0); // weekday cadence applies
const SATURDAY = Date.UTC(2026, 11, 5, 0, 0); // weekend cadence applies all weekend
const cadence = { weekdayHours: 2, weekendHours: 12 };
const PER_TENANT = ["SyncReadyBacklog", "OldestUnsynced", "PollsStopped"] as const;
const metricOf = {
  SyncReadyBacklog: HEALTH_METRICS.backlog,
  OldestUnsynced: HEALTH_METRICS.oldestUnsynced,
  PollsStopped: HEALTH_METRICS.pollOverdue,
  HealthTickStopped: HEALTH_METRICS.tenantsObserved,
} as const;

describe("alarm replay: a tenant's series against the synthesized alarms", () => {
  for (const [label, start, hours] of [
    ["weekday, every 2 h", WEDNESDAY, 48],
    ["weekend, every 12 h", SATURDAY, 48],
  ] as const) {
    it(`${label}: a healthy tenant with a large backlog that drains pages nothing`, () => {
      const s = simulate({ start, hours, cadence, arrivalsPerWalk: 5_000 });
      // The backlog is far above the threshold at every walk…
      expect(Math.max(...(s[HEALTH_METRICS.backlog] ?? []).map((v) => v ?? 0))).toBeGreaterThan(1_000);
      for (const id of [...PER_TENANT, "HealthTickStopped"] as const)
        expect(firesAfterH(id, s[metricOf[id]] ?? []), id).toBeNull();
    });

    it(`${label}: a stuck worker pages within 2.5 h of its first stuck object`, () => {
      const stuckAt = start + 6 * HOUR;
      const s = simulate({ start, hours, cadence, arrivalsPerWalk: 5_000, workerStuckAt: stuckAt });
      // The first object the stuck worker holds is handed over at the first walk after stuckAt.
      const firstHeld = (s[HEALTH_METRICS.inFlight] ?? []).findIndex((v) => v !== null);
      const heldAtH = (firstHeld * TICK) / HOUR;
      const oldest = firesAfterH("OldestUnsynced", s[HEALTH_METRICS.oldestUnsynced] ?? []);
      const backlog = firesAfterH("SyncReadyBacklog", s[HEALTH_METRICS.backlog] ?? []);
      expect(oldest).not.toBeNull();
      expect(backlog).not.toBeNull();
      expect((oldest ?? 99) - heldAtH).toBeLessThanOrEqual(2.5);
      expect((backlog ?? 99) - heldAtH).toBeLessThanOrEqual(2);
      expect(firesAfterH("PollsStopped", s[HEALTH_METRICS.pollOverdue] ?? [])).toBeNull();
    });

    it(`${label}: a poller that stops pages within 2 × its interval + 1 h`, () => {
      const stopsAt = start + 5 * HOUR;
      const s = simulate({ start, hours, cadence, arrivalsPerWalk: 50, pollerStopsAt: stopsAt });
      const fired = firesAfterH("PollsStopped", s[HEALTH_METRICS.pollOverdue] ?? []);
      const intervalH = label.startsWith("weekday") ? 2 : 12;
      expect(fired).not.toBeNull();
      expect((fired ?? 99) - 5).toBeLessThanOrEqual(2 * intervalH + 1);
      // …and not before its allowance was really used up.
      expect((fired ?? 0) - 5).toBeGreaterThan(2 * intervalH - intervalH);
    });
  }

  it("a tick that stops emitting pages within an hour (missing data = breaching)", () => {
    const s = simulate({
      start: WEDNESDAY,
      hours: 12,
      cadence,
      arrivalsPerWalk: 10,
      tickStopsAt: WEDNESDAY + 4 * HOUR,
    });
    const fired = firesAfterH("HealthTickStopped", s[HEALTH_METRICS.tenantsObserved] ?? []);
    expect(fired).not.toBeNull();
    expect((fired ?? 99) - 4).toBeLessThanOrEqual(1);
    // The per-tenant poll alarm also pages on the silence (its missing data is breaching too).
    expect(firesAfterH("PollsStopped", s[HEALTH_METRICS.pollOverdue] ?? [])).not.toBeNull();
  });

  it("a batch item that fails once and succeeds on redelivery pages nothing; failing twice does", () => {
    const visibilityS = MANIFEST.queues.work.visibilityTimeoutS;
    // One-minute periods of the work queue's oldest message age: received, failed, invisible for the
    // visibility timeout, redelivered and deleted (deliveries = 1 + redeliveries).
    const ageSeries = (deliveries: number) =>
      Array.from({ length: 240 }, (_, m) => (m <= (deliveries - 1) * (visibilityS / 60) ? m * 60 : null));
    const age = rule("WorkOldestMessage");
    expect(firstAlarm(age, ageSeries(2))).toBeNull();
    expect(firstAlarm(age, ageSeries(3))).not.toBeNull();
    // The failure was transient: nothing told to Ramp, no function error, nothing in the DLQ.
    const quiet = Array.from({ length: 60 }, () => null);
    expect(firstAlarm(rule("FailedSyncsPerMinute"), quiet)).toBeNull();
    expect(firstAlarm(rule("SyncerErrors"), quiet)).toBeNull();
    expect(
      firstAlarm(
        rule("WorkDlqNotEmpty"),
        Array.from({ length: 60 }, () => 0),
      ),
    ).toBeNull();
    // …while a poison message that does reach the DLQ pages at once.
    expect(replay(rule("WorkDlqNotEmpty"), [0, 0, 1]).at(-1)).toBe("ALARM");
  });
});

/** One Sync Button request as the button job reports it: when it ended, its round trip, rows told at the deadline. */
interface ButtonRequest {
  at: number;
  roundTripMs: number;
  toldAtDeadline: number;
}

describe("alarm replay: Sync Button requests against the button alarms", () => {
  const HOURS = 6;
  const start = WEDNESDAY;
  const roundTrip = rule("ButtonRoundTripP95");
  const told = rule("ButtonRowsToldAtDeadline");
  /** Each alarm's series: its own period and statistic over the requests' points. */
  const series = (r: AlarmRule, requests: ButtonRequest[], value: (q: ButtonRequest) => number) => {
    const statistic = ("statistic" in r.metric ? r.metric.statistic : "Sum") as PeriodStatistic;
    const count = (HOURS * HOUR) / (r.periodS * 1000);
    return toPeriods(
      requests.map((q) => ({ at: q.at, value: value(q) })),
      { startMs: start, periodS: r.periodS, count, statistic },
    );
  };
  /** Minutes from the start to the end of the period that first puts the alarm in ALARM, or null. */
  const firesAfterMin = (r: AlarmRule, values: Array<number | null>) => {
    const i = firstAlarm(r, values);
    return i === null ? null : ((i + 1) * r.periodS) / 60;
  };
  const roundTrips = (requests: ButtonRequest[]) => series(roundTrip, requests, (q) => q.roundTripMs);
  const toldRows = (requests: ButtonRequest[]) => series(told, requests, (q) => q.toldAtDeadline);
  const every = (fromMin: number, toMin: number, stepMin: number, q: Omit<ButtonRequest, "at">) =>
    Array.from({ length: Math.floor((toMin - fromMin) / stepMin) }, (_, i) => ({
      ...q,
      at: start + (fromMin + i * stepMin) * MIN,
    }));

  it("judges the synthesized p95 of 15-minute periods", () => {
    expect(roundTrip.metric).toMatchObject({ statistic: "p95" });
    expect([roundTrip.periodS, told.periodS]).toEqual([900, 900]);
  });

  it("a few quick clicks and hours without any page nothing", () => {
    const requests = [
      { at: start + 62 * MIN, roundTripMs: 25_000, toldAtDeadline: 0 },
      { at: start + 70 * MIN, roundTripMs: 61_000, toldAtDeadline: 0 },
      { at: start + 200 * MIN, roundTripMs: 140_000, toldAtDeadline: 0 },
    ];
    expect(firesAfterMin(roundTrip, roundTrips(requests))).toBeNull();
    expect(firesAfterMin(told, toldRows(requests))).toBeNull();
    // No click all day: no point, and no point is no breach.
    expect(replay(roundTrip, roundTrips([])).at(-1)).toBe("OK");
    expect(replay(told, toldRows([])).at(-1)).toBe("OK");
  });

  it("one slow request alone does not page the round trip; an ERP that stays slow pages within 45 minutes", () => {
    expect(
      firesAfterMin(
        roundTrip,
        roundTrips([{ at: start + 95 * MIN, roundTripMs: 240_000, toldAtDeadline: 0 }]),
      ),
    ).toBeNull();
    // With no clicks in between, CloudWatch looks back past 3 periods (its evaluation range, N + 2
    // here): two slow periods an hour apart still page, two hours apart are two separate blips.
    const twoSlow = (apartMin: number) =>
      firesAfterMin(
        roundTrip,
        roundTrips([
          { at: start + 95 * MIN, roundTripMs: 240_000, toldAtDeadline: 0 },
          { at: start + (95 + apartMin) * MIN, roundTripMs: 240_000, toldAtDeadline: 0 },
        ]),
      );
    expect(twoSlow(60)).toBe(165);
    expect(twoSlow(120)).toBeNull();
    // From minute 120 every request takes 3.5 minutes (answered in time: nothing told at the deadline).
    const slow = every(120, 240, 5, { roundTripMs: 210_000, toldAtDeadline: 0 });
    const fired = firesAfterMin(roundTrip, roundTrips(slow));
    expect(fired).not.toBeNull();
    expect((fired ?? 999) - 120).toBeLessThanOrEqual(45);
    expect(firesAfterMin(told, toldRows(slow))).toBeNull();
  });

  it("a busy half hour: slow outliers under 5 % of requests stay under the p95, 10 % page", () => {
    const busy = (slowEvery: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        at: start + 60 * MIN + i * 18_000, // 100 requests over 30 minutes: 50 per period
        roundTripMs: i % slowEvery === 0 ? 270_000 : 40_000,
        toldAtDeadline: 0,
      }));
    expect(firesAfterMin(roundTrip, roundTrips(busy(25)))).toBeNull(); // 2 of 50 per period
    expect(firesAfterMin(roundTrip, roundTrips(busy(10)))).toBe(90); // 5 of 50: both periods breach
  });

  it("one row told at the deadline pages in the period it was told, and clears when none follow", () => {
    const requests = [
      { at: start + 60 * MIN, roundTripMs: 30_000, toldAtDeadline: 0 },
      { at: start + 185 * MIN, roundTripMs: 290_000, toldAtDeadline: 1 },
    ];
    expect(firesAfterMin(told, toldRows(requests))).toBe(195);
    expect(replay(told, toldRows(requests)).at(-1)).toBe("OK");
    // The request's round trip alone (one slow period) does not page the round trip alarm.
    expect(firesAfterMin(roundTrip, roundTrips(requests))).toBeNull();
  });
});
