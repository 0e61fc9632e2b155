/**
 * SQS poll-jobs consumer → runPollJob per message, with partial batch failures:
 * a job that throws is retried by SQS (its cursor was saved page by page, so
 * the retry repeats at most the page in progress, and the ledger and the
 * syncer's claim absorb that repeat). Malformed jobs are failed so they land
 * in the DLQ; jobs of unknown or disabled tenants are dropped with a log line.
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type PollJob, parsePollJob } from "../../lib/poll/job.js";
import { runPollJob } from "../../lib/poll/run-job.js";
import { createPollerRuntime, type PollerRuntime } from "./runtime.js";

let runtime: PollerRuntime | undefined;

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  runtime ??= createPollerRuntime("poller-job");
  const rt = runtime;
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    const parsed = parsePollJob(record.body);
    if (!parsed.ok) {
      rt.logger.error("malformed poll job", { messageId: record.messageId, error: parsed.error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      await runOne(rt, parsed.job, context);
    } catch (err) {
      rt.logger.error("poll job failed", {
        messageId: record.messageId,
        tenantId: parsed.job.tenantId,
        error: err instanceof Error ? err.message : String(err),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

async function runOne(rt: PollerRuntime, job: PollJob, context: Context): Promise<void> {
  const tenant = await rt.store.tenants.get(job.tenantId);
  if (!tenant?.enabled) {
    rt.logger.warn("poll job for an unknown or disabled tenant dropped", { tenantId: job.tenantId });
    return;
  }
  await runPollJob(
    {
      ramp: rt.rampClientFor(tenant),
      store: rt.store,
      sendWork: rt.sendWork,
      sendJob: (next) => rt.sendPollJobs([{ id: `${next.tenantId}-c`, body: JSON.stringify(next) }]),
      emitBacklog: rt.emitBacklog,
      countInvalid: rt.countInvalid,
      clock: Date.now,
      timeLeftMs: () => context.getRemainingTimeInMillis(),
      reserveMs: rt.env.POLL_TIME_RESERVE_MS,
      pageSize: rt.env.POLL_PAGE_SIZE,
      log: rt.logger,
    },
    tenant,
    job,
  );
}
