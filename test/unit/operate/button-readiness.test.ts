/**
 * The Sync Button readiness estimate (lib/operate/button-readiness.ts): what a
 * posting is in a row's history, the busy time of a sample (the union of its
 * in-flight intervals, so a batch counts once and the gaps between drains not
 * at all), and the verdict — no history, concurrency, the window's boundary.
 */
import { describe, expect, it } from "vitest";
import { BUTTON_WINDOW_MS, buttonMarginMs } from "../../../lib/domain/button-window.js";
import {
  busyMs,
  buttonReadiness,
  type PostingSpan,
  postingSpanOf,
  RAMP_CALL_MS,
  recentPostings,
  SAMPLE_SIZE,
} from "../../../lib/operate/button-readiness.js";
import type { HistoryEntry } from "../../../lib/sync/ports.js";

const T0 = Date.UTC(2026, 5, 15, 12);
const step = (at: number, state: HistoryEntry["state"], over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  at: T0 + at,
  state,
  rev: 0,
  ...over,
});
/** n postings of one ERP call: all in flight over [from, to] (ms after T0). */
const batch = (n: number, from: number, to: number, id = "r"): PostingSpan[] =>
  Array.from({ length: n }, (_, k) => ({
    rampId: `${id}${from}-${k}`,
    claimedAt: T0 + from,
    postedAt: T0 + to,
  }));

describe("postingSpanOf", () => {
  it.each([
    [
      "claimed → posted → reporting → marked: from the claim to the POSTED step",
      [step(0, "CLAIMED"), step(40, "POSTED"), step(900, "REPORTING"), step(950, "MARKED")],
      { claimedAt: T0, postedAt: T0 + 40 },
    ],
    [
      "a retry: the claim right before the posting, not the first one",
      [step(0, "CLAIMED"), step(10, "FAILED"), step(5_000, "CLAIMED"), step(5_030, "POSTED")],
      { claimedAt: T0 + 5_000, postedAt: T0 + 5_030 },
    ],
    [
      "posted again after a reopen: the last posting",
      [
        step(0, "CLAIMED"),
        step(20, "POSTED"),
        step(100, "MARKED"),
        step(9_000, "CLAIMED"),
        step(9_700, "POSTED"),
      ],
      { claimedAt: T0 + 9_000, postedAt: T0 + 9_700 },
    ],
  ])("%s", (_name, history, want) => {
    expect(postingSpanOf({ rampId: "r1", history })).toEqual({ rampId: "r1", ...want });
  });

  it.each([
    ["no history", undefined],
    ["never posted", [step(0, "CLAIMED"), step(10, "FAILED")]],
    [
      "posted by an operator (mark-synced is no posting)",
      [
        step(0, "CLAIMED"),
        step(10, "FAILED"),
        step(60_000, "POSTED", { by: "ops:ana:1", action: "mark-synced" }),
      ],
    ],
    ["the claim fell out of the kept history", [step(40, "POSTED"), step(900, "MARKED")]],
    ["a POSTED step before its claim (clock skew)", [step(50, "CLAIMED"), step(10, "POSTED")]],
  ])("none: %s", (_name, history) => {
    expect(postingSpanOf({ rampId: "r1", history })).toBeNull();
  });
});

describe("recentPostings", () => {
  it("keeps the newest postings first, at most the sample size, and skips rows without one", () => {
    const rows = Array.from({ length: SAMPLE_SIZE + 5 }, (_, k) => ({
      rampId: `r${k}`,
      history: [step(k * 1_000, "CLAIMED"), step(k * 1_000 + 50, "POSTED")],
    }));
    rows.push({ rampId: "failed", history: [step(999_999, "CLAIMED"), step(1_000_000, "FAILED")] });
    const got = recentPostings(rows);
    expect(got).toHaveLength(SAMPLE_SIZE);
    expect(got[0]?.rampId).toBe(`r${SAMPLE_SIZE + 4}`);
    expect(got.at(-1)?.rampId).toBe("r5");
    expect(recentPostings(rows, 2).map((p) => p.rampId)).toEqual([
      `r${SAMPLE_SIZE + 4}`,
      `r${SAMPLE_SIZE + 3}`,
    ]);
  });
});

describe("busyMs: the union of the in-flight intervals", () => {
  it.each([
    ["nothing", [], 0],
    ["one batch of ten counts once", batch(10, 0, 5_000), 5_000],
    [
      "two drains an hour apart: the gap is not busy",
      [...batch(5, 0, 1_000), ...batch(5, 3_600_000, 3_601_000)],
      2_000,
    ],
    ["overlapping calls (two invocations)", [...batch(3, 0, 1_000), ...batch(3, 500, 1_800)], 1_800],
    ["a call inside another", [...batch(2, 0, 3_000), ...batch(2, 1_000, 2_000)], 3_000],
    ["touching calls", [...batch(1, 0, 1_000), ...batch(1, 1_000, 1_500)], 1_500],
    ["unsorted input", [...batch(1, 5_000, 6_000), ...batch(1, 0, 100)], 1_100],
  ])("%s → %d ms", (_name, spans, want) => {
    expect(busyMs(spans)).toBe(want);
  });
});

describe("buttonReadiness", () => {
  const budget = BUTTON_WINDOW_MS - buttonMarginMs(BUTTON_WINDOW_MS);
  const ramp1000 = 20 * RAMP_CALL_MS; // ⌈1000/100⌉ list calls + as many reports

  it("the window is 300 s less a 45 s margin (15 %, never under 3 s)", () => {
    expect([BUTTON_WINDOW_MS, buttonMarginMs(BUTTON_WINDOW_MS), budget]).toEqual([300_000, 45_000, 255_000]);
    expect(buttonMarginMs(10_000)).toBe(3_000);
    expect(buttonMarginMs(30_000)).toBe(4_500);
  });

  it.each([
    // name, rows, postings, chart read ms, tenant conc, adapter conc, verdict, total ms
    [
      "an ERP at 2 postings/s (8 in one 4 s call), one slot",
      1000,
      batch(8, 0, 4_000),
      40,
      4,
      1,
      "too-slow",
      500_000 + 40 + ramp1000,
    ],
    ["the same ERP with 4 slots", 1000, batch(8, 0, 4_000), 40, 4, 4, "ready", 250 * 500 + 40 + ramp1000],
    [
      "the tenant allows fewer slots than the adapter",
      1000,
      batch(8, 0, 4_000),
      40,
      2,
      8,
      "too-slow",
      500 * 500 + 40 + ramp1000,
    ],
    [
      "a fast journal: 16 postings in 320 ms",
      1000,
      batch(16, 0, 320),
      35,
      4,
      1,
      "ready",
      20_000 + 35 + ramp1000,
    ],
    [
      "a fast ERP behind a slow chart read",
      1000,
      batch(16, 0, 320),
      240_000,
      4,
      1,
      "too-slow",
      20_000 + 240_000 + ramp1000,
    ],
    ["exactly the budget fits", 1000, batch(1, 0, 245), 0, 1, 1, "ready", 255_000],
    ["one millisecond over does not", 1000, batch(1, 0, 245), 1, 1, 1, "too-slow", 255_001],
    [
      "101 rows: two pages, half the rows per slot rounded up",
      101,
      batch(2, 0, 200),
      0,
      2,
      2,
      "ready",
      51 * 100 + 4 * RAMP_CALL_MS,
    ],
    [
      "a smaller click of a slow ERP fits",
      300,
      batch(8, 0, 4_000),
      40,
      4,
      1,
      "ready",
      150_000 + 40 + 6 * RAMP_CALL_MS,
    ],
    ["postings measured at 0 ms (one clock tick)", 1000, batch(4, 0, 0), 10, 4, 1, "ready", 10 + ramp1000],
  ])("%s", (_name, rows, postings, chartReadMs, tenant, adapter, verdict, total) => {
    const r = buttonReadiness({ rows, postings, chartReadMs, concurrency: { tenant, adapter } });
    expect({ verdict: r.verdict, totalMs: r.estimate?.totalMs }).toEqual({ verdict, totalMs: total });
    expect(r.concurrency.effective).toBe(Math.min(tenant, adapter));
    expect(r.budgetMs).toBe(budget);
  });

  it("reports what it measured: postings, busy time, per-posting latency and throughput", () => {
    const r = buttonReadiness({
      rows: 1000,
      postings: [...batch(8, 0, 4_000), ...batch(2, 60_000, 61_000)],
      chartReadMs: 12,
      concurrency: { tenant: 4, adapter: 1 },
    });
    expect(r.measured).toEqual({
      postings: 10,
      from: T0,
      to: T0 + 61_000,
      busyMs: 5_000,
      perPostingMs: 500,
      postingsPerSecond: 2,
    });
    expect(r.estimate).toEqual({
      postingMs: 500_000,
      chartReadMs: 12,
      listCalls: 10,
      reportCalls: 10,
      rampMs: ramp1000,
      totalMs: 500_000 + 12 + ramp1000,
    });
    expect(
      buttonReadiness({
        rows: 1,
        postings: batch(1, 0, 0),
        chartReadMs: 0,
        concurrency: { tenant: 1, adapter: 1 },
      }).measured?.postingsPerSecond,
    ).toBeNull();
  });

  it("no posting at all: no history, no estimate (only the chart read is known)", () => {
    const r = buttonReadiness({
      rows: 1000,
      postings: [],
      chartReadMs: 30,
      concurrency: { tenant: 4, adapter: 1 },
    });
    expect(r).toMatchObject({
      verdict: "no-history",
      measured: null,
      estimate: null,
      chartReadMs: 30,
      budgetMs: budget,
    });
  });

  it("another window (a test's 30 s) moves the budget with it", () => {
    const r = buttonReadiness({
      rows: 100,
      postings: batch(10, 0, 2_000),
      chartReadMs: 0,
      concurrency: { tenant: 1, adapter: 1 },
      windowMs: 30_000,
    });
    expect(r).toMatchObject({ windowMs: 30_000, marginMs: 4_500, budgetMs: 25_500, verdict: "ready" });
    expect(r.estimate?.totalMs).toBe(20_000 + 2 * RAMP_CALL_MS);
    const slower = buttonReadiness({
      rows: 100,
      postings: batch(10, 0, 2_500),
      chartReadMs: 0,
      concurrency: { tenant: 1, adapter: 1 },
      windowMs: 30_000,
    });
    expect(slower.verdict).toBe("too-slow");
  });
});
