/**
 * Telling Ramp (ARCHITECTURE step 4–5): under the report lock for tenant × sync
 * type × sync_request_id, replay any intent left open by a crash (same key:
 * DEVELOPER_7005 then means "already applied"), then gather reportable rows,
 * persist them as an intent, call `POST /accounting/syncs` with the intent's key
 * and close it. Rows gather across SQS batches until the flush policy says go
 * (flush-policy.ts), so a drain makes few calls.
 *
 * No row left behind by the lock (issue #16 item 4): a worker that finds the
 * lock busy used to give up, and rows recorded during the holder's send waited
 * for the next one-minute sweep — past a Sync Button's 5-minute window under
 * load. Now it hands off: it leaves a mark on the lock (report-lock.ts; if the
 * lock was freed or expired meanwhile it acquires instead, ≤ 3 rounds) and
 * returns `handed-off`. The holder releases only while no new mark is on the
 * lock; a mark makes it run the flush policy once more, then try again. A
 * button stream's holder drains: once it flushes, it keeps flushing until the
 * probe finds nothing waiting, not stopping after one short list. A
 * `deadline` stops the looping: past it the holder releases even with marks on
 * the lock (logged, `cutShort`), and the next flusher — which finds the lock
 * free — or the sweep reports what is left. So does a holder whose Ramp call
 * failed (`deferred`): another round now would only fail again.
 *
 * An InjectedCrash is a dead worker: it releases nothing, its lock (and any marks
 * on it) expires by the lease, and the next acquirer starts a fresh lock.
 *
 * A 422 is split by Ramp's per-id reasons: ALREADY_SYNCED ids are closed as
 * synced elsewhere (warning); every other id goes back to be reported in a new
 * intent. Ids refused for any other reason are never closed: they are logged as
 * errors, counted, and left out of this flush so the rest goes through.
 */

import type { RampLogger } from "../domain/logger.js";
import type { RampClient } from "../ramp/client.js";
import { MAX_SYNC_ITEMS as MAX_PER_LIST } from "../ramp/schemas/syncs.js";
import type { SyncPostResult, SyncRefusal } from "../ramp/sync-report.js";
import { type CrashHook, InjectedCrash } from "./crash-points.js";
import { classifyFailure } from "./failure.js";
import { DEFAULT_FLUSH, type FlushSettings, flushDecision } from "./flush-policy.js";
import { METRIC, type SyncMetrics } from "./metrics.js";
import type { ReportIntent, ReportStore } from "./ports.js";

export interface ReportKey {
  tenantId: string;
  syncType: string;
  syncRequestId: string | null;
}

export interface ReporterDeps {
  store: ReportStore;
  ramp: Pick<RampClient, "postSync">;
  /** Lock owner (unique per invocation). */
  owner: string;
  clock: () => number;
  logger: RampLogger;
  metrics: SyncMetrics;
  flush?: FlushSettings;
  lockLeaseMs?: number;
  crash?: CrashHook;
}

export interface FlushResult {
  key: ReportKey;
  /**
   * done: this worker held the lock and flushed what the policy said, marks included;
   * handed-off: another worker holds the lock and was left a mark: it flushes again
   * before it releases (this worker's rows included); busy: the lock kept changing
   * hands and no mark could be left (logged; the next flusher or the sweep reports);
   * deferred: Ramp failed, the open intent waits for the next flush.
   */
  status: "done" | "handed-off" | "busy" | "deferred";
  calls: number;
  replayed: number;
  synced: number;
  failed: number;
  syncedElsewhere: number;
  refused: SyncRefusal[];
  /** Times the holder found marks on its lock and flushed again for them. */
  handoffs: number;
  /** The deadline stopped the holder with rows or marks still owed (the next flusher or the sweep reports them). */
  cutShort: boolean;
}

export interface FlushOptions {
  /** Flush whatever waits, whatever the policy says (the sweep; button streams at a batch's end). */
  force?: boolean;
  /**
   * Epoch ms: once the clock passes it the holder starts no new round (the first always
   * runs) and releases even with marks on the lock, so a caller running out of time does
   * not die holding it. What is left goes to the next flusher or the sweep.
   */
  deadline?: number;
}

/** Acquire-or-mark rounds before a worker gives up as `busy` (the lock changing hands in between each time). */
const HANDOFF_ROUNDS = 3;
/** Listings in a row whose every row had moved on (an index not caught up yet) before a round stops. */
const STALE_LISTINGS = 3;

/** The sync call an intent stands for (pure): its own key, lists omitted when empty. */
export function syncCallOf(intent: ReportIntent) {
  const successful = intent.outcomes.flatMap((o) =>
    o.result === "synced" ? [{ id: o.rampId, reference_id: o.erpRef }] : [],
  );
  const failed = intent.outcomes.flatMap((o) =>
    o.result === "failed" ? [{ id: o.rampId, error: { message: o.message || "Sync failed" } }] : [],
  );
  return {
    idempotency_key: intent.idempotencyKey,
    sync_type: intent.syncType,
    ...(intent.syncRequestId ? { sync_request_id: intent.syncRequestId } : {}),
    ...(successful.length ? { successful_syncs: successful } : {}),
    ...(failed.length ? { failed_syncs: failed } : {}),
  };
}

/** Splits a refusal: ALREADY_SYNCED ids close as synced elsewhere; other reasons must be looked at. */
export function splitRefusals(refused: readonly SyncRefusal[]) {
  const elsewhere = refused.filter((r) => r.reason === "ALREADY_SYNCED").map((r) => r.id);
  const other = refused.filter((r) => r.reason !== "ALREADY_SYNCED");
  return { elsewhere, other };
}

/** One flush in progress: what it needs, what it has done, and the ids it leaves out. */
interface FlushRun {
  deps: ReporterDeps;
  key: ReportKey;
  leaseMs: number;
  deadline: number | undefined;
  result: FlushResult;
  /** Ids Ramp refused for a reason other than ALREADY_SYNCED: left out of this flush. */
  excluded: Set<string>;
  /** Rounds of listing started so far (the deadline spares only the first). */
  rounds: number;
  /** Open intents were looked for (once per flush: only a lock holder writes them). */
  replayedOpen: boolean;
  /** The lock is no longer ours to release (released, or taken over). */
  settled: boolean;
}

export async function flushReports(
  deps: ReporterDeps,
  key: ReportKey,
  opts: FlushOptions = {},
): Promise<FlushResult> {
  const run: FlushRun = {
    deps,
    key,
    leaseMs: deps.lockLeaseMs ?? 60_000,
    deadline: opts.deadline,
    result: {
      key,
      status: "done",
      calls: 0,
      replayed: 0,
      synced: 0,
      failed: 0,
      syncedElsewhere: 0,
      refused: [],
      handoffs: 0,
      cutShort: false,
    },
    excluded: new Set(),
    rounds: 0,
    replayedOpen: false,
    settled: false,
  };
  const force = opts.force ?? false;
  const got = await acquireOrHandOff(run, force);
  if (got !== "held") return { ...run.result, status: got };
  let crashed = false;
  try {
    return await flushUntilQuiet(run, force);
  } catch (err) {
    // A simulated crash is a dead worker: it releases nothing, its lock expires on its own.
    if (err instanceof InjectedCrash) crashed = true;
    throw err;
  } finally {
    if (!crashed && !run.settled) await deps.store.reportLock.release(key, deps.owner).catch(() => false);
  }
}

/**
 * The lock, or a mark on it for its holder. Acquire and mark have opposite
 * conditions, so each round one of them succeeds unless the lock changed hands
 * between the two calls (freed or expired right after acquire failed).
 */
async function acquireOrHandOff(run: FlushRun, force: boolean): Promise<"held" | "handed-off" | "busy"> {
  const { deps, key } = run;
  const lock = deps.store.reportLock;
  const dims = { syncType: key.syncType };
  for (let round = 0; round < HANDOFF_ROUNDS; round++) {
    if ((await lock.acquire(key, deps.owner, run.leaseMs)).held) return "held";
    if (await lock.markWaiting(key, deps.owner, { force })) {
      deps.metrics.add(METRIC.reportHandoffs, "Count", 1, { ...dims, outcome: "marked" });
      return "handed-off";
    }
  }
  deps.logger.warn("report lock neither free nor markable; the next flusher or the sweep reports", {
    ...key,
    rounds: HANDOFF_ROUNDS,
  });
  deps.metrics.add(METRIC.reportHandoffs, "Count", 1, { ...dims, outcome: "busy" });
  return "busy";
}

const pastDeadline = (run: FlushRun) => run.deadline !== undefined && run.deps.clock() >= run.deadline;

/**
 * Flushes, then releases only if no worker marked the lock since; each new mark
 * is one more round of the policy (forced if a forced worker marked it).
 */
async function flushUntilQuiet(run: FlushRun, forceAtStart: boolean): Promise<FlushResult> {
  const { deps, key, result } = run;
  const lock = deps.store.reportLock;
  const dims = { syncType: key.syncType };
  let force = forceAtStart;
  let seen = 0;
  for (;;) {
    const round = await flushUnderLock(run, force);
    if (round === "lost") {
      run.settled = true;
      return result;
    }
    if (round === "deferred") {
      // Ramp failed: another round now would fail again. The open intent and anything
      // marked wait for the next flusher (the lock is free for it) or the sweep.
      const quiet = await lock.releaseIfQuiet(key, deps.owner, seen);
      if (quiet.released || "lost" in quiet) run.settled = true;
      else dropMarks(run, "Ramp failed"); // the finally's release frees the lock, marks and all
      return { ...result, status: "deferred" };
    }
    const quiet = await lock.releaseIfQuiet(key, deps.owner, seen);
    if (quiet.released || "lost" in quiet) {
      run.settled = true;
      return result;
    }
    if (pastDeadline(run)) {
      dropMarks(run, "deadline passed");
      result.cutShort = true;
      return result; // the finally's release frees the lock, marks and all
    }
    seen = quiet.marks;
    force ||= quiet.forced;
    result.handoffs++;
    deps.metrics.add(METRIC.reportHandoffs, "Count", 1, { ...dims, outcome: "honoured" });
  }
}

function dropMarks(run: FlushRun, why: string): void {
  const { deps, key } = run;
  deps.logger.warn("report lock released with hand-off marks on it; the next flusher or the sweep reports", {
    ...key,
    why,
  });
  deps.metrics.add(METRIC.reportHandoffs, "Count", 1, { syncType: key.syncType, outcome: "dropped" });
}

/**
 * One pass under the lock: open intents first (once per flush), then what waits
 * for as long as the policy says go. A button stream, once flushing, drains: it
 * stops only when nothing waits. Others stop after a short list, as before.
 */
async function flushUnderLock(run: FlushRun, force: boolean): Promise<"flushed" | "deferred" | "lost"> {
  const { deps, key, result } = run;
  const { store } = deps;
  const button = key.syncRequestId !== null;
  const settings = deps.flush ?? DEFAULT_FLUSH;
  if (!run.replayedOpen) {
    run.replayedOpen = true;
    // Crash recovery first: an open intent is replayed as it is, with its own key.
    const open = await store.reportIntents.findOpenIntents(key.tenantId, {
      syncType: key.syncType,
      syncRequestId: key.syncRequestId,
    });
    for (const intent of open) {
      result.replayed++;
      if (!(await send(run, intent))) return "deferred";
    }
  }
  let draining = false;
  let stale = 0;
  for (;;) {
    if (!(await store.reportLock.renew(key, deps.owner, run.leaseMs)).held) {
      deps.logger.warn("report lock lost mid-flush (lease lapsed and taken over); its new holder reports", {
        ...key,
      });
      return "lost";
    }
    // Most batch-end flushes find too little waiting: decide on the cheap probe first, so a
    // drain does not list thousands of waiting rows after every batch.
    const probe = await store.ledger.probeReportable({ ...key, limit: MAX_PER_LIST });
    const go = force || draining;
    if (!flushDecision({ ...probe, button }, deps.clock(), settings, go).flush) break;
    // Past the deadline no new round starts (the first always runs): the rest is left.
    if (run.rounds > 0 && pastDeadline(run)) {
      result.cutShort = true;
      break;
    }
    run.rounds++;
    const listed = await store.ledger.listReportable({ ...key, limit: MAX_PER_LIST });
    const rows = listed.items.filter((r) => !run.excluded.has(r.rampId));
    const decision = flushDecision(
      { count: rows.length, oldestAt: rows[0]?.updatedAt ?? null, button },
      deps.clock(),
      settings,
      go,
    );
    if (!decision.flush) break;
    const intent = await store.reportIntents.writeIntent({ ...key, items: rows });
    if (!intent) {
      // Every row moved on since listing: look again, unless the index keeps lagging.
      if (++stale >= STALE_LISTINGS) break;
      continue;
    }
    stale = 0;
    await deps.crash?.("intent", { tenantId: key.tenantId, ids: intent.outcomes.map((o) => o.rampId) });
    const sent = await send(run, intent);
    if (!sent) return "deferred";
    // A button request drains every report owed: rows recorded during this send are looked for now.
    if (button) draining = true;
    // Otherwise a short list means nothing else was waiting; a refusal means the rest waits to be re-sent.
    else if (listed.items.length < MAX_PER_LIST && sent !== "split") break;
  }
  return "flushed";
}

/** One sync call for one intent, then its close. false = Ramp failed (intent stays open). */
async function send(run: FlushRun, intent: ReportIntent): Promise<false | "closed" | "split"> {
  const { deps, key, result } = run;
  let answer: SyncPostResult;
  try {
    result.calls++;
    deps.metrics.add(METRIC.rampCalls, "Count", 1, { route: "POST /accounting/syncs" });
    answer = await deps.ramp.postSync(syncCallOf(intent));
  } catch (err) {
    if (err instanceof InjectedCrash) throw err;
    const f = classifyFailure(err);
    deps.logger.error("sync report not delivered; the open intent is replayed on the next flush", {
      tenantId: key.tenantId,
      syncType: key.syncType,
      reportId: intent.reportId,
      category: f.category,
      detail: f.detail,
    });
    return false;
  }
  await deps.crash?.("report-call", { tenantId: key.tenantId, ids: intent.outcomes.map((o) => o.rampId) });
  if (answer.outcome === "refused") {
    await closeRefused(run, intent, answer);
    return "split";
  }
  if (answer.outcome === "already_applied") {
    deps.logger.info("sync report replayed: Ramp had already applied this key", {
      tenantId: key.tenantId,
      syncType: key.syncType,
      reportId: intent.reportId,
    });
  }
  const s = await deps.store.reportIntents.closeIntent(intent);
  result.synced += s.marked;
  result.failed += s.failedTold;
  deps.metrics.add(METRIC.reportedSynced, "Count", s.marked, { syncType: key.syncType });
  deps.metrics.add(METRIC.reportedFailed, "Count", s.failedTold, { syncType: key.syncType });
  await deps.crash?.("close", { tenantId: key.tenantId, ids: intent.outcomes.map((o) => o.rampId) });
  return "closed";
}

/** A 422: ALREADY_SYNCED ids close as synced elsewhere, other refusals are left out and logged, the rest goes back. */
async function closeRefused(
  run: FlushRun,
  intent: ReportIntent,
  answer: Extract<SyncPostResult, { outcome: "refused" }>,
): Promise<void> {
  const { deps, key, result } = run;
  const dims = { syncType: key.syncType };
  const { elsewhere, other } = splitRefusals(answer.refused);
  const elsewhereSet = new Set(elsewhere);
  const back = intent.outcomes.map((o) => o.rampId).filter((id) => !elsewhereSet.has(id));
  if (elsewhere.length) {
    deps.logger.warn("objects already synced in Ramp (exported elsewhere): closed without reporting", {
      tenantId: key.tenantId,
      syncType: key.syncType,
      ids: elsewhere,
    });
  }
  if (other.length) {
    deps.logger.error("Ramp refused objects of a sync report; they stay unreported until looked at", {
      tenantId: key.tenantId,
      syncType: key.syncType,
      refused: other,
      traceId: answer.traceId,
    });
    result.refused.push(...other);
    deps.metrics.add(METRIC.refused, "Count", other.length, dims);
    for (const r of other) run.excluded.add(r.id);
  }
  const s = await deps.store.reportIntents.closeIntent(intent, {
    syncedElsewhere: elsewhere,
    reReport: back,
  });
  result.syncedElsewhere += s.syncedElsewhere;
  deps.metrics.add(METRIC.syncedElsewhere, "Count", s.syncedElsewhere, dims);
}
