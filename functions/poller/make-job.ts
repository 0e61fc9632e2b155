/**
 * SQS poll-jobs consumer → lib/poll/run-job.ts per message, with partial batch
 * failures: a job that throws is retried by SQS (its cursor was saved page by
 * page, so the retry repeats at most the page in progress, and the ledger and
 * the syncer's claim absorb that repeat). Malformed jobs are failed so they
 * land in the DLQ; jobs of unknown or disabled tenants are dropped with a log line.
 */
import type { Context, SQSEvent } from "aws-lambda";
import { type PollJob, parsePollJob } from "../../lib/poll/job.js";
import { runPollJob } from "../../lib/poll/run-job.js";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import { backlogMetric, invalidObjectsMetric, type PollerDeps } from "./deps.js";

export function makeHandler(deps: PollerDeps) {
  const log = deps.obs.log;
  const emitBacklog = backlogMetric(deps.obs);
  const countInvalid = invalidObjectsMetric(deps.obs);

  async function runOne(job: PollJob, context: Context): Promise<void> {
    const tenant = await deps.store.tenants.get(job.tenantId);
    if (!tenant?.enabled) {
      log.warn("poll job for an unknown or disabled tenant dropped", { tenantId: job.tenantId });
      return;
    }
    await runPollJob(
      {
        ramp: deps.rampFor(tenant),
        store: deps.store,
        sendWork: deps.sendWork,
        sendJob: (next) => deps.sendPollJobs([{ id: `${next.tenantId}-c`, body: JSON.stringify(next) }]),
        emitBacklog,
        countInvalid,
        clock: deps.clock ?? Date.now,
        timeLeftMs: () => context.getRemainingTimeInMillis(),
        reserveMs: deps.settings.reserveMs,
        pageSize: deps.settings.pageSize,
        log,
      },
      tenant,
      job,
    );
  }

  return powertoolsHandler(deps.obs, (event: SQSEvent, context) =>
    sqsPartialBatch(
      event,
      context,
      async (record) => {
        const parsed = parsePollJob(record.body);
        if (!parsed.ok) {
          log.error("malformed poll job", { messageId: record.messageId, error: parsed.error });
          throw new RecordNotDone(`malformed poll job: ${parsed.error}`);
        }
        try {
          await runOne(parsed.job, context);
        } catch (err) {
          log.error("poll job failed", {
            messageId: record.messageId,
            tenantId: parsed.job.tenantId,
            error: err instanceof Error ? err.message : String(err),
          });
          throw err;
        }
      },
      { failures: deps.failures, log },
    ),
  );
}
