/**
 * Telling Ramp (ARCHITECTURE step 4–5): under the report lock for tenant × sync
 * type × sync_request_id, replay any intent left open by a crash (same key:
 * DEVELOPER_7005 then means "already applied"), then gather reportable rows,
 * persist them as an intent, call `POST /accounting/syncs` with the intent's key
 * and close it. Rows gather across SQS batches until the flush policy says go
 * (flush-policy.ts), so a drain makes few calls.
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
  /** busy: another worker holds the lock; deferred: Ramp failed, the open intent waits for the next flush. */
  status: "done" | "busy" | "deferred";
  calls: number;
  replayed: number;
  synced: number;
  failed: number;
  syncedElsewhere: number;
  refused: SyncRefusal[];
}

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
  result: FlushResult;
  /** Ids Ramp refused for a reason other than ALREADY_SYNCED: left out of this flush. */
  excluded: Set<string>;
}

export async function flushReports(
  deps: ReporterDeps,
  key: ReportKey,
  opts: { force?: boolean } = {},
): Promise<FlushResult> {
  const run: FlushRun = {
    deps,
    key,
    leaseMs: deps.lockLeaseMs ?? 60_000,
    result: {
      key,
      status: "done",
      calls: 0,
      replayed: 0,
      synced: 0,
      failed: 0,
      syncedElsewhere: 0,
      refused: [],
    },
    excluded: new Set(),
  };
  const lock = await deps.store.reportLock.acquire(key, deps.owner, run.leaseMs);
  if (!lock.held) return { ...run.result, status: "busy" };
  let crashed = false;
  try {
    return await flushUnderLock(run, opts.force ?? false);
  } catch (err) {
    // A simulated crash is a dead worker: it releases nothing, its lock expires on its own.
    if (err instanceof InjectedCrash) crashed = true;
    throw err;
  } finally {
    if (!crashed) await deps.store.reportLock.release(key, deps.owner).catch(() => false);
  }
}

/** Replays open intents, then reports what waits for as long as the flush policy says go. */
async function flushUnderLock(run: FlushRun, force: boolean): Promise<FlushResult> {
  const { deps, key, result } = run;
  const { store } = deps;
  // Crash recovery first: an open intent is replayed as it is, with its own key.
  const open = await store.reportIntents.findOpenIntents(key.tenantId, {
    syncType: key.syncType,
    syncRequestId: key.syncRequestId,
  });
  for (const intent of open) {
    result.replayed++;
    if (!(await send(run, intent))) return { ...result, status: "deferred" };
  }
  for (;;) {
    await store.reportLock.renew(key, deps.owner, run.leaseMs);
    // Most batch-end flushes find too little waiting: decide on the cheap probe first, so a
    // drain does not list thousands of waiting rows after every batch.
    const probe = await store.ledger.probeReportable({ ...key, limit: MAX_PER_LIST });
    const settings = deps.flush ?? DEFAULT_FLUSH;
    const waiting = { ...probe, button: key.syncRequestId !== null };
    if (!flushDecision(waiting, deps.clock(), settings, force).flush) break;
    const listed = await store.ledger.listReportable({ ...key, limit: MAX_PER_LIST });
    const rows = listed.items.filter((r) => !run.excluded.has(r.rampId));
    const decision = flushDecision(
      { count: rows.length, oldestAt: rows[0]?.updatedAt ?? null, button: key.syncRequestId !== null },
      deps.clock(),
      deps.flush ?? DEFAULT_FLUSH,
      force,
    );
    if (!decision.flush) break;
    const intent = await store.reportIntents.writeIntent({ ...key, items: rows });
    if (!intent) continue; // every row moved on since listing: look again
    await deps.crash?.("intent", { tenantId: key.tenantId, ids: intent.outcomes.map((o) => o.rampId) });
    const sent = await send(run, intent);
    if (!sent) return { ...result, status: "deferred" };
    // A short list means nothing else was waiting; a refusal means the rest waits to be re-sent.
    if (listed.items.length < MAX_PER_LIST && sent !== "split") break;
  }
  return result;
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
