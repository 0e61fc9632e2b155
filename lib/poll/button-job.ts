/**
 * One Sync Button job (`*.sync_requested` → the button-jobs queue): record the
 * request and schedule its deadline job first — so the deadline is kept even if
 * this walk dies — then walk `requested_to_sync=true` like a poll (run-job.ts:
 * paginated, continuations, the ledger's verdicts) with each page's rows recorded
 * for the deadline job and work messages carrying the deadline onto the priority
 * queue. Ports only.
 */
import type { TenantConfig } from "../config/tenant.js";
import { MAX_DELAY_S } from "./button-deadline.js";
import { type ButtonDeadlineJob, type ButtonJob, buttonDeadlineJob, buttonJobTimes } from "./job.js";
import type { ButtonRequestsPort } from "./ports.js";
import { type PollJobDeps, type PollJobResult, runPollJob } from "./run-job.js";

export interface ButtonJobDeps extends Omit<PollJobDeps, "recordButtonRows"> {
  requests: Pick<ButtonRequestsPort, "open" | "addRows">;
  /** Onto the button-jobs queue, delayed by `delaySeconds` (≤ 900). */
  sendDeadline(job: ButtonDeadlineJob, delaySeconds: number): Promise<void>;
}

export async function runButtonJob(
  deps: ButtonJobDeps,
  tenant: TenantConfig,
  job: ButtonJob,
): Promise<PollJobResult> {
  const times = buttonJobTimes(job);
  const header = {
    tenantId: job.tenantId,
    syncRequestId: job.syncRequestId,
    kind: job.kind,
    startedAt: times.startedAt,
    deadline: times.deadline,
    receivedAt: Date.parse(job.dispatchedAt),
  };
  if (!job.continuation) {
    await deps.requests.open(header);
    const delay = Math.ceil((times.deadline - deps.clock()) / 1000);
    await deps.sendDeadline(buttonDeadlineJob(job), Math.max(0, Math.min(MAX_DELAY_S, delay)));
  }
  return runPollJob(
    { ...deps, recordButtonRows: (_job, rows) => deps.requests.addRows(header, rows) },
    tenant,
    job,
  );
}
