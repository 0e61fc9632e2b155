/**
 * The alarms' thresholds and where they page, from CDK context (`cdk.json` or
 * `-c`): documented in README "Deploy → Context", defaults here. Pure zod, so
 * a typo in context fails synth with the key's name instead of deploying a
 * default nobody asked for.
 */
import * as z from "zod";

/** The Sync Button job's function name (its metrics' `function` dimension): defined with the job, read by the manifest. */
export { BUTTON_JOB_FUNCTION } from "../lib/poll/button-deadline.js";

const count = z.coerce.number().int().min(0);

export const AlarmThresholdsSchema = z.strictObject({
  /** SYNC_READY backlog of one tenant (largest kind) still outstanding that is normal. */
  backlog: count.default(1_000),
  /**
   * Hours the backlog must stay over `backlog` before paging: longer than the health tick's drain
   * allowance (1 h), at most 2.75 h (a Metrics Insights alarm sees the last 3 hours only).
   */
  backlogHours: z.coerce.number().min(1.25).max(2.75).default(2),
  /** Minutes the oldest open ledger row of a tenant may wait (ERP down, stuck lease, long hold). */
  oldestUnsyncedMinutes: count.min(30).default(120),
  /** Failed syncs told to Ramp per minute, over all tenants, that mean an integration is broken. */
  failedPerMinute: count.default(20),
  /** Webhook deliveries refused for their signature per 5 minutes (probing, or a rotated secret). */
  unauthorizedWebhooksPer5Min: count.default(20),
  /**
   * Per queue (a manifest queue name): seconds the oldest message may wait (defaults: the manifest's
   * oldestMessageAlarmS). A name that is not a manifest queue fails synth in SyncAlarms.
   */
  queueAgeS: z.record(z.string(), count.min(60)).default({}),
  /**
   * Milliseconds the p95 Sync Button round trip (webhook receipt → last row told to Ramp) may take
   * over 15 minutes. Below Ramp's 5 minutes, since past them Ramp has failed the rows itself and the
   * job has told them at its deadline: a round trip never gets much longer, a threshold there never fires.
   */
  buttonRoundTripP95Ms: count.min(10_000).lt(300_000).default(180_000),
  /** Rows told failed at the Sync Button deadline ("we'll retry") per 15 minutes, over all tenants. */
  buttonRowsToldAtDeadlinePer15Min: count.default(0),
  /** Receipts given up for good (too large, deleted, retries spent) per hour, over all tenants. */
  receiptsGivenUpPerHour: count.default(0),
});
export type AlarmThresholds = z.infer<typeof AlarmThresholdsSchema>;

export const AlarmContextSchema = z.strictObject({
  thresholds: AlarmThresholdsSchema.prefault({}),
  /** Subscribed to the alarm topic (SNS asks the address to confirm). */
  alarmEmail: z.email().optional(),
  /** An existing SNS topic (e.g. your pager's) that also receives every alarm. */
  alarmTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, "must be an SNS topic ARN")
    .optional(),
});
export type AlarmContext = z.infer<typeof AlarmContextSchema>;

/** Context values arrive as strings from `-c key=value`, as JSON from cdk.json: both are accepted. */
export function alarmContextFrom(get: (key: string) => unknown): AlarmContext {
  const json = (v: unknown) => (typeof v === "string" && v.trim().startsWith("{") ? JSON.parse(v) : v);
  const raw = {
    thresholds: json(get("alarmThresholds")) ?? {},
    alarmEmail: get("alarmEmail"),
    alarmTopicArn: get("alarmTopicArn"),
  };
  const parsed = AlarmContextSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(context)"}: ${i.message}`);
    throw new Error(`CDK context for alarms is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
