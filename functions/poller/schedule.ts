/**
 * EventBridge schedule → one poll job per due tenant (runSchedule). Thin: the
 * decisions live in lib/poll, the walk in run-schedule.ts.
 */
import type { ScheduledEvent } from "aws-lambda";
import { runSchedule, type ScheduleResult } from "../../lib/poll/run-schedule.js";
import { createPollerRuntime, type PollerRuntime } from "./runtime.js";

let runtime: PollerRuntime | undefined;

export async function handler(event: ScheduledEvent): Promise<ScheduleResult> {
  runtime ??= createPollerRuntime("poller-schedule");
  const rt = runtime;
  rt.logger.info("poll schedule fired", { time: event.time, id: event.id });
  return runSchedule({
    store: rt.store,
    sendJobs: rt.sendPollJobs,
    clock: Date.now,
    jitterMaxSeconds: rt.env.POLL_JITTER_MAX_SECONDS,
    cadence: { toleranceMs: rt.env.POLL_DUE_TOLERANCE_MINUTES * 60_000 },
    log: rt.logger,
  });
}
