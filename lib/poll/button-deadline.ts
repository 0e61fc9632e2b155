/**
 * The Sync Button's deadline job (ARCHITECTURE "Sync Button"): Ramp auto-fails
 * every row of a request not reported within 5 minutes of the click, with a
 * generic message. The button job schedules this job for the request's deadline
 * (the window minus a margin, lib/domain/button-window.ts); when it runs it
 *
 * 1. attaches the request to rows that are POSTED (or failed and untold) but were
 *    reached by polling first, and reports everything reportable under the
 *    request (the reporter's forced flush: exactly once through intents);
 * 2. tells Ramp, under the request, every row still not reported: with its own
 *    failure when the ledger has one (a user-actionable one the customer must fix),
 *    otherwise as transient ("We'll retry shortly."). Nothing in the ledger changes
 *    for those rows, so the normal path keeps retrying them and reports them synced
 *    later (Ramp keeps a failed object ready to sync);
 * 3. writes how the request ended, once, and emits its metrics: round trip
 *    (webhook receipt → last row reported), rows, rows told at the deadline.
 *
 * A told row is a plain `failed_syncs` call, not an intent: telling "failed, we'll
 * retry" twice is harmless, and a row synced meanwhile is refused ALREADY_SYNCED and
 * simply left out. Each call's key is derived from its content (splitSyncReport),
 * so a redelivered job replays identical calls and Ramp answers "already applied".
 * Ports only (no AWS SDK): functions/poller wires them.
 */
import { ledgerKeyOf, SYNC_TYPE_BY_KIND, type SyncType } from "../domain/kinds.js";
import type { RampLogger } from "../domain/logger.js";
import type { RampClient } from "../ramp/client.js";
import { splitSyncReport } from "../ramp/sync-report.js";
import { METRIC, type SyncMetrics } from "../sync/metrics.js";
import type { LedgerItem, LedgerPort } from "../sync/ports.js";
import type { ReportKey } from "../sync/reporter.js";
import type { ButtonDeadlineJob } from "./job.js";
import type { ButtonRequestOutcome, ButtonRequestsPort, ButtonRow, PollLedgerPort } from "./ports.js";

/** What a row that simply did not finish in time shows in Ramp (the guide's transient form). */
export const NOT_IN_TIME_MESSAGE = "Not synced within Ramp's 5-minute window. We'll retry shortly.";

/** The function that runs button jobs: its metrics' `function` dimension (alarms read it). */
export const BUTTON_JOB_FUNCTION = "button-job";

/** SQS delays a message at most 15 minutes; a later deadline is reached in hops. */
export const MAX_DELAY_S = 900;

export interface DeadlineDeps {
  requests: Pick<ButtonRequestsPort, "get" | "rows" | "close" | "claimDeadline">;
  ledger: Pick<PollLedgerPort, "getMany"> & Pick<LedgerPort, "attachSyncRequest">;
  /** The reporter's forced flush of one stream (lib/sync/reporter.ts). */
  flush(key: ReportKey): Promise<unknown>;
  ramp: Pick<RampClient, "postSync">;
  /** The same job again, delayed (a deadline more than 15 minutes away). */
  resend(job: ButtonDeadlineJob, delaySeconds: number): Promise<void>;
  metrics: SyncMetrics;
  clock: () => number;
  /** Unique per invocation: who holds the request's deadline work. */
  owner: string;
  log: RampLogger;
  /**
   * Kill tests only (test/e2e/button-deadline-kill.test.ts): called inside the job's multi-step
   * write — after the attachments, after each tell call, before the close.
   */
  crash?: DeadlineCrashHook;
}

export const DEADLINE_CRASH_POINTS = ["deadline-attached", "deadline-told", "deadline-before-close"] as const;
export type DeadlineCrashHook = (point: (typeof DEADLINE_CRASH_POINTS)[number]) => void | Promise<void>;

export interface DeadlineResult {
  status: "closed" | "already-closed" | "unknown-request" | "busy" | "not-yet";
  rows: number;
  told: number;
  outcome?: ButtonRequestOutcome;
}

/** What the deadline does with one listed row, from its ledger row (pure). */
export type RowVerdict =
  /** Reported under this request already (or synced before it asked): nothing to say. */
  | { action: "done"; at: number }
  /** On its way to Ramp under this request (POSTED, or an intent being sent). */
  | { action: "reporting" }
  /** Reportable but reached by polling: attach the request so the flush reports it under it. */
  | { action: "attach" }
  | { action: "tell"; message: string };

export function rowVerdict(row: LedgerItem | undefined, syncRequestId: string): RowVerdict {
  if (!row) return { action: "tell", message: NOT_IN_TIME_MESSAGE };
  const mine = row.syncRequestId === syncRequestId;
  if (row.state === "MARKED") return { action: "done", at: row.updatedAt };
  if (row.state === "FAILED" && row.told && mine) return { action: "done", at: row.updatedAt };
  if (row.state === "REPORTING") return { action: "reporting" };
  const reportable = row.state === "POSTED" || (row.state === "FAILED" && row.reportable && !row.told);
  if (reportable) return mine ? { action: "reporting" } : { action: "attach" };
  // FAILED and not (yet) reportable, FAILED told under another request, CLAIMED, HELD: tell now.
  if (row.state === "FAILED" && row.message) return { action: "tell", message: row.message };
  return { action: "tell", message: NOT_IN_TIME_MESSAGE };
}

export async function runButtonDeadline(deps: DeadlineDeps, job: ButtonDeadlineJob): Promise<DeadlineResult> {
  const { tenantId, syncRequestId } = job;
  const now = deps.clock();
  const deadline = Date.parse(job.deadline);
  if (deadline - now > 1_000) {
    await deps.resend(job, Math.min(MAX_DELAY_S, Math.ceil((deadline - now) / 1000)));
    return { status: "not-yet", rows: 0, told: 0 };
  }
  const header = await deps.requests.get(tenantId, syncRequestId);
  if (!header) {
    deps.log.warn("button deadline for a request never opened; nothing to check", {
      tenantId,
      syncRequestId,
    });
    return { status: "unknown-request", rows: 0, told: 0 };
  }
  if (header.outcome) return { status: "already-closed", rows: header.outcome.rows, told: 0 };
  // One invocation at a time per request (a redelivered button job schedules a second deadline job).
  if (!(await deps.requests.claimDeadline(tenantId, syncRequestId, deps.owner, 60_000)))
    return { status: "busy", rows: 0, told: 0 };

  const syncType = SYNC_TYPE_BY_KIND[job.kind] as SyncType;
  const key: ReportKey = { tenantId, syncType, syncRequestId };
  const rows = await deps.requests.rows(tenantId, syncRequestId);

  // 1. Rows polling reached first join the request, then everything reportable goes out under it.
  let ledger = await deps.ledger.getMany(tenantId, rows);
  const toAttach = rows.filter(
    (r) => rowVerdict(ledger.get(ledgerKeyOf(r)), syncRequestId).action === "attach",
  );
  for (const r of toAttach) await deps.ledger.attachSyncRequest(tenantId, r.kind, r.rampId, syncRequestId);
  await deps.crash?.("deadline-attached");
  await flushQuietly(deps, key);
  ledger = await deps.ledger.getMany(tenantId, rows);

  // 2. The rest is told, each with the most honest message we have.
  const tell: Array<ButtonRow & { message: string }> = [];
  let lastDoneAt = 0;
  let done = 0;
  for (const r of rows) {
    const v = rowVerdict(ledger.get(ledgerKeyOf(r)), syncRequestId);
    if (v.action === "done") {
      done++;
      lastDoneAt = Math.max(lastDoneAt, v.at);
    } else if (v.action === "tell") tell.push({ ...r, message: v.message });
  }
  const told = await tellFailed(deps, key, tell);
  await deps.crash?.("deadline-before-close");
  const closedAt = deps.clock();

  // 3. How it ended, once.
  const outcome: ButtonRequestOutcome = {
    closedAt,
    rows: rows.length,
    reported: done,
    toldAtDeadline: told,
    roundTripMs: Math.max(0, (told > 0 ? closedAt : lastDoneAt || closedAt) - header.receivedAt),
  };
  if (await deps.requests.close(tenantId, syncRequestId, outcome)) {
    deps.metrics.add(METRIC.buttonRoundTrip, "Milliseconds", outcome.roundTripMs);
    deps.metrics.add(METRIC.buttonRows, "Count", outcome.rows);
    deps.metrics.add(METRIC.buttonRowsToldAtDeadline, "Count", told);
  }
  const log = told > 0 ? deps.log.warn : deps.log.info;
  log.call(deps.log, "sync button request closed at its deadline", {
    tenantId,
    syncRequestId,
    rows: rows.length,
    reported: done,
    toldAtDeadline: told,
    roundTripMs: outcome.roundTripMs,
  });
  return { status: "closed", rows: rows.length, told, outcome };
}

/** A flush that fails (Ramp down) must not stop the telling: the open intent is replayed later. */
async function flushQuietly(deps: DeadlineDeps, key: ReportKey): Promise<void> {
  try {
    await deps.flush(key);
  } catch (err) {
    deps.log.error("button deadline: report flush failed", {
      ...key,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/**
 * `failed_syncs` under the request, ≤ 5,000 per call. Nothing of a refused call is applied:
 * the ids Ramp refused (ALREADY_SYNCED: reported synced meanwhile) are left out and the
 * rest of that call goes again. Returns how many rows were told.
 */
async function tellFailed(
  deps: DeadlineDeps,
  key: ReportKey,
  rows: ReadonlyArray<ButtonRow & { message: string }>,
): Promise<number> {
  let pending = rows.map((r) => ({ id: r.rampId, error: { message: r.message } }));
  let told = 0;
  for (let round = 0; pending.length > 0 && round < 3; round++) {
    const again: typeof pending = [];
    const report = { ...key, syncType: key.syncType as SyncType, successful: [], failed: pending };
    for (const call of splitSyncReport(report)) {
      const items = call.failed_syncs ?? [];
      const answer = await deps.ramp.postSync(call);
      await deps.crash?.("deadline-told");
      if (answer.outcome !== "refused") {
        told += items.length;
        continue;
      }
      const refused = new Set(answer.refused.map((r) => r.id));
      again.push(...items.filter((i) => !refused.has(i.id)));
      deps.log.info("button deadline: rows Ramp refused are left out", {
        ...key,
        refused: answer.refused.slice(0, 20),
      });
    }
    pending = again;
  }
  return told;
}
