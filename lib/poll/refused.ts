/**
 * What a poll job does with work messages SQS refused for their content: sent
 * again id-only, and as a last resort failed in the ledger so Ramp is told.
 * One unsendable message never fails the whole job.
 */
import type { TenantConfig } from "../config/tenant.js";
import { silentLogger } from "../domain/logger.js";
import type { FailedEntry, OutgoingMessage } from "../domain/queue.js";
import { failureMessage } from "../sync/failure.js";
import { ledgerReference } from "../sync/sync-object.js";
import { idOnlyBody, type WorkMessage } from "../sync/work-message.js";
import type { PollJobDeps, PollJobResult } from "./run-job.js";
import { type Candidate, candidateFingerprint } from "./work.js";

/**
 * Messages SQS refused for what they contain. Each is sent again without its snapshot
 * (ids only: nothing in it can be refused for its characters, and the syncer reads the
 * object by id). Should even that be refused, the job fails the object's ledger row
 * itself — needs-integrator, reported by the next flush or sweep — so that the object
 * gets a message in Ramp and the job still completes.
 */
export async function routeRefused(
  deps: PollJobDeps,
  tenant: TenantConfig,
  queue: "work" | "priority",
  out: ReadonlyArray<{ c: Candidate; msg: WorkMessage; message: OutgoingMessage }>,
  refused: readonly FailedEntry[],
  result: PollJobResult,
): Promise<void> {
  const log = deps.log ?? silentLogger;
  const byId = new Map(out.map((o) => [o.message.id, o]));
  const retry: Array<{ c: Candidate; message: OutgoingMessage; code: string }> = [];
  const lastResort: Array<{ c: Candidate; code: string }> = [];
  for (const f of refused) {
    const o = byId.get(f.id);
    if (!o) continue;
    result.refused++;
    log.warn("work message refused by SQS; sent again without its snapshot", {
      tenantId: tenant.tenantId,
      kind: o.c.kind,
      rampId: o.c.rampId,
      code: f.code,
    });
    const body = idOnlyBody(o.msg);
    if (body === o.message.body) lastResort.push({ c: o.c, code: f.code });
    else retry.push({ c: o.c, message: { id: o.message.id, body }, code: f.code });
  }
  if (retry.length) {
    const again =
      (await deps.sendWork(
        queue,
        retry.map((r) => r.message),
      )) ?? [];
    result.enqueued += retry.length - again.length;
    const refusedAgain = new Set(again.map((f) => f.id));
    for (const r of retry) if (refusedAgain.has(r.message.id)) lastResort.push({ c: r.c, code: r.code });
  }
  for (const { c, code } of lastResort) await failUnsendable(deps, tenant, c, code);
}

/** The last resort for an object no message can be sent for: FAILED in the ledger, so Ramp is told. */
async function failUnsendable(deps: PollJobDeps, tenant: TenantConfig, c: Candidate, code: string) {
  const log = deps.log ?? silentLogger;
  const { tenantId } = tenant;
  const owner = `poller:${deps.clock()}`;
  const claim = await deps.store.ledger.claim({
    tenantId,
    kind: c.kind,
    rampId: c.rampId,
    owner,
    leaseMs: 60_000,
    fingerprint: candidateFingerprint(c),
    entityId: c.entityId,
  });
  log.error("work message refused by SQS even without its snapshot; failed in the ledger", {
    tenantId,
    kind: c.kind,
    rampId: c.rampId,
    code,
    claim: claim.outcome,
  });
  // Someone else holds or finished the row (or a takeover would need an ERP look-up): leave it to them.
  if (claim.outcome !== "claimed" && claim.outcome !== "retry") return;
  const message = failureMessage(
    {
      category: "needs_integrator",
      title: "Could not queue this object for sync",
      howToFix: null,
      detail: code,
    },
    { supportContact: tenant.sync.supportContact, referenceId: ledgerReference(tenantId, c.kind, c.rampId) },
  );
  await deps.store.ledger.recordFailed(tenantId, c.kind, c.rampId, owner, {
    category: "needs_integrator",
    message,
    transientAttemptsBeforeReport: tenant.sync.transientAttemptsBeforeReport,
    coolDownMs: deps.coolDownMs ?? 6 * 3600_000,
    holdUnchanged: true,
  });
}
