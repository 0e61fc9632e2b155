/**
 * EventBridge schedule → one poll job per due tenant (lib/poll/run-schedule.ts).
 * Thin: the decisions live in lib/poll.
 */
import type { ScheduledEvent } from "aws-lambda";
import { runSchedule, type ScheduleResult } from "../../lib/poll/run-schedule.js";
import { powertoolsHandler } from "../../lib/runtime/handler-stack.js";
import type { PollerDeps } from "./deps.js";

export function makeHandler(deps: PollerDeps) {
  return powertoolsHandler(deps.obs, async (event: ScheduledEvent): Promise<ScheduleResult> => {
    deps.obs.log.info("poll schedule fired", { time: event.time, id: event.id });
    return runSchedule({
      store: deps.store,
      sendJobs: deps.sendPollJobs,
      clock: deps.clock ?? Date.now,
      jitterMaxSeconds: deps.settings.jitterMaxSeconds,
      cadence: { toleranceMs: deps.settings.dueToleranceMs },
      log: deps.obs.log,
    });
  });
}
