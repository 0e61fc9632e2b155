/**
 * `retry`: puts objects back through the normal exactly-once path. A FAILED
 * row loses its cool-down (operator-rules.ts retryDecision) and a work message
 * is queued; the syncer claims it as a retry, which looks the reference up in
 * the ERP before posting, so a retry can never post twice. Objects the service
 * is busy with, or that are synced, are refused with the reason.
 */
import type { Kind } from "../domain/kinds.js";
import { readFailedRows } from "../status/failed-rows.js";
import { retryDecision } from "../sync/operator-rules.js";
import { idOnlyBody, type WorkMessage } from "../sync/work-message.js";
import { rowsFor } from "./objects.js";
import type { OperateLedger, OperatorLedgerPort, SendMessages } from "./ports.js";

export interface RetryDeps {
  ledger: OperateLedger;
  operator: OperatorLedgerPort;
  sendWork: SendMessages;
  now(): number;
}

export interface RetryOutcome {
  kind: Kind | null;
  rampId: string;
  outcome: "queued" | "would-queue" | "refused";
  message: string;
}

export interface RetryRequest {
  tenantId: string;
  rampIds: readonly string[];
  kind?: Kind;
  by: string;
  reason: string;
  dryRun: boolean;
}

/** Every FAILED row of the tenant (all three buckets), optionally of one kind: what `retry --failed` retries. */
export async function failedObjects(
  ledger: OperateLedger,
  tenantId: string,
  kind?: Kind,
): Promise<Array<{ kind: Kind; rampId: string }>> {
  const rows = await readFailedRows(ledger, tenantId, kind ? { kinds: [kind] } : {});
  return rows.map((r) => ({ kind: r.kind, rampId: r.rampId }));
}

export async function retryObjects(deps: RetryDeps, req: RetryRequest): Promise<RetryOutcome[]> {
  const now = deps.now();
  const act = { by: req.by, reason: req.reason, now };
  const outcomes: RetryOutcome[] = [];
  const queue: WorkMessage[] = [];
  for (const { rampId, refs } of await rowsFor(deps.ledger, req.tenantId, req.rampIds, req.kind)) {
    if (refs.length === 0) {
      outcomes.push({
        kind: null,
        rampId,
        outcome: "refused",
        message: "no ledger row for this id; give --kind to queue an object never seen",
      });
      continue;
    }
    for (const ref of refs) {
      const decided = req.dryRun
        ? retryDecision(ref.row, act)
        : await deps.operator.requestRetry(req.tenantId, ref.kind, rampId, act);
      if (!decided.ok) {
        outcomes.push({ kind: ref.kind, rampId, outcome: "refused", message: decided.message });
        continue;
      }
      outcomes.push({
        kind: ref.kind,
        rampId,
        outcome: req.dryRun ? "would-queue" : "queued",
        message: ref.row ? `was ${ref.row.state}` : "never seen",
      });
      queue.push({
        v: 1,
        tenantId: req.tenantId,
        kind: ref.kind,
        rampId,
        ...(ref.row?.entityId ? { entityId: ref.row.entityId } : {}),
        source: "ops",
        enqueuedAt: new Date(now).toISOString(),
      });
    }
  }
  // Id-only messages: the syncer reads each object fresh from Ramp, as the operator sees it now.
  if (!req.dryRun && queue.length)
    await deps.sendWork(queue.map((m, i) => ({ id: `r${i}`, body: idOnlyBody(m) })));
  return outcomes;
}
