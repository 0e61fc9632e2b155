import { describe, expect, it } from "vitest";
import {
  buttonFigures,
  type ConfigResult,
  DEADLINE_SLACK_MS,
  deadlineAt,
  fairShareMs,
  goalMs,
  median,
  nextRepeatFits,
  quantile,
  type RepeatResult,
  requestFloor,
  rowReports,
  summarize,
} from "../../bench/button/summary.js";
import { figureMaker } from "../../bench/figure.js";

const fig = figureMaker("button");
const WINDOW = 300_000;
const T0 = 1_800_000_000_000;

function rep(roundTripMs: number, patch: Partial<RepeatResult> = {}): RepeatResult {
  return {
    rows: 1_000,
    roundTripMs,
    answered: 1_000,
    succeeded: 1_000,
    failed: 0,
    cut: false,
    atDeadline: 0,
    toldFailedAtDeadline: 0,
    autoFailed: 0,
    rampCalls: 22,
    rampCallsByRoute: {},
    reports: 10,
    floor: 11,
    rowMs: { p50: 1, p90: 2, p99: 3 },
    ...patch,
  };
}

function config(repeats: RepeatResult[], patch: Partial<ConfigResult> = {}): ConfigResult {
  return {
    key: "1k-w8",
    rows: 1_000,
    workers: 8,
    windowMs: WINDOW,
    planned: 10,
    repeats,
    estimate: null,
    skipped: null,
    ...patch,
  };
}

describe("button bench: what the request's reports say", () => {
  it("counts each row once at its last report under the request, and which came from the deadline job", () => {
    const deadline = deadlineAt(T0, WINDOW);
    expect(deadline - T0).toBe(255_000);
    const r = rowReports(
      [
        { at: T0 + 1_000, syncRequestId: "req", successful: ["a", "b"], failed: ["c"] },
        // another request's report, and a row outside this request: ignored
        { at: T0 + 2_000, syncRequestId: "other", successful: ["d"], failed: [] },
        { at: T0 + 2_000, syncRequestId: "req", successful: ["zz"], failed: [] },
        // c told failed earlier, synced later: its last report wins
        { at: T0 + 3_000, syncRequestId: "req", successful: ["c"], failed: [] },
        // the deadline job: d flushed synced, e told failed; it may run just before the exact deadline
        { at: deadline - DEADLINE_SLACK_MS + 10, syncRequestId: "req", successful: ["d"], failed: ["e"] },
      ],
      { id: "req", createdAt: T0, rows: ["a", "b", "c", "d", "e"] },
      WINDOW,
    );
    expect(r).toMatchObject({ reported: 5, atDeadline: 2, toldFailedAtDeadline: 1, calls: 4 });
    expect(r.afterClickMs.slice(0, 3)).toEqual([1_000, 1_000, 3_000]);
  });

  it("quantiles by nearest rank, medians of even and odd counts", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(xs, 0.5)).toBe(5);
    expect(quantile(xs, 0.9)).toBe(9);
    expect(quantile(xs, 0.99)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("floors a request at its list pages per entity plus one report per 5,000 rows", () => {
    expect(requestFloor({ e1: 503, e2: 497 })).toEqual({ list: 11, sync: 1, total: 12 });
    expect(requestFloor({ e1: 5_000, e2: 5_000 })).toEqual({ list: 100, sync: 2, total: 102 });
  });
});

describe("button bench: summary and goals", () => {
  it("1,000 rows are held to 30 s, 10,000 to Ramp's window", () => {
    expect(goalMs(1_000, WINDOW)).toBe(30_000);
    expect(goalMs(200, 30_000)).toBe(30_000);
    expect(goalMs(10_000, WINDOW)).toBe(WINDOW);
  });

  it("a repeat rescued by the deadline job or cut by the budget is not within the goal", () => {
    const s = summarize(
      config([
        rep(3_000),
        rep(2_000),
        rep(255_100, { atDeadline: 40, toldFailedAtDeadline: 0 }),
        rep(20_000, { cut: true, answered: 600 }),
      ]),
    );
    expect(s.roundTripMs).toMatchObject({ min: 2_000, median: 11_500, max: 255_100 });
    expect(s).toMatchObject({
      ran: 4,
      cut: 1,
      requested: 4_000,
      answered: 3_600,
      atDeadline: 40,
      repeatsAtDeadline: 1,
      withinGoal: 2,
      autoFailed: 0,
    });
    expect(s.rampCalls).toEqual({ median: 22, floor: 11 });
  });
});

describe("button bench: the budget", () => {
  it("shares what is left in proportion to planned work", () => {
    // 14 minutes over three 10k (30,000 each) and three 1k (10,000 each) configurations.
    expect(fairShareMs(840_000, 30_000, 120_000)).toBe(210_000);
    expect(fairShareMs(-5, 1, 1)).toBe(0);
    expect(fairShareMs(10, 1, 0)).toBe(0);
  });

  it("always starts a configuration, then repeats only while the slowest repeat still fits the share", () => {
    const base = { usedMs: 0, shareMs: 60_000, remainingMs: 600_000, minStartMs: 10_000 };
    expect(nextRepeatFits({ ...base, done: [] })).toBe(true);
    expect(nextRepeatFits({ ...base, done: [9_000, 12_000], usedMs: 40_000 })).toBe(true);
    expect(nextRepeatFits({ ...base, done: [9_000, 12_000], usedMs: 50_000 })).toBe(false);
    expect(nextRepeatFits({ ...base, done: [], remainingMs: 5_000 })).toBe(false);
  });
});

describe("button bench: figures", () => {
  it("one set per configuration, with the estimate next to the median when the probe ran", () => {
    const figures = buttonFigures(
      fig,
      config([rep(4_000), rep(6_000)], {
        estimate: { available: true, totalMs: 12_000, verdict: "ready", note: "ready: 200 postings" },
      }),
    );
    const byId = new Map(figures.map((f) => [f.id, f]));
    expect(byId.get("button.1k-w8.round-trip.median")).toMatchObject({ value: 5_000, unit: "ms" });
    expect(byId.get("button.1k-w8.round-trip.median")?.note).toContain("4.0 s, 6.0 s");
    expect(byId.get("button.1k-w8.within-goal")).toMatchObject({ value: 2 });
    expect(byId.get("button.1k-w8.ramp-calls")).toMatchObject({ value: 22, floor: 11, ratio: 2 });
    expect(byId.get("button.1k-w8.estimate")).toMatchObject({ value: 12_000 });
    expect(byId.get("button.1k-w8.estimate-vs-measured")).toMatchObject({ value: 2.4 });
  });

  it("says NOT MEASURED on the median when the probe is missing, and only the count when nothing ran", () => {
    const figures = buttonFigures(
      fig,
      config([rep(4_000)], { estimate: { available: false, note: "TODO(ops-button): not here" } }),
    );
    expect(figures.some((f) => f.id.endsWith(".estimate"))).toBe(false);
    expect(figures.find((f) => f.id === "button.1k-w8.round-trip.median")?.note).toContain("NOT MEASURED");
    const none = buttonFigures(fig, config([], { skipped: "not run: 3 s of the budget left" }));
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ id: "button.1k-w8.repeats", value: 0 });
    expect(none[0]?.note).toContain("not run");
  });
});
