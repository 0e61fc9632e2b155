/**
 * The poller's environment beyond PollerEnvSchema (env.ts): its own job queue,
 * the priority queue for Sync Button work, and the knobs of the fan-out and of
 * resuming before the Lambda timeout.
 */
import * as z from "zod";
import { PollerEnvSchema } from "./env.js";

const queueUrl = z.url("must be a queue URL");

export const PollerRuntimeEnvSchema = PollerEnvSchema.extend({
  /** Poll jobs: one per due tenant from the schedule, continuations, Sync Button jobs. */
  POLL_JOBS_QUEUE_URL: queueUrl,
  /** Sync Button work goes here so it never waits behind a polling backlog. */
  PRIORITY_QUEUE_URL: queueUrl,
  /** Sync Button jobs (walk continuations, deadline jobs): their own queue and function. */
  BUTTON_JOBS_QUEUE_URL: queueUrl,
  /** A scheduled poll also asks for the tenant's receipts poll here (lib/receipts/poll.ts); absent = none. */
  RECEIPTS_QUEUE_URL: queueUrl.optional(),
  /** Stop listing and re-enqueue a continuation when less than this much Lambda time is left. */
  POLL_TIME_RESERVE_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Poll jobs are delayed by a random 0..N seconds so tenants' polls (and uploads) are staggered. */
  POLL_JITTER_MAX_SECONDS: z.coerce.number().int().min(0).max(900).default(300),
  /** Ramp page size for the ready lists (2–100). */
  POLL_PAGE_SIZE: z.coerce.number().int().min(2).max(100).default(100),
  /** A tenant counts as due this many minutes before its interval is fully over (schedule tick slack). */
  POLL_DUE_TOLERANCE_MINUTES: z.coerce.number().min(0).max(60).default(5),
});
export type PollerRuntimeEnv = z.infer<typeof PollerRuntimeEnvSchema>;
