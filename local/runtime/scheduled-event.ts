/**
 * EventBridge rule invocations: the `ScheduledEvent` a rule with a schedule
 * expression delivers. Locally the runtime (or a test) plays the scheduler.
 */
import { randomUUID } from "node:crypto";
import type { ScheduledEvent } from "aws-lambda";
import {
  type FunctionOptions,
  invoke,
  type LambdaHandler,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
} from "./lambda-context.js";

export interface ScheduleOptions {
  /** The rule's name or full ARN. */
  rule: string;
  /** When the schedule fired; EventBridge reports it to the second. */
  time: Date | string;
  region?: string;
  account?: string;
  id?: string;
}

export function scheduledEvent(options: ScheduleOptions): ScheduledEvent {
  const region = options.region ?? LOCAL_REGION;
  const account = options.account ?? LOCAL_ACCOUNT;
  const ruleArn = options.rule.startsWith("arn:")
    ? options.rule
    : `arn:aws:events:${region}:${account}:rule/${options.rule}`;
  const at = new Date(options.time);
  if (Number.isNaN(at.getTime())) throw new RangeError(`invalid schedule time: ${String(options.time)}`);
  return {
    version: "0",
    id: options.id ?? randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account,
    time: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: [ruleArn],
    detail: {},
  };
}

/** Invokes a scheduled handler once, as the rule would, under the function timeout. */
export function invokeScheduled<R>(
  handler: LambdaHandler<ScheduledEvent, R>,
  options: ScheduleOptions & { function?: FunctionOptions },
): Promise<R> {
  const { function: fn, ...schedule } = options;
  return invoke(handler, scheduledEvent(schedule), { region: schedule.region, ...fn });
}
