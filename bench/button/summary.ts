/**
 * The Sync Button bench's arithmetic, pure so it is unit-tested (test/unit/bench-button.test.ts):
 * what one repeat's syncs say (when each row's final report under the request came, which
 * came from the deadline job), the Ramp-call floor of one request, the summary of a
 * (rows, workers) configuration over its repeats, the budget that keeps the suite inside its
 * time, and the figures.
 *
 * "Came from the deadline job": a row whose final report under the request was made at or
 * after our deadline (lib/domain/button-window.ts: the event's created_at + window − margin)
 * less DEADLINE_SLACK_MS — the deadline job runs once `deadline − now ≤ 1 s`, and the event's
 * created_at (our start) is Ramp's click time truncated to the second, so our deadline can be
 * up to 1 s before `click + window − margin`. Nothing else reports that late while the syncer
 * keeps up; whether the row is reported synced (the deadline's forced flush) or told failed
 * ("we'll retry") is kept apart.
 */
import { buttonMarginMs } from "../../lib/domain/button-window.js";
import type { FigureMaker } from "../figure.js";
import { rampFloor } from "../floor.js";
import type { Figure } from "../schema.js";

/** See the header: 1 s for the deadline job's early run + 1 s for created_at's truncation + 0.5 s. */
export const DEADLINE_SLACK_MS = 2_500;

/** One POST /accounting/syncs the sandbox recorded (its own record: `at` in epoch ms). */
export interface SyncCall {
  at: number;
  syncRequestId: string | null;
  successful: readonly string[];
  failed: readonly string[];
}

/** When the deadline job can first run, from Ramp's click (request created_at) and the window. */
export function deadlineAt(createdAt: number, windowMs: number): number {
  return createdAt + windowMs - buttonMarginMs(windowMs);
}

export interface RowReports {
  /** Rows with a report under the request. */
  reported: number;
  /** Rows whose final report under the request came from the deadline job (see the header). */
  atDeadline: number;
  /** Of those, told failed (Ramp shows them failed, "we'll retry"); the rest were flushed synced. */
  toldFailedAtDeadline: number;
  /** Final report time of each reported row after the click (ms), sorted. */
  afterClickMs: number[];
  /** Report calls made under the request. */
  calls: number;
}

/** What the request's own reports say about its rows: when each was last reported, and by whom. */
export function rowReports(
  syncs: readonly SyncCall[],
  request: { id: string; createdAt: number; rows: readonly string[] },
  windowMs: number,
): RowReports {
  const wanted = new Set(request.rows);
  const last = new Map<string, { at: number; failed: boolean }>();
  let calls = 0;
  for (const s of syncs) {
    if (s.syncRequestId !== request.id) continue;
    calls++;
    for (const [ids, failed] of [
      [s.successful, false],
      [s.failed, true],
    ] as const)
      for (const id of ids) {
        if (!wanted.has(id)) continue;
        const prev = last.get(id);
        if (!prev || s.at >= prev.at) last.set(id, { at: s.at, failed });
      }
  }
  const from = deadlineAt(request.createdAt, windowMs) - DEADLINE_SLACK_MS;
  let atDeadline = 0;
  let toldFailedAtDeadline = 0;
  const afterClickMs: number[] = [];
  for (const r of last.values()) {
    afterClickMs.push(r.at - request.createdAt);
    if (r.at >= from) {
      atDeadline++;
      if (r.failed) toldFailedAtDeadline++;
    }
  }
  afterClickMs.sort((a, b) => a - b);
  return { reported: last.size, atDeadline, toldFailedAtDeadline, afterClickMs, calls };
}

/** The q-quantile (0…1) of sorted values, nearest rank; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The fewest Ramp calls one request can cost (bench/floor.ts's rule applied to the button's
 * walk): the `requested_to_sync` transaction listing per entity (max(1, ⌈n_e/100⌉)) plus
 * ⌈N/5,000⌉ reports. The button job's one `GET /entities` and the token are outside it; so are
 * the extra reports the syncer makes on purpose (it reports as rows finish, so Ramp shows
 * progress, instead of one call at the end).
 */
export function requestFloor(rowsByEntity: Readonly<Record<string, number>>): {
  list: number;
  sync: number;
  total: number;
} {
  const n = Object.values(rowsByEntity).reduce((a, b) => a + b, 0);
  const f = rampFloor(
    Object.entries(rowsByEntity).map(([entityId, objects]) => ({
      source: "transaction" as const,
      entityId,
      objects,
    })),
    { TRANSACTION_SYNC: { synced: n, failed: 0 } },
  );
  return { list: f.list, sync: f.sync, total: f.total };
}

/** One click, measured. */
export interface RepeatResult {
  rows: number;
  /** Click → no row PENDING in Ramp (untilAnswered), or the wait when cut. */
  roundTripMs: number;
  /** Rows Ramp shows SUCCEEDED or FAILED when the wait ended. */
  answered: number;
  succeeded: number;
  failed: number;
  /** True when the suite's budget ended the wait first: roundTripMs is then a lower bound. */
  cut: boolean;
  atDeadline: number;
  toldFailedAtDeadline: number;
  /** Rows Ramp auto-failed (nobody reported them within its window). */
  autoFailed: number;
  rampCalls: number;
  rampCallsByRoute: Record<string, number>;
  /** Report calls under the request. */
  reports: number;
  floor: number;
  /** Row report times after the click: median, p90, p99 (ms). */
  rowMs: { p50: number; p90: number; p99: number };
}

/** The ops probe's estimate for one configuration (lib/operate/button-readiness.ts via `ops button enable --dry-run`). */
export interface EstimateResult {
  available: boolean;
  /** The estimate (ms), when there is one. */
  totalMs?: number;
  verdict?: string;
  /** Why not available, or what it rests on (one line). */
  note: string;
  readiness?: unknown;
}

export interface ConfigResult {
  key: string;
  rows: number;
  workers: number;
  windowMs: number;
  planned: number;
  repeats: RepeatResult[];
  estimate: EstimateResult | null;
  /** Why repeats were left out (the budget), if any. */
  skipped: string | null;
}

export interface ConfigSummary {
  ran: number;
  cut: number;
  roundTripMs: { all: number[]; min: number; median: number; max: number };
  requested: number;
  answered: number;
  atDeadline: number;
  toldFailedAtDeadline: number;
  autoFailed: number;
  repeatsAtDeadline: number;
  /** Repeats answered within the goal by the syncer's own reports (none left to the deadline job, none cut). */
  withinGoal: number;
  rampCalls: { median: number; floor: number };
}

/** The goal a configuration's every repeat is held against: 1,000 rows in 30 s, 10,000 in 5 minutes. */
export function goalMs(rows: number, windowMs: number): number {
  return rows >= 10_000 ? windowMs : Math.min(30_000, windowMs);
}

export function summarize(c: ConfigResult): ConfigSummary {
  const all = c.repeats.map((r) => r.roundTripMs);
  const sorted = [...all].sort((a, b) => a - b);
  const sum = (f: (r: RepeatResult) => number) => c.repeats.reduce((n, r) => n + f(r), 0);
  const goal = goalMs(c.rows, c.windowMs);
  const deadline = c.windowMs - buttonMarginMs(c.windowMs) - DEADLINE_SLACK_MS;
  return {
    ran: c.repeats.length,
    cut: c.repeats.filter((r) => r.cut).length,
    roundTripMs: {
      all,
      min: sorted[0] ?? Number.NaN,
      median: median(all),
      max: sorted.at(-1) ?? Number.NaN,
    },
    requested: sum((r) => r.rows),
    answered: sum((r) => r.answered),
    atDeadline: sum((r) => r.atDeadline),
    toldFailedAtDeadline: sum((r) => r.toldFailedAtDeadline),
    autoFailed: sum((r) => r.autoFailed),
    repeatsAtDeadline: c.repeats.filter((r) => r.roundTripMs >= deadline).length,
    withinGoal: c.repeats.filter((r) => !r.cut && r.atDeadline === 0 && r.roundTripMs < goal).length,
    rampCalls: {
      median: median(c.repeats.map((r) => r.rampCalls)),
      floor: median(c.repeats.map((r) => r.floor)),
    },
  };
}

/**
 * The suite's time, spent in order: a configuration gets a share of what is left in
 * proportion to its planned work (`remaining × weight ÷ weight of the configurations left`,
 * so what one does not use goes to the next); a repeat
 * after the first runs only while the configuration's time so far plus the slowest repeat
 * it has had fits its share. The first repeat runs whenever anything is left. Every wait is
 * cut at the end of the budget (`remainingMs`), so the suite never overruns by more than its
 * teardown.
 */
export function fairShareMs(remainingMs: number, weight: number, weightLeft: number): number {
  return weightLeft > 0 ? (Math.max(0, remainingMs) * weight) / weightLeft : 0;
}

export function nextRepeatFits(o: {
  /** Repeats already run in this configuration (round trips, ms). */
  done: readonly number[];
  /** Time this configuration has used so far (repeats, waits, the probe). */
  usedMs: number;
  shareMs: number;
  remainingMs: number;
  /** Least time worth starting a repeat with (a repeat that would be cut at once measures nothing). */
  minStartMs: number;
}): boolean {
  if (o.remainingMs < o.minStartMs) return false;
  if (o.done.length === 0) return true;
  const slowest = Math.max(...o.done);
  return o.usedMs + slowest <= o.shareMs && slowest <= o.remainingMs;
}

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
export const configKey = (rows: number, workers: number) => `${k(rows)}-w${workers}`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The figures of one configuration. */
export function buttonFigures(fig: FigureMaker, c: ConfigResult): Figure[] {
  const s = summarize(c);
  const label = `${k(c.rows)} rows ×${c.workers}w`;
  const id = (what: string) => `${c.key}.${what}`;
  const goal = goalMs(c.rows, c.windowMs);
  const goalText = `< ${goal >= 60_000 ? `${goal / 60_000} min` : `${goal / 1000} s`} in every repeat`;
  const out: Figure[] = [];
  const ranNote =
    `${s.ran} of ${c.planned} planned repeats` +
    (s.cut ? `, ${s.cut} cut by the budget (a lower bound)` : "") +
    (c.skipped ? `; ${c.skipped}` : "");
  if (s.ran === 0) {
    out.push(fig(id("repeats"), `${label}: repeats run`, 0, "repeats", { note: ranNote }));
    return out;
  }
  const e = c.estimate;
  const unmeasured =
    e && !(e.available && e.totalMs !== undefined) ? `; ops button estimate NOT MEASURED: ${e.note}` : "";
  out.push(
    fig(id("round-trip.median"), `${label}: round trip, median`, s.roundTripMs.median, "ms", {
      goal: goalText,
      note: `click → last row answered in Ramp; every repeat: ${s.roundTripMs.all.map(sec).join(", ")}${unmeasured}`,
    }),
    fig(id("round-trip.min"), `${label}: round trip, min`, s.roundTripMs.min, "ms"),
    fig(id("round-trip.max"), `${label}: round trip, max`, s.roundTripMs.max, "ms", { goal: goalText }),
    fig(id("within-goal"), `${label}: repeats within the goal`, s.withinGoal, "repeats", {
      goal: `${s.ran} (all)`,
      note: `under the goal with no row left to the deadline job; ${ranNote}`,
    }),
    fig(id("rows-answered"), `${label}: rows answered`, s.answered, "rows", {
      goal: String(s.requested),
      note: `of ${s.requested} requested over ${s.ran} repeats`,
    }),
    fig(id("rows-at-deadline"), `${label}: rows answered by the deadline job`, s.atDeadline, "rows", {
      goal: "0",
      note:
        `final report under the request at the deadline (${sec(c.windowMs - buttonMarginMs(c.windowMs))} after the click); ` +
        `${s.toldFailedAtDeadline} of them told failed ("we'll retry"), the rest flushed synced; ` +
        `${s.repeatsAtDeadline} of ${s.ran} repeats lasted until the deadline`,
    }),
    fig(id("auto-failed"), `${label}: rows auto-failed by Ramp`, s.autoFailed, "rows", { goal: "0" }),
    fig(id("ramp-calls"), `${label}: Ramp calls per request (median)`, s.rampCalls.median, "calls", {
      floor: s.rampCalls.floor,
      note:
        "floor: requested_to_sync list pages per entity + ⌈N/5,000⌉ reports; the syncer reports as rows finish " +
        `(median ${median(c.repeats.map((r) => r.reports))} reports), and the job's GET /entities is outside`,
    }),
  );
  if (e?.available && e.totalMs !== undefined) {
    out.push(
      fig(id("estimate"), `${label}: ops button estimate`, e.totalMs, "ms", {
        note: `${e.note}; measured median ${sec(s.roundTripMs.median)}`,
      }),
      fig(
        id("estimate-vs-measured"),
        `${label}: estimate ÷ measured median`,
        e.totalMs / s.roundTripMs.median,
        "×",
        { note: "> 1: the probe is conservative; < 1: it promises more than the stack does" },
      ),
    );
  }
  return out;
}
