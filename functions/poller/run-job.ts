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

import type { OutgoingMessage } from "../../lib/aws/sqs.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import type { Continuation, PollJob } from "../../lib/poll/job.js";
import { enabledSources, type PollStep, pollSteps } from "../../lib/poll/plan.js";
import {
  addToBacklog,
  type Backlog,
  type Candidate,
  candidatesOf,
  ledgerKeyOf,
  selectWork,
  workMessageOf,
} from "../../lib/poll/work.js";
import type { RampClient } from "../../lib/ramp/client.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { type RampLogger, silentLogger } from "../../lib/ramp/ports.js";
import { fetchReadyPage } from "../../lib/ramp/resume.js";
import type { Store } from "../../lib/store/index.js";
import type { LedgerItem } from "../../lib/store/ledger-item.js";
import { settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import type { Kind } from "../../lib/sync/kinds.js";
import { batchEntryId, workMessageBody } from "../../lib/sync/work-message.js";
import type { LedgerBatchReader } from "./ledger-reads.js";

export interface PollJobDeps {
  ramp: Pick<RampClient, "http" | "listEntities">;
  store: Pick<Store, "ledger" | "pollCursors" | "settlesLinks">;
  /** Work messages: the work queue for polls, the priority queue for Sync Button jobs. Must throw unless all were sent. */
  sendWork(queue: "work" | "priority", messages: OutgoingMessage[]): Promise<void>;
  /** The continuation of this job, onto the poll-jobs queue. */
  sendJob(job: PollJob): Promise<void>;
  /** Called once per completed poll walk with the count per kind (zeros included). */
  emitBacklog(tenantId: string, backlog: Backlog): void;
  clock: () => number;
  /** The Lambda's remaining time (context.getRemainingTimeInMillis). */
  timeLeftMs: () => number;
  /** Stop and continue in a new invocation when less than this is left. */
  reserveMs: number;
  pageSize?: number;
  /** Reads a page's ledger rows in one go (ledger-reads.ts); without it, one read per object, 16 at a time. */
  readLedgerMany?: LedgerBatchReader;
  /** Parallel ledger reads per page when there is no batch reader (default 16). */
  ledgerConcurrency?: number;
  log?: RampLogger;
}

export interface PollJobResult {
  status: "done" | "continued";
  pages: number;
  enqueued: number;
  skipped: number;
  /** Card transactions linked to the bill that paid them in this invocation. */
  linked: number;
  backlog: Backlog;
  continuation?: Continuation;
}

export async function runPollJob(
  deps: PollJobDeps,
  tenant: TenantConfig,
  job: PollJob,
): Promise<PollJobResult> {
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
    do {
      // Always make progress: at least one page per invocation, then stop while there is time to hand over.
      if (result.pages > 0 && deps.timeLeftMs() < deps.reserveMs) {
        const continuation: Continuation = {
          steps,
          step: i,
          next,
          backlog: result.backlog,
          hops: (cont?.hops ?? 0) + 1,
        };
        await deps.sendJob({ ...job, continuation });
        log.info("poll job continued", { tenantId, step: i, pages: result.pages, hops: continuation.hops });
        return { ...result, status: "continued", continuation };
      }
      const page = await fetchReadyPage(deps.ramp.http, step.source, next, {
        entityId: step.entityId,
        requestedToSync: button,
        pageSize: deps.pageSize,
      });
      result.pages++;
      await processPage(deps, tenantId, job, step, page.items, result);
      next = page.next;
      if (!button) {
        const saved = await deps.store.pollCursors.save(key, base, {
          next,
          windowStart: null,
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

  if (!button) deps.emitBacklog(tenantId, withZeros(result.backlog, steps));
  log.info("poll job done", {
    tenantId,
    type: job.type,
    pages: result.pages,
    enqueued: result.enqueued,
    skipped: result.skipped,
  });
  return result;
}

async function planSteps(deps: PollJobDeps, tenant: TenantConfig, job: PollJob): Promise<PollStep[]> {
  // Ramp's own entity list catches entities the tenant has not mapped (their spend must fail visibly).
  const rampEntities: string[] = [];
  if (tenant.entities.length > 0) for await (const e of deps.ramp.listEntities()) rampEntities.push(e.id);
  return pollSteps(tenant, rampEntities, job.type === "button" ? [job.kind] : enabledSources(tenant));
}

async function processPage(
  deps: PollJobDeps,
  tenantId: string,
  job: PollJob,
  step: PollStep,
  items: readonly { id: string }[],
  result: PollJobResult,
): Promise<void> {
  const now = deps.clock();
  const button = job.type === "button";
  const candidates = items.flatMap((o) => candidatesOf(step.source, o as Candidate["snapshot"]));
  // Settles-links first: a card transaction must never reach the syncer before the link to its bill exists.
  if (step.source === "bill") {
    for (const bill of items as RampBill[]) {
      const ids = settlingTransactionIds(bill);
      if (!ids.length) continue;
      const { conflicts } = await deps.store.settlesLinks.link(tenantId, bill.id, ids);
      result.linked += ids.length - conflicts.length;
      for (const c of conflicts) {
        deps.log?.error("card transaction already settles another bill", {
          tenantId,
          transactionId: c.transactionId,
          billId: bill.id,
          linkedBillId: c.billId,
        });
      }
    }
  }
  const rows = await readLedger(deps, tenantId, candidates);
  const selection = selectWork(candidates, rows, tenantId, now, { button });
  const messages: OutgoingMessage[] = selection.enqueue.map((c) => {
    const msg = workMessageOf(c, {
      tenantId,
      source: button ? "button" : "poll",
      syncRequestId: job.type === "button" ? job.syncRequestId : null,
      now,
    });
    return { id: batchEntryId(msg), body: workMessageBody(msg) };
  });
  if (messages.length) await deps.sendWork(button ? "priority" : "work", messages);
  result.enqueued += messages.length;
  result.skipped += selection.skipped.length;
  result.backlog = addToBacklog(result.backlog, candidates, rows);
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
  if (deps.readLedgerMany) return deps.readLedgerMany(tenantId, [...keys.values()]);
  const out = new Map<string, LedgerItem | undefined>();
  const queue = [...keys.entries()];
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      const [k, c] = e;
      out.set(k, await deps.store.ledger.get(tenantId, c.kind, c.rampId));
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.ledgerConcurrency ?? 16, queue.length) }, worker));
  return out;
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
