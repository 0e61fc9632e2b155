/**
 * `sync-now`: a poll job for the tenant at once (optionally only some listings),
 * through the poll-jobs queue like the schedule's — the poll job's ledger rules
 * decide what is enqueued, so nothing here can bypass them.
 */
import type { Kind } from "../domain/kinds.js";
import { pollJob } from "../poll/job.js";
import type { ReadySource } from "../ramp/resume.js";
import type { SendMessages } from "./ports.js";

/**
 * The listing a kind is read from. A bill's payment alone is read from the payment-only
 * listing (`sync_status=BILL_SYNCED&sync_ready=true`, lib/ramp/resume.ts): fewer pages than
 * every sync-ready bill; with `bill` also asked for, the bill listing covers it (lib/poll/plan.ts).
 * A credit applied to a bill is read from the bill listing (lib/sync/credit-application.ts).
 */
export const sourceOfKind = (kind: Kind): ReadySource => (kind === "credit_application" ? "bill" : kind);

export async function syncNow(
  deps: { sendJob: SendMessages; now(): number },
  req: { tenantId: string; kinds?: readonly Kind[]; dryRun: boolean },
): Promise<{ job: ReturnType<typeof pollJob>; sent: boolean }> {
  const sources = req.kinds?.length ? [...new Set(req.kinds.map(sourceOfKind))] : undefined;
  const job = pollJob(req.tenantId, deps.now(), sources);
  if (!req.dryRun) await deps.sendJob([{ id: "sync-now", body: JSON.stringify(job) }]);
  return { job, sent: !req.dryRun };
}
