/**
 * Can this tenant answer a Sync Button click inside Ramp's window? `ops button
 * enable` asks this before it turns the button on; it never writes into the
 * customer's ERP to find out. Pure: the command reads the ledger and times a
 * chart read, this file decides.
 *
 * What is measured:
 * - **Postings** (`recentPostings`): per ledger row, its last POSTED step and the
 *   CLAIMED step just before it (the row's `history`; operator steps such as
 *   `mark-synced` are no posting and are skipped). The newest `SAMPLE_SIZE`
 *   postings are kept. A row is in flight from its claim to its POSTED step; the
 *   rows of one ERP call share that interval, so a per-row latency would count a
 *   batch of ten as ten times one posting. Instead the sample's **busy time** is
 *   the length of the union of those intervals (the wall time during which at
 *   least one of its postings was in flight, gaps between drains left out), and
 *   the **per-posting latency** is busy time ÷ postings: what one posting cost
 *   the ERP, batching included. Its inverse is the measured throughput.
 * - **The chart read**: the syncer reads the tenant's coding surface once when
 *   it builds the tenant's runtime (a cold container), so one timed, read-only
 *   `readSurface()` is part of every estimate.
 *
 * The model, for a click asking for N rows:
 *
 *   estimate = ⌈N ÷ c⌉ × per-posting latency            (the postings)
 *            + chart read                                  (once)
 *            + (⌈N/100⌉ list calls + ⌈N/100⌉ reports) × RAMP_CALL_MS
 *
 * where c = min(tenant.sync.erpConcurrency, adapter capabilities.maxConcurrency)
 * is how many posting calls the tenant's ERP takes at once. The listing of the
 * requested rows (`requested_to_sync`, 100 per page) and the progress reports
 * (`POST /accounting/syncs` with the request's id) go at Ramp's pace: the rate
 * window allows one call per 50 ms (200 per rolling 10 s, shared with all the
 * tenant's other traffic) and a page of 100 objects takes longer than that on
 * the wire, so each is budgeted `RAMP_CALL_MS`. The estimate must fit the
 * window minus the margin (lib/domain/button-window.ts: 300 s − 45 s = 255 s);
 * the margin also covers the hops before the first listing (webhook, poll-jobs
 * queue, a cold start). A tie fits.
 *
 * Limits, on purpose conservative where it matters:
 * - the latency is measured at the concurrency the drains ran with. Every
 *   adapter today allows one posting call at a time (journal and Tryton:
 *   maxConcurrency 1, so c = 1 and the estimate is exactly N ÷ measured
 *   throughput). An adapter allowing more whose drains already ran calls side
 *   by side would show a smaller latency, and the division by c would count
 *   that parallelism twice: measure such an adapter before trusting c > 1.
 * - a claim whose lease expired and was taken over keeps its first claim time
 *   (a takeover writes no history step), so one crashed worker in the sample
 *   lengthens the busy time by the lease: the guard then errs on refusing.
 * - no posted row at all is `no-history`: nothing to measure, no estimate.
 */
import { BUTTON_WINDOW_MS, buttonMarginMs } from "../domain/button-window.js";
import type { HistoryEntry } from "../sync/ports.js";

/** How many of the newest postings the measurement keeps. */
export const SAMPLE_SIZE = 200;
/** Rows per Ramp list page and per progress report. */
export const RAMP_PAGE = 100;
/** Time budgeted per Ramp call (a list page or a report) at Ramp's pace. */
export const RAMP_CALL_MS = 500;
/** The click the estimate is for, unless told otherwise (`--rows`). */
export const DEFAULT_ROWS = 1_000;

/** One posting as the ledger saw it: the claim that led to it and its POSTED step (epoch ms). */
export interface PostingSpan {
  rampId: string;
  claimedAt: number;
  postedAt: number;
}

/** The posting of one row (its last POSTED step and the claim right before it), or null. */
export function postingSpanOf(row: {
  rampId: string;
  history?: readonly HistoryEntry[] | undefined;
}): PostingSpan | null {
  const h = row.history ?? [];
  for (let p = h.length - 1; p >= 0; p--) {
    const posted = h[p] as HistoryEntry;
    if (posted.state !== "POSTED" || posted.action) continue;
    for (let c = p - 1; c >= 0; c--) {
      const step = h[c] as HistoryEntry;
      if (step.state !== "CLAIMED") continue;
      return step.at <= posted.at ? { rampId: row.rampId, claimedAt: step.at, postedAt: posted.at } : null;
    }
    return null;
  }
  return null;
}

/** The newest `limit` postings of these rows, newest first. */
export function recentPostings(
  rows: ReadonlyArray<{ rampId: string; history?: readonly HistoryEntry[] | undefined }>,
  limit = SAMPLE_SIZE,
): PostingSpan[] {
  return rows
    .map(postingSpanOf)
    .filter((s): s is PostingSpan => s !== null)
    .sort((a, b) => b.postedAt - a.postedAt || (a.rampId < b.rampId ? -1 : 1))
    .slice(0, limit);
}

/** The length of the union of the postings' in-flight intervals (ms). */
export function busyMs(spans: readonly PostingSpan[]): number {
  const sorted = [...spans].sort((a, b) => a.claimedAt - b.claimedAt);
  let total = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const s of sorted) {
    if (Number.isNaN(end) || s.claimedAt > end) {
      if (!Number.isNaN(end)) total += end - start;
      start = s.claimedAt;
      end = s.postedAt;
    } else end = Math.max(end, s.postedAt);
  }
  return Number.isNaN(end) ? 0 : total + (end - start);
}

export interface ReadinessInput {
  /** Rows the click asks for (N). */
  rows: number;
  /** The measured postings (recentPostings). */
  postings: readonly PostingSpan[];
  /** The timed read-only chart read (ms). */
  chartReadMs: number;
  /** tenant.sync.erpConcurrency and the adapter's capabilities.maxConcurrency. */
  concurrency: { tenant: number; adapter: number };
  /** Ramp's window (default BUTTON_WINDOW_MS); the margin is buttonMarginMs of it. */
  windowMs?: number;
  rampCallMs?: number;
}

export interface Measured {
  postings: number;
  /** The sample's oldest claim and newest posting (epoch ms). */
  from: number;
  to: number;
  busyMs: number;
  perPostingMs: number;
  /** At the concurrency the drains ran with: 1000 ÷ perPostingMs (null when the busy time is 0). */
  postingsPerSecond: number | null;
}

export interface Estimate {
  postingMs: number;
  chartReadMs: number;
  listCalls: number;
  reportCalls: number;
  rampMs: number;
  totalMs: number;
}

export interface Readiness {
  verdict: "ready" | "too-slow" | "no-history";
  rows: number;
  windowMs: number;
  marginMs: number;
  /** windowMs − marginMs: what the estimate must fit in. */
  budgetMs: number;
  concurrency: { tenant: number; adapter: number; effective: number };
  chartReadMs: number;
  measured: Measured | null;
  estimate: Estimate | null;
}

export function buttonReadiness(input: ReadinessInput): Readiness {
  const windowMs = input.windowMs ?? BUTTON_WINDOW_MS;
  const marginMs = buttonMarginMs(windowMs);
  const budgetMs = windowMs - marginMs;
  const effective = Math.max(1, Math.min(input.concurrency.tenant, input.concurrency.adapter));
  const base = {
    rows: input.rows,
    windowMs,
    marginMs,
    budgetMs,
    concurrency: { ...input.concurrency, effective },
    chartReadMs: input.chartReadMs,
  };
  const n = input.postings.length;
  if (n === 0) return { verdict: "no-history", ...base, measured: null, estimate: null };
  const busy = busyMs(input.postings);
  const perPostingMs = busy / n;
  const measured: Measured = {
    postings: n,
    from: Math.min(...input.postings.map((p) => p.claimedAt)),
    to: Math.max(...input.postings.map((p) => p.postedAt)),
    busyMs: busy,
    perPostingMs,
    postingsPerSecond: busy > 0 ? 1000 / perPostingMs : null,
  };
  const calls = Math.ceil(input.rows / RAMP_PAGE);
  const rampMs = 2 * calls * (input.rampCallMs ?? RAMP_CALL_MS);
  const postingMs = Math.ceil((Math.ceil(input.rows / effective) * busy) / n);
  const totalMs = postingMs + input.chartReadMs + rampMs;
  return {
    verdict: totalMs <= budgetMs ? "ready" : "too-slow",
    ...base,
    measured,
    estimate: {
      postingMs,
      chartReadMs: input.chartReadMs,
      listCalls: calls,
      reportCalls: calls,
      rampMs,
      totalMs,
    },
  };
}
