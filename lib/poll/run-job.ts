/**
 * One poll job for one tenant: for each step (listing × entity; bills first)
 * read Ramp's ready list page by page, record settles-links for card-paid
 * bills, ask the ledger what is already in flight or done, send work messages
 * for the rest, and save the cursor after every page. Before the Lambda's time
 * runs low it re-enqueues itself with a continuation carrying the cursor, so a
 * long list is walked across invocations with no gap and no repeat. At the end
 * it reports the SYNC_READY backlog per kind.
 *
 * Dependencies are explicit ports (no AWS SDK here): the handler (job.ts)
 * wires them to Ramp, DynamoDB, SQS and Powertools; tests wire them to the
 * sandbox, DynamoDB Local and fauxqs.
 */

import type { TenantConfig } from "../config/tenant.js";
import type { Kind } from "../domain/kinds.js";
import { ledgerKeyOf } from "../domain/kinds.js";
import { type RampLogger, silentLogger } from "../domain/logger.js";
import type { FailedEntry, OutgoingMessage } from "../domain/queue.js";
import type { RampClient } from "../ramp/client.js";
import type { InvalidObject } from "../ramp/invalid.js";
import type { RampBill } from "../ramp/model.js";
import { fetchReadyPage, type ReadyObject } from "../ramp/resume.js";
import { settlingTransactionIds } from "../sync/bill-phases.js";
import type { LedgerItem } from "../sync/ports.js";
import { batchEntryId, workMessageBody } from "../sync/work-message.js";
import { nextCreditWindow, oldestOpenCredit } from "./credit-window.js";
import { type ButtonJob, buttonJobTimes, type Continuation, type WalkJob as PollJob } from "./job.js";
import { askableSources, enabledSources, type PollStep, pollSteps } from "./plan.js";
import type { ButtonRow, PollJobStore, PollRun } from "./ports.js";
import { routeRefused } from "./refused.js";
import {
  addToBacklog,
  type Backlog,
  type Candidate,
  candidatesOf,
  invalidCandidate,
  selectWork,
  workMessageOf,
} from "./work.js";

export interface PollJobDeps {
  ramp: Pick<RampClient, "http" | "listEntities">;
  store: PollJobStore;
  /**
   * Work messages: the work queue for polls, the priority queue for Sync Button jobs.
   * Must throw unless every message was sent or refused by SQS for what it contains
   * (sender fault); returns the refused ones (lib/aws/sqs.ts sendKeepingRefusals), which
   * the job routes itself so that one unsendable message never fails the whole job.
   */
  sendWork(queue: "work" | "priority", messages: OutgoingMessage[]): Promise<FailedEntry[] | undefined>;
  /** The continuation of this job, onto its own queue (poll-jobs, or button-jobs for a button job). */
  sendJob(job: PollJob): Promise<void>;
  /**
   * A button job's listed rows, page by page, before their work is sent: what the
   * deadline job checks (lib/poll/button-deadline.ts). Required for button jobs.
   */
  recordButtonRows?(job: ButtonJob, rows: ButtonRow[]): Promise<void>;
  /** Called once per completed poll walk with the count per kind (zeros included). */
  emitBacklog(tenantId: string, backlog: Backlog): void;
  clock: () => number;
  /** The Lambda's remaining time (context.getRemainingTimeInMillis). */
  timeLeftMs: () => number;
  /** Stop and continue in a new invocation when less than this is left. */
  reserveMs: number;
  pageSize?: number;
  /**
   * Counts objects the walk could not read (by kind): `routed` got a message so the
   * syncer records their failure; `unroutable` had no id and were only logged.
   */
  countInvalid?(tenantId: string, kind: Kind, outcome: "routed" | "unroutable", n: number): void;
  /** Failure cool-down for the last resort below (the syncer's userCoolDownMs; default 6 h). */
  coolDownMs?: number;
  log?: RampLogger;
}

export interface PollJobResult {
  status: "done" | "continued";
  pages: number;
  enqueued: number;
  skipped: number;
  /** Card transactions linked to the bill that paid them in this invocation. */
  linked: number;
  /** Listed objects that could not be read (routed to the syncer, or logged when they had no id). */
  invalid: number;
  /** Messages SQS refused for their content and that were re-sent id-only (or failed in the ledger). */
  refused: number;
  backlog: Backlog;
  continuation?: Continuation;
}

/**
 * Runs the job; a scheduled job records how its invocation ended (done, continued, or
 * failed with why) through the store's poll-runs port, for `ops status`.
 */
export async function runPollJob(
  deps: PollJobDeps,
  tenant: TenantConfig,
  job: PollJob,
): Promise<PollJobResult> {
  try {
    return await walk(deps, tenant, job);
  } catch (err) {
    if (job.type === "poll") {
      await recordRun(deps, job.tenantId, {
        at: deps.clock(),
        outcome: "failed",
        pages: 0,
        enqueued: 0,
        backlog: {},
        error: oneLine(err),
      });
    }
    throw err;
  }
}

/** The first line of an error, bounded: a status record, not a log. */
function oneLine(err: unknown): string {
  const text = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split("\n")[0] ?? "";
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** Best effort: a status record that cannot be written must never fail (or re-fail) a poll. */
async function recordRun(deps: PollJobDeps, tenantId: string, run: PollRun): Promise<void> {
  try {
    await deps.store.pollRuns.record(tenantId, run);
  } catch (err) {
    (deps.log ?? silentLogger).warn("poll run not recorded", { tenantId, error: oneLine(err) });
  }
}

async function walk(deps: PollJobDeps, tenant: TenantConfig, job: PollJob): Promise<PollJobResult> {
  const log = deps.log ?? silentLogger;
  const tenantId = tenant.tenantId;
  const button = job.type === "button";
  const cont = job.continuation;
  const steps = cont?.steps ?? (await planSteps(deps, tenant, job));
  const result: PollJobResult = {
    status: "done",
    pages: 0,
    enqueued: 0,
    skipped: 0,
    linked: 0,
    invalid: 0,
    refused: 0,
    backlog: cont?.backlog ?? {},
  };

  let next: string | null = cont?.next ?? null;
  for (let i = cont?.step ?? 0; i < steps.length; i++, next = null) {
    const step = steps[i] as PollStep;
    // Button walks are short and must not disturb the scheduled walk's cursor of the same listing.
    const key = { tenantId, entityId: step.entityId, kind: step.source as Kind };
    let base = button ? undefined : await deps.store.pollCursors.get(key);
    if (!button && next !== null && base?.next !== next) {
      log.warn("poll cursor moved since this continuation was sent", {
        tenantId,
        step: i,
        source: step.source,
      });
    }
    const startedAt = next !== null && base?.startedAt ? base.startedAt : deps.clock();
    // Credits are listed from a window the cursor keeps (credit-window.ts); other listings have none.
    const credits = step.source === "vendor_credit" && !button;
    const window = credits ? (base?.windowStart ?? null) : null;
    let openSince = credits && next !== null ? (base?.openSince ?? null) : null;
    do {
      // Always make progress: at least one page per invocation, then stop while there is time to hand over.
      if (result.pages > 0 && deps.timeLeftMs() < deps.reserveMs) {
        return continueLater(deps, job, { steps, step: i, next, backlog: result.backlog }, result);
      }
      const page = await fetchReadyPage(deps.ramp.http, step.source, next, {
        entityId: step.entityId,
        requestedToSync: button,
        pageSize: deps.pageSize,
        fromCreatedAt: window,
      });
      result.pages++;
      const seen = await processPage(deps, tenant, job, step, page.items, page.invalid, result);
      next = page.next;
      if (credits) openSince = oldestOpenCredit(openSince, seen.candidates, seen.rows);
      if (!button) {
        const done = next === null;
        const saved = await deps.store.pollCursors.save(key, base, {
          next,
          // A finished credit walk moves the window on; mid-walk it stays the walk's own.
          windowStart: credits && done ? nextCreditWindow(startedAt, openSince) : window,
          openSince: credits && !done ? openSince : null,
          startedAt,
          lastCompletedAt: next === null ? deps.clock() : (base?.lastCompletedAt ?? null),
        });
        if (!saved) {
          // Another poll of this tenant moved the cursor: it owns the rest of this listing.
          log.warn("poll cursor taken by another poll; leaving this listing to it", {
            tenantId,
            source: step.source,
            entityId: step.entityId,
          });
          break;
        }
        base = saved;
      }
    } while (next !== null);
  }

  if (!button) {
    const backlog = withZeros(result.backlog, steps);
    deps.emitBacklog(tenantId, backlog);
    const { pages, enqueued } = result;
    await recordRun(deps, tenantId, { at: deps.clock(), outcome: "done", pages, enqueued, backlog });
  }
  log.info("poll job done", {
    tenantId,
    type: job.type,
    pages: result.pages,
    enqueued: result.enqueued,
    skipped: result.skipped,
  });
  return result;
}

/** Hands the rest of the walk to a new invocation: the same job with where it stopped. */
async function continueLater(
  deps: PollJobDeps,
  job: PollJob,
  at: Omit<Continuation, "hops">,
  result: PollJobResult,
): Promise<PollJobResult> {
  const continuation: Continuation = { ...at, hops: (job.continuation?.hops ?? 0) + 1 };
  await deps.sendJob({ ...job, continuation });
  if (job.type === "poll") {
    const { pages, enqueued } = result;
    const run = { at: deps.clock(), outcome: "continued", pages, enqueued, backlog: at.backlog } as const;
    await recordRun(deps, job.tenantId, run);
  }
  (deps.log ?? silentLogger).info("poll job continued", {
    tenantId: job.tenantId,
    step: at.step,
    pages: result.pages,
    hops: continuation.hops,
  });
  return { ...result, status: "continued", continuation };
}

async function planSteps(deps: PollJobDeps, tenant: TenantConfig, job: PollJob): Promise<PollStep[]> {
  // Ramp's own entity list catches entities the tenant has not mapped (their spend must fail visibly).
  const rampEntities: string[] = [];
  if (tenant.entities.length > 0) for await (const e of deps.ramp.listEntities()) rampEntities.push(e.id);
  if (job.type === "button") return pollSteps(tenant, rampEntities, [job.kind]);
  const only = job.sources;
  const sources = only ? askableSources(tenant).filter((s) => only.includes(s)) : enabledSources(tenant);
  return pollSteps(tenant, rampEntities, sources);
}

async function processPage(
  deps: PollJobDeps,
  tenant: TenantConfig,
  job: PollJob,
  step: PollStep,
  items: readonly ReadyObject[],
  invalid: readonly InvalidObject[],
  result: PollJobResult,
): Promise<{ candidates: Candidate[]; rows: Map<string, LedgerItem | undefined> }> {
  const tenantId = tenant.tenantId;
  const now = deps.clock();
  const button = job.type === "button";
  const credits = tenant.objectTypes.vendorCredits;
  const candidates: Candidate[] = items.flatMap((o) => candidatesOf(step.source, o, { credits }));
  // Objects the listing could not read still get a message (the syncer fails them visibly).
  candidates.push(...routeInvalid(deps, tenantId, step, invalid));
  result.invalid += invalid.length;
  // Settles-links first: a card transaction must never reach the syncer before the link to its bill exists.
  if (step.source === "bill" || step.source === "bill_payment")
    result.linked += await linkSettlements(deps, tenantId, items as RampBill[], invalid);
  if (job.type === "button") {
    if (!deps.recordButtonRows) throw new Error("a button job needs recordButtonRows");
    await deps.recordButtonRows(
      job,
      candidates.map((c) => ({ kind: c.kind, rampId: c.rampId })),
    );
  }
  const rows = await readLedger(deps, tenantId, candidates);
  const selection = selectWork(candidates, rows, tenantId, now, { button });
  const queue = button ? "priority" : "work";
  const deadline = job.type === "button" ? buttonJobTimes(job).deadline : null;
  const out = selection.enqueue.map((c) => {
    const msg = workMessageOf(c, {
      tenantId,
      source: button ? "button" : "poll",
      syncRequestId: job.type === "button" ? job.syncRequestId : null,
      deadline,
      now,
    });
    return { c, msg, message: { id: batchEntryId(msg), body: workMessageBody(msg) } };
  });
  if (out.length) {
    const refused =
      (await deps.sendWork(
        queue,
        out.map((o) => o.message),
      )) ?? [];
    result.enqueued += out.length - refused.length;
    if (refused.length) await routeRefused(deps, tenant, queue, out, refused, result);
  }
  result.skipped += selection.skipped.length;
  result.backlog = addToBacklog(result.backlog, candidates, rows);
  return { candidates, rows };
}

/** Invalid listed objects as candidates; without an id there is no row to fail, so those are logged and counted. */
function routeInvalid(
  deps: PollJobDeps,
  tenantId: string,
  step: PollStep,
  invalid: readonly InvalidObject[],
): Candidate[] {
  const log = deps.log ?? silentLogger;
  const out: Candidate[] = [];
  let unroutable = 0;
  for (const inv of invalid) {
    if (inv.id === null) {
      unroutable++;
      log.error("listed ramp object has no id and cannot be read; skipped", {
        tenantId,
        source: step.source,
        entityId: step.entityId,
        summary: inv.summary,
      });
      continue;
    }
    log.warn("listed ramp object cannot be read; routed to the syncer to fail visibly", {
      tenantId,
      source: step.source,
      rampId: inv.id,
      summary: inv.summary,
    });
    out.push(invalidCandidate(step.source, { ...inv, id: inv.id }));
  }
  const kind: Kind = step.source === "bill" ? "bill" : step.source;
  if (out.length) deps.countInvalid?.(tenantId, kind, "routed", out.length);
  if (unroutable) deps.countInvalid?.(tenantId, kind, "unroutable", unroutable);
  return out;
}

/** Records the card charges each listed bill names; returns how many links are this bill's. */
async function linkSettlements(
  deps: PollJobDeps,
  tenantId: string,
  bills: readonly RampBill[],
  invalid: readonly InvalidObject[],
): Promise<number> {
  const settling = [
    ...bills.map((b) => ({ billId: b.id, ids: settlingTransactionIds(b) })),
    // An unreadable bill still links the card charges it names: posted as plain expenses they
    // would double the bill's spend in the ERP; held, they fail with the bill's reason.
    ...invalid.flatMap((b) => (b.id ? [{ billId: b.id, ids: b.settlingTransactionIds }] : [])),
  ];
  let linked = 0;
  for (const { billId, ids } of settling) {
    if (!ids.length) continue;
    const { conflicts } = await deps.store.settlesLinks.link(tenantId, billId, ids);
    linked += ids.length - conflicts.length;
    for (const c of conflicts) {
      deps.log?.error("card transaction already settles another bill", {
        tenantId,
        transactionId: c.transactionId,
        billId,
        linkedBillId: c.billId,
      });
    }
  }
  return linked;
}

async function readLedger(
  deps: PollJobDeps,
  tenantId: string,
  candidates: readonly Candidate[],
): Promise<Map<string, LedgerItem | undefined>> {
  const keys = new Map<string, Pick<Candidate, "kind" | "rampId">>();
  for (const c of candidates) {
    keys.set(ledgerKeyOf(c), c);
    // A payment's gate looks at its bill phase's row too.
    if (c.kind === "bill_payment")
      keys.set(ledgerKeyOf({ kind: "bill", rampId: c.rampId }), { kind: "bill", rampId: c.rampId });
  }
  // One batched read per page: a 100-object page costs one round trip, not a hundred.
  return deps.store.ledger.getMany(tenantId, [...keys.values()]);
}

/** Every kind the walk covered appears in the metric, with 0 when nothing is ready (so alarms see the drop). */
function withZeros(backlog: Backlog, steps: readonly PollStep[]): Backlog {
  const out: Backlog = {};
  for (const s of steps) {
    const kinds: Kind[] = s.source === "bill" ? ["bill", "bill_payment"] : [s.source];
    for (const k of kinds) out[k] = backlog[k] ?? 0;
  }
  return out;
}
