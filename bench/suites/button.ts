/**
 * The Sync Button round trip (issue #16, Ramp's 5-minute promise), end to end on the local
 * stack (test/support/button-world.ts): a click in the Ramp sandbox → signed webhook →
 * button-jobs queue → button job → priority queue → W syncer workers → journal ERP → reports
 * under the sync_request_id (deadline job at the deadline). Measured from Ramp's side: click →
 * no requested row PENDING in the sandbox (untilAnswered). Ramp's real window (300 s) on the
 * wall clock, so our deadline is 255 s after the click.
 *
 * Per (rows, workers): every repeat's round trip, min/median/max, rows answered, rows answered
 * by the deadline job (final report under the request at the deadline, derived from the
 * sandbox's own sync records: bench/button/summary.ts), rows Ramp auto-failed (goal 0), Ramp
 * calls per request against their floor, the goal (1,000 rows < 30 s in every repeat, 10,000 <
 * 5 min), and `ops button enable`'s estimate for the same N (lib/operate/button-readiness.ts,
 * run as the command runs: `--dry-run --json` on the world's own ledger after the first repeat)
 * next to the measured median.
 *
 * The plan, and why. Asked for: 10 repeats at 1,000 rows and 3 at 10,000, with 1, 4 and 8
 * workers, in ≤ 15 minutes on 2 cores. Measured here (main before the reporter's lock fix):
 * a 10,000-row click takes 200 s with 8 workers (~50 rows/s: one Node process runs the sandbox,
 * every handler and the journal) and reaches the deadline job at 255 s with 4 or 1 (1,520 and
 * 4,100 rows told there); so the nine 10,000 runs alone are ~35 minutes, and the whole plan
 * ~45. It cannot fit; the suite spends a fixed budget instead (14 min from its start;
 * BENCH_BUTTON_BUDGET_MIN overrides it, e.g. 45 for the whole plan on this machine):
 * - one world per (rows, workers): a fresh stack, sandbox and journal seeded with rows × repeats
 *   ready transactions, each repeat clicking its own disjoint slice, the queues left to go quiet
 *   between repeats, so no repeat inherits another's work; a world is built in 2–3 s (30,000
 *   transactions: 3.1 s);
 * - 1,000 first (8, 4, then 1 worker), keeping back two bounded 10,000 runs (2 × 270 s: click to
 *   the deadline job's answer, plus slack), so the 1,000 configurations share ~5 minutes; then
 *   10,000 (8, 4, 1) with whatever is left, a 10,000 run only started when a whole bounded run
 *   fits (a cut run says nothing about the goal). On this machine that is one 10,000 run at 8
 *   and at 4 workers; 1 worker at 10,000 runs when the 1,000 runs left it 270 s, otherwise its
 *   note says so (and whether more workers already needed the deadline job);
 * - inside its part of the budget a configuration gets a share in proportion to its planned
 *   work (rows × repeats), what it does not use goes to the next; its first repeat always runs
 *   (when the minimum start time is left), a further one only while the time used plus its
 *   slowest repeat so far fits the share. Every wait is cut at the end of the budget, and a cut
 *   repeat is flagged (its time is then a lower bound). What was left out is in each figure's
 *   note and in `suites.button.detail`.
 * Deadline jobs of earlier repeats still fire 255 s after their click, inside later repeats;
 * with nothing left to tell they make no Ramp call.
 *
 * Quick (CI, BENCH_QUICK): 200 rows, 4 workers, 2 repeats on a 30 s window (deadline 25.5 s),
 * budget 55 s. The estimate is the command's, sized for Ramp's real window (its verdict is
 * against 255 s; the estimate itself does not depend on the window).
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buttonMarginMs } from "../../lib/domain/button-window.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { sleep } from "../../lib/domain/time.js";
import { contextOnTarget } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";
import { type ButtonWorld, startButtonWorld, TENANT } from "../../test/support/button-world.js";
import {
  buttonFigures,
  type ConfigResult,
  configKey,
  type EstimateResult,
  fairShareMs,
  nextRepeatFits,
  quantile,
  type RepeatResult,
  requestFloor,
  rowReports,
  type SyncCall,
} from "../button/summary.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, Figure, SuiteOutput } from "../schema.js";

const fig = figureMaker("button");

interface Planned {
  rows: number;
  workers: number;
  repeats: number;
  windowMs: number;
  /** Kept back from this configuration's share and first start for the ones after it. */
  reserveMs: number;
}

const FULL_WINDOW_MS = 300_000;
const QUICK_WINDOW_MS = 30_000;

/** A whole run that may last until the deadline job has answered (255 s + telling + slack). */
const boundedRunMs = (windowMs: number) => windowMs - buttonMarginMs(windowMs) + 15_000;

function plan(quick: boolean): Planned[] {
  if (quick) return [{ rows: 200, workers: 4, repeats: 2, windowMs: QUICK_WINDOW_MS, reserveMs: 0 }];
  const at = (rows: number, repeats: number, reserveMs: number) =>
    [8, 4, 1].map((workers) => ({ rows, workers, repeats, windowMs: FULL_WINDOW_MS, reserveMs }));
  // The 1,000 configurations leave two bounded 10,000 runs' worth (8 and 4 workers) for after them.
  return [...at(1_000, 10, 2 * boundedRunMs(FULL_WINDOW_MS)), ...at(10_000, 3, 0)];
}

function budgetMs(quick: boolean): number {
  const min = Number(process.env.BENCH_BUTTON_BUDGET_MIN);
  if (Number.isFinite(min) && min > 0) return min * 60_000;
  return quick ? 55_000 : 14 * 60_000;
}

/**
 * A repeat is not started with less than this left: a 10,000 run only when a whole bounded run
 * fits (cut, it says nothing about the goal), a smaller one with a few seconds.
 */
const minStartMs = (p: Planned) =>
  p.rows >= 10_000 ? boundedRunMs(p.windowMs) : Math.min(10_000, p.windowMs / 3);
/** Past Ramp's window the request is settled one way or the other: no wait is longer. */
const ANSWER_SLACK_MS = 10_000;
/** Between repeats: the queues drain what the last click left (rows told at the deadline are retried). */
const QUIET_MAX_MS = 60_000;

export default async function buttonSuite(ctx: BenchContext): Promise<SuiteOutput> {
  const started = performance.now();
  const budget = budgetMs(ctx.quick);
  const remaining = () => budget - (performance.now() - started);
  const planned = plan(ctx.quick);
  const weight = (p: Planned) => p.rows * p.repeats;
  const results: ConfigResult[] = [];
  const figures: Figure[] = [];
  const worlds: Array<{ key: string; setupMs: number; transactions: number }> = [];

  // TODO(ops-button): the probe comes with the ops-button branch (not on main yet); without the
  // module the estimate is NOT MEASURED and the suite does not wait for quiet queues to time it.
  const probe = existsSync(fileURLToPath(new URL("../../lib/operate/button-readiness.ts", import.meta.url)));
  for (const [i, p] of planned.entries()) {
    const key = configKey(p.rows, p.workers);
    // The share among the configurations left that draw on the same part of the budget.
    const peers = planned.slice(i).filter((q) => q.reserveMs === p.reserveMs);
    const weightLeft = peers.reduce((n, q) => n + weight(q), 0);
    const left = () => remaining() - p.reserveMs;
    const shareMs = fairShareMs(left(), weight(p), weightLeft);
    const result: ConfigResult = {
      key,
      rows: p.rows,
      workers: p.workers,
      windowMs: p.windowMs,
      planned: p.repeats,
      repeats: [],
      estimate: null,
      skipped: null,
    };
    results.push(result);
    if (left() < minStartMs(p)) {
      const faster = results.find(
        (q) => q.rows === p.rows && q.workers > p.workers && q.repeats.some((x) => x.atDeadline > 0),
      );
      result.skipped =
        `not run: ${(Math.max(0, left()) / 1000).toFixed(0)} s of the budget left, ${(minStartMs(p) / 1000).toFixed(0)} s needed` +
        (faster
          ? ` (with ${faster.workers} workers it already needed the deadline job; fewer would too)`
          : "");
      ctx.log(`${key}: ${result.skipped}`);
      figures.push(...buttonFigures(fig, result));
      continue;
    }
    const configStart = performance.now();
    const t0 = performance.now();
    const w = await startButtonWorld({
      dynamoEndpoint: ctx.dynamoEndpoint,
      transactions: p.rows * p.repeats,
      windowMs: p.windowMs,
      workers: p.workers,
    });
    const setupMs = Math.round(performance.now() - t0);
    worlds.push({ key, setupMs, transactions: p.rows * p.repeats });
    ctx.log(`${key}: world of ${p.rows * p.repeats} ready transactions in ${(setupMs / 1000).toFixed(1)} s`);
    try {
      const ready = w.ready();
      for (let r = 0; r < p.repeats; r++) {
        const fits = nextRepeatFits({
          done: result.repeats.map((x) => x.roundTripMs),
          usedMs: performance.now() - configStart,
          shareMs,
          remainingMs: left(),
          minStartMs: minStartMs(p),
        });
        if (!fits) {
          result.skipped =
            `${p.repeats - r} repeats left out by the budget (share ${(shareMs / 1000).toFixed(0)} s, ` +
            `${(Math.max(0, left()) / 1000).toFixed(0)} s left to it)`;
          break;
        }
        const ids = ready.slice(r * p.rows, (r + 1) * p.rows);
        if (ids.length < p.rows)
          throw new Error(`${key}: only ${ids.length} ready transactions for repeat ${r + 1}`);
        const rep = await repeat(w, ids, p.windowMs, Math.min(p.windowMs + ANSWER_SLACK_MS, remaining()));
        result.repeats.push(rep);
        ctx.log(
          `${key} #${r + 1}: ${(rep.roundTripMs / 1000).toFixed(1)} s${rep.cut ? " (cut)" : ""}, ` +
            `${rep.answered}/${rep.rows} answered, ${rep.atDeadline} by the deadline job, ` +
            `${rep.autoFailed} auto-failed, ${rep.rampCalls} Ramp calls; rows p50/p90/p99 ` +
            `${rep.rowMs.p50}/${rep.rowMs.p90}/${rep.rowMs.p99} ms`,
        );
        if (rep.cut) {
          result.skipped = "the budget ended during a repeat";
          break;
        }
        const more = r + 1 < p.repeats;
        if (more || (r === 0 && probe)) await untilQuiet(w, Math.min(QUIET_MAX_MS, Math.max(0, left())));
        if (r === 0) {
          result.estimate = probe
            ? await estimate(w, p.rows)
            : {
                available: false,
                note: "TODO(ops-button): lib/operate/button-readiness.ts and 'ops button' are not on this branch yet",
              };
          ctx.log(
            `${key}: ops button estimate — ${result.estimate.available ? `${result.estimate.totalMs} ms, ` : ""}${result.estimate.note}`,
          );
        }
      }
    } finally {
      await w.close();
    }
    figures.push(...buttonFigures(fig, result));
  }
  const seconds = Math.round(performance.now() - started) / 1000;
  ctx.log(`button: ${seconds.toFixed(0)} s of a ${budget / 1000} s budget`);
  return {
    figures,
    detail: {
      budgetS: budget / 1000,
      seconds,
      plan: planned.map((p) => ({ key: configKey(p.rows, p.workers), ...p })),
      worlds,
      configs: results,
    },
  };
}

/** One click on `ids`, waited for until Ramp shows no row PENDING (or `waitMs`), and what Ramp recorded. */
async function repeat(
  w: ButtonWorld,
  ids: string[],
  windowMs: number,
  waitMs: number,
): Promise<RepeatResult> {
  const { control, sb } = w.world;
  const biz = sb.state.businesses.get(sb.businessId);
  if (!biz) throw new Error("the sandbox has no business");
  const byEntity: Record<string, number> = {};
  for (const id of ids) {
    const t = biz.transactions.get(id);
    if (t) byEntity[t.entityId] = (byEntity[t.entityId] ?? 0) + 1;
  }
  await control("POST", "/stats/reset");
  const { request, clickedAt } = await w.click(ids);
  if (request.total !== ids.length)
    throw new Error(`the click asked for ${request.total} rows, not ${ids.length}`);
  const { view, ms } = await w.untilAnswered(request.sync_request_id, clickedAt, waitMs);
  const stats = await control<{ byRoute: Record<string, number> }>("GET", "/stats");
  const created = biz.syncRequests.get(request.sync_request_id)?.createdAt ?? Date.parse(request.created_at);
  const syncs: SyncCall[] = [...biz.syncs.values()];
  const reports = rowReports(syncs, { id: request.sync_request_id, createdAt: created, rows: ids }, windowMs);
  // Ramp auto-fails only rows still PENDING at its deadline: a request answered before its window
  // has none, and autoFailed() then returns none; one answered after it shows Ramp's own count.
  const autoFailed = (await w.autoFailed(request.sync_request_id)).length;
  const rampCalls = Object.values(stats.byRoute).reduce((a, b) => a + b, 0);
  return {
    rows: ids.length,
    roundTripMs: ms,
    answered: view.succeeded + view.failed,
    succeeded: view.succeeded,
    failed: view.failed,
    cut: view.pending > 0,
    atDeadline: reports.atDeadline,
    toldFailedAtDeadline: reports.toldFailedAtDeadline,
    autoFailed,
    rampCalls,
    rampCallsByRoute: stats.byRoute,
    reports: reports.calls,
    floor: requestFloor(byEntity).total,
    rowMs: {
      p50: quantile(reports.afterClickMs, 0.5),
      p90: quantile(reports.afterClickMs, 0.9),
      p99: quantile(reports.afterClickMs, 0.99),
    },
  };
}

/** Until the syncer has nothing in hand (priority, work and button jobs; delayed deadline jobs aside). */
async function untilQuiet(w: ButtonWorld, maxMs: number): Promise<void> {
  const giveUp = performance.now() + maxMs;
  for (;;) {
    const d = await w.stack.depths();
    const busy = ["priority", "work", "button-jobs", "poll-jobs"].reduce(
      (n, q) => n + (d[q]?.visible ?? 0) + (d[q]?.inFlight ?? 0),
      0,
    );
    if (busy === 0 || performance.now() > giveUp) return;
    await sleep(200);
  }
}

/**
 * `ops button enable --dry-run --json` on the world's stack, exactly as an operator runs it: it
 * reads the tenant's recent postings from the ledger (lib/store/ledger-postings.ts), times one
 * read-only chart read and estimates N rows (lib/operate/button-readiness.ts). Dry run: nothing
 * is written, the button is already on.
 */
async function estimate(w: ButtonWorld, rows: number): Promise<EstimateResult> {
  const ctx = contextOnTarget(() => OpsTargetSchema.parse(w.stack.opsTarget()), silentLogger);
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await runOps(
      [
        "button",
        "enable",
        "--tenant",
        TENANT,
        "--kind",
        "transactions",
        "--rows",
        String(rows),
        "--dry-run",
        "--json",
      ],
      ctx,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
  } finally {
    ctx.close();
  }
  // TODO(ops-button): `ops button` and lib/operate/button-readiness.ts come with the ops-button
  // branch; until it is merged into main the command is unknown (usage, exit 64) and the figure
  // says NOT MEASURED. Nothing else changes when it lands: this path runs it.
  if (code === 64)
    return {
      available: false,
      note: `TODO(ops-button): 'ops button enable' is not on this branch yet (${err.join(" ").slice(0, 120)})`,
    };
  let doc: {
    outcome?: string;
    readiness?: {
      verdict: string;
      measured: { postings: number; perPostingMs: number } | null;
      estimate: { totalMs: number; postingMs: number; chartReadMs: number; rampMs: number } | null;
    } | null;
  };
  try {
    doc = JSON.parse(out.join("\n"));
  } catch {
    return {
      available: false,
      note: `ops button enable answered ${code} without JSON: ${err.join(" ").slice(0, 200)}`,
    };
  }
  const r = doc.readiness;
  if (!r?.estimate || !r.measured)
    return {
      available: false,
      note: `no estimate (${doc.outcome ?? code}, verdict ${r?.verdict ?? "none"})`,
      readiness: r,
    };
  const e = r.estimate;
  return {
    available: true,
    totalMs: e.totalMs,
    verdict: r.verdict,
    note:
      `${r.verdict}: ${r.measured.postings} postings at ${r.measured.perPostingMs.toFixed(1)} ms each → ` +
      `${e.postingMs} ms + chart read ${e.chartReadMs} ms + Ramp ${e.rampMs} ms`,
    readiness: r,
  };
}
