/**
 * The job queues' consumers → lib/poll per message, with partial batch failures.
 * `makeHandler` is `poller-job` (poll-jobs queue: scheduled and webhook polls);
 * `makeButtonHandler` is `button-job` (button-jobs queue: Sync Button walks and
 * their deadline jobs, kept apart so a click never waits behind a fleet-wide
 * polling fan-out). A job on the other function's queue — a button job sent
 * before the button-jobs queue existed — is forwarded there, not run.
 *
 * A job that throws is retried by SQS (a poll's cursor was saved page by page, so
 * the retry repeats at most the page in progress, and the ledger and the syncer's
 * claim absorb that repeat). Malformed jobs are failed so they land in the DLQ;
 * jobs of unknown or disabled tenants are dropped with a log line.
 */
import { randomUUID } from "node:crypto";
import type { Context, SQSEvent } from "aws-lambda";
import type { TenantConfig } from "../../lib/config/tenant.js";
import { runButtonDeadline } from "../../lib/poll/button-deadline.js";
import { runButtonJob } from "../../lib/poll/button-job.js";
import { type PollJob, parsePollJob, type WalkJob } from "../../lib/poll/job.js";
import { type PollJobDeps, runPollJob } from "../../lib/poll/run-job.js";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import { flushReports } from "../../lib/sync/reporter.js";
import { syncMetricsOf } from "../syncer/observability.js";
import { backlogMetric, invalidObjectsMetric, type PollerDeps } from "./deps.js";

type Role = "poll" | "button";

export const makeHandler = (deps: PollerDeps) => makeJobHandler(deps, "poll");
export const makeButtonHandler = (deps: PollerDeps) => makeJobHandler(deps, "button");

function makeJobHandler(deps: PollerDeps, role: Role) {
  const log = deps.obs.log;
  const emitBacklog = backlogMetric(deps.obs);
  const countInvalid = invalidObjectsMetric(deps.obs);
  const metrics = syncMetricsOf(deps.obs.metrics);
  const clock = deps.clock ?? Date.now;

  function walkDeps(tenant: TenantConfig, job: WalkJob, context: Context): PollJobDeps {
    const sendNext = job.type === "button" ? deps.sendButtonJobs : deps.sendPollJobs;
    return {
      ramp: deps.rampFor(tenant),
      store: deps.store,
      sendWork: deps.sendWork,
      sendJob: (next) => sendNext([{ id: `${next.tenantId}-c`, body: JSON.stringify(next) }]),
      emitBacklog,
      countInvalid,
      clock,
      timeLeftMs: () => context.getRemainingTimeInMillis(),
      reserveMs: deps.settings.reserveMs,
      pageSize: deps.settings.pageSize,
      log,
    };
  }

  async function runOne(job: PollJob, context: Context): Promise<void> {
    const tenant = await deps.store.tenants.get(job.tenantId);
    if (!tenant?.enabled) {
      log.warn("job for an unknown or disabled tenant dropped", { tenantId: job.tenantId, type: job.type });
      return;
    }
    if ((job.type === "poll") !== (role === "poll")) {
      const forward = job.type === "poll" ? deps.sendPollJobs : deps.sendButtonJobs;
      await forward([{ id: "forwarded", body: JSON.stringify(job) }]);
      log.info("job forwarded to its own queue", { tenantId: job.tenantId, type: job.type });
      return;
    }
    if (job.type === "poll") {
      await runPollJob(walkDeps(tenant, job, context), tenant, job);
      // A whole scheduled poll (not a continuation, not an operator's single listing) also polls the
      // tenant's receipts. Best effort: a lost one is made up by the next poll (the cursor holds).
      if (deps.sendReceiptsPoll && !job.continuation && !job.sources)
        await deps.sendReceiptsPoll(job.tenantId).catch((err: unknown) =>
          log.warn("receipts poll not requested; the next poll asks again", {
            tenantId: job.tenantId,
            error: err instanceof Error ? err.message : String(err),
          }),
        );
      return;
    }
    const sendDeadline = (next: PollJob, delaySeconds: number) =>
      deps.sendButtonJobs([{ id: "deadline", body: JSON.stringify(next), delaySeconds }]);
    if (job.type === "button") {
      await runButtonJob(
        { ...walkDeps(tenant, job, context), requests: deps.store.buttonRequests, sendDeadline },
        tenant,
        job,
      );
      return;
    }
    const ramp = deps.rampFor(tenant);
    const owner = `${context.awsRequestId}:${randomUUID().slice(0, 8)}`;
    await runButtonDeadline(
      {
        requests: deps.store.buttonRequests,
        ledger: deps.store.ledger,
        ramp,
        flush: (key) =>
          flushReports({ store: deps.store, ramp, owner, clock, logger: log, metrics }, key, { force: true }),
        resend: sendDeadline,
        metrics,
        clock,
        owner,
        log,
        ...(deps.deadlineCrash ? { crash: deps.deadlineCrash } : {}),
      },
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
          log.error("malformed job", { messageId: record.messageId, error: parsed.error });
          throw new RecordNotDone(`malformed job: ${parsed.error}`);
        }
        try {
          await runOne(parsed.job, context);
        } catch (err) {
          log.error("job failed", {
            messageId: record.messageId,
            tenantId: parsed.job.tenantId,
            type: parsed.job.type,
            error: err instanceof Error ? err.message : String(err),
          });
          throw err;
        }
      },
      { failures: deps.failures, log },
    ),
  );
}
