/**
 * The deployment manifest: every function, queue, schedule and route of the
 * service, as data. The CDK stack (infra/stack.ts) and the local stack
 * (local/runtime/stack.ts) are both built from it, so what the e2e suites run
 * is what is deployed; test/unit/manifest-parity.test.ts compares the two.
 *
 * Pure data and zod schemas: no CDK import, so the local runtime can read it.
 * Durations are in seconds; the local stack multiplies every one of them by
 * its single declared time scale and changes nothing else.
 */
import type { z } from "zod";
import { CoaPushEnvSchema, ReceiptsEnvSchema, SyncerEnvSchema, WebhookEnvSchema } from "../lib/config/env.js";
import { HealthEnvSchema } from "../lib/config/health-env.js";
import { PollerRuntimeEnvSchema } from "../lib/config/poller-env.js";
import { HEALTH_FUNCTION } from "../lib/health/metrics.js";
import { BUTTON_JOB_FUNCTION } from "../lib/poll/button-deadline.js";
import { type RampRateLimit, RampRateLimitSchema } from "../lib/ramp/rate-scope.js";

/** The queues (each with its DLQ). Visibility = 6× the consumer's timeout (AWS guidance for SQS sources). */
export interface QueueSpec {
  /** Construct id in the CDK stack. */
  id: string;
  /** Queue name in the local stack. */
  localName: string;
  visibilityTimeoutS: number;
  /** Deliveries before a message is poison and moves to the DLQ. */
  maxReceiveCount: number;
  /**
   * Page when the oldest message has waited longer than this (infra/constructs/alarms.ts; context
   * can override). Above the visibility timeout wherever a redelivery is ordinary: a message that
   * fails once waits out its visibility timeout before it is retried, and must not page.
   */
  oldestMessageAlarmS: number;
}

export const QUEUE_NAMES = ["work", "priority", "pollJobs", "buttonJobs", "coaRequests", "receipts"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const QUEUES: Record<QueueName, QueueSpec> = {
  // Work drains at Ramp's pace in minutes: waiting past one redelivery means the syncer is not consuming.
  work: {
    id: "Work",
    localName: "work",
    visibilityTimeoutS: 30 * 60,
    maxReceiveCount: 5,
    oldestMessageAlarmS: 45 * 60,
  },
  // Sync Button work has its own queue so it never waits behind a polling backlog; Ramp expects an
  // answer within 5 minutes, so a minute of waiting, twice in a row, already pages. Inside a request's
  // window a transient failure comes back within seconds (the syncer shortens the message's
  // visibility, lib/sync/button-retry.ts), so a row may be received a few dozen times before its
  // deadline: hence 50 receives before the DLQ (a poison body is made visible at once and gets there
  // in seconds all the same).
  priority: {
    id: "Priority",
    localName: "priority",
    visibilityTimeoutS: 30 * 60,
    maxReceiveCount: 50,
    oldestMessageAlarmS: 60,
  },
  pollJobs: {
    id: "PollJobs",
    localName: "poll-jobs",
    visibilityTimeoutS: 60 * 60,
    maxReceiveCount: 3,
    oldestMessageAlarmS: 75 * 60,
  },
  // Sync Button jobs (the walk of requested rows, its continuations, the deadline job): their own
  // queue and function, so a click never queues behind a fleet-wide polling fan-out. A deadline job
  // waits in the queue as a delayed message, which the age alarm does not count; a walk waiting a
  // minute already eats a fifth of Ramp's window.
  buttonJobs: {
    id: "ButtonJobs",
    localName: "button-jobs",
    visibilityTimeoutS: 6 * 5 * 60,
    maxReceiveCount: 3,
    oldestMessageAlarmS: 60,
  },
  coaRequests: {
    id: "CoaRequests",
    localName: "coa-requests",
    visibilityTimeoutS: 90 * 60,
    maxReceiveCount: 3,
    oldestMessageAlarmS: 105 * 60,
  },
  // Receipts to attach after their objects posted (lib/receipts): off the report's path. A receipt
  // that fails transiently comes back with its message after the visibility timeout, up to
  // MAX_RECEIPT_ATTEMPTS (5) times, then is given up and listed by reconcile; 8 receives leave room
  // for a run that failed before it recorded anything. A message waiting past two redeliveries pages.
  receipts: {
    id: "ReceiptJobs",
    localName: "receipts",
    visibilityTimeoutS: 6 * 5 * 60,
    maxReceiveCount: 8,
    oldestMessageAlarmS: 75 * 60,
  },
};

/**
 * What a function's environment variable is bound to; each stack resolves it to its own resource.
 * `value`: a deployment setting, the same string in both stacks.
 */
export type EnvBinding = { table: "main" } | { queueUrl: QueueName } | { value: string };

export type Trigger =
  | {
      /** SQS event source mapping; always with partial batch responses (ReportBatchItemFailures). */
      queue: QueueName;
      batchSize: number;
      maxBatchingWindowS?: number;
      /** At most this many invocations at once for this source (Lambda's MaximumConcurrency, 2–1000). */
      maximumConcurrency?: number;
    }
  | {
      /** EventBridge rule: construct id, and `rate` in seconds or a cron (UTC). */
      schedule: string;
      rateS?: number;
      cron?: { minute: string; hour: string };
    }
  | { http: { method: "POST"; path: string; routeId: string } };

export interface FunctionSpec<S extends z.ZodType = z.ZodType> {
  /** Construct id in the CDK stack (unchanged ids = unchanged logical ids). */
  id: string;
  /** The function's name in its logs and metrics (`function` key / dimension). */
  name: string;
  /** Entry file relative to the repository root; it exports `handler`. */
  entry: string;
  memoryMb: number;
  timeoutS: number;
  triggers: Trigger[];
  /** Variables bound to resources by the stack; the rest of `envSchema` has defaults. */
  env: Record<string, EnvBinding>;
  /** What the handler parses its environment with at cold start. */
  envSchema: S;
}

export type FunctionName =
  | "webhook"
  | "pollSchedule"
  | "pollJob"
  | "buttonJob"
  | "syncer"
  | "sweep"
  | "coaPush"
  | "health"
  | "receipts";

const store = { TABLE_NAME: { table: "main" } } as const;
const pollQueues = {
  WORK_QUEUE_URL: { queueUrl: "work" },
  PRIORITY_QUEUE_URL: { queueUrl: "priority" },
  POLL_JOBS_QUEUE_URL: { queueUrl: "pollJobs" },
  BUTTON_JOBS_QUEUE_URL: { queueUrl: "buttonJobs" },
} as const;

export const FUNCTIONS = {
  // Ramp waits 10 s for an answer: the webhook verifies, dedupes and enqueues a poll job, nothing slow.
  // Authenticated by the HMAC signature of the raw body, checked in the function with the tenant's secret.
  webhook: {
    id: "Webhook",
    name: "webhook",
    entry: "functions/webhook/handler.ts",
    memoryMb: 512,
    timeoutS: 10,
    // Per tenant (the path names it), and one endpoint for all tenants whose subscriptions carry the
    // tenant header (lib/webhook/tenant-header.ts): same function, same checks.
    triggers: [
      { http: { method: "POST", path: "/webhooks/{tenantId}", routeId: "Webhook" } },
      { http: { method: "POST", path: "/webhooks", routeId: "WebhookShared" } },
    ],
    env: {
      ...store,
      POLL_JOBS_QUEUE_URL: { queueUrl: "pollJobs" },
      BUTTON_JOBS_QUEUE_URL: { queueUrl: "buttonJobs" },
      RECEIPTS_QUEUE_URL: { queueUrl: "receipts" },
    },
    envSchema: WebhookEnvSchema,
  },
  // Ticks every 15 minutes; each tenant's cadence (weekday 1–4 h, weekend 12 h, overrides) is decided
  // per tenant inside, so one rule serves all.
  pollSchedule: {
    id: "PollSchedule",
    name: "poller-schedule",
    entry: "functions/poller/schedule.ts",
    memoryMb: 512,
    timeoutS: 5 * 60,
    triggers: [{ schedule: "PollTick", rateS: 15 * 60 }],
    env: { ...store, ...pollQueues },
    envSchema: PollerRuntimeEnvSchema,
  },
  pollJob: {
    id: "PollJob",
    name: "poller-job",
    entry: "functions/poller/job.ts",
    memoryMb: 512,
    timeoutS: 10 * 60,
    triggers: [{ queue: "pollJobs", batchSize: 1 }],
    // The receipts queue: a whole scheduled poll also asks for the tenant's receipts poll.
    env: { ...store, ...pollQueues, RECEIPTS_QUEUE_URL: { queueUrl: "receipts" } },
    envSchema: PollerRuntimeEnvSchema,
  },
  // A click's walk and, at its deadline, the telling of what is left (lib/poll/button-job.ts,
  // button-deadline.ts). 5 minutes: no button job may outlive Ramp's window.
  buttonJob: {
    id: "ButtonJob",
    name: BUTTON_JOB_FUNCTION,
    entry: "functions/poller/button.ts",
    memoryMb: 512,
    timeoutS: 5 * 60,
    triggers: [{ queue: "buttonJobs", batchSize: 1 }],
    env: { ...store, ...pollQueues },
    envSchema: PollerRuntimeEnvSchema,
  },
  syncer: {
    id: "Syncer",
    name: "syncer",
    entry: "functions/syncer/handler.ts",
    memoryMb: 1024,
    timeoutS: 5 * 60,
    triggers: [
      // 10 per invocation for now. 100 measured 1.5–2× faster here (README Performance), but it lets a
      // card charge race its card-paid bill's failing payment in another invocation and stay HELD
      // until the next poll (e2e drain): raise it once that race is closed.
      { queue: "work", batchSize: 10, maxBatchingWindowS: 5 },
      { queue: "priority", batchSize: 10 },
    ],
    // The queues it consumes, to shorten a Sync Button row's visibility after a transient failure;
    // the receipts queue, where posted objects' receipts go.
    env: {
      ...store,
      WORK_QUEUE_URL: { queueUrl: "work" },
      PRIORITY_QUEUE_URL: { queueUrl: "priority" },
      RECEIPTS_QUEUE_URL: { queueUrl: "receipts" },
    },
    envSchema: SyncerEnvSchema,
  },
  // Every minute: polled rows gather about a minute before they are reported (one call per type).
  sweep: {
    id: "Sweep",
    name: "sync-sweep",
    entry: "functions/syncer/sweep.ts",
    memoryMb: 512,
    timeoutS: 5 * 60,
    triggers: [{ schedule: "ReportSweep", rateS: 60 }],
    env: { ...store },
    envSchema: SyncerEnvSchema,
  },
  // Every 15 minutes, whatever each tenant's cadence: its backlog, open work and poll age as metrics
  // (lib/health), so the per-tenant alarms always have a datapoint to judge — or miss one.
  health: {
    id: "Health",
    name: HEALTH_FUNCTION,
    entry: "functions/poller/health.ts",
    memoryMb: 512,
    timeoutS: 5 * 60,
    triggers: [{ schedule: "HealthTick", rateS: 15 * 60 }],
    env: { ...store },
    envSchema: HealthEnvSchema,
  },
  // The daily tick fans out one coa-request per enabled tenant, due at random over the window
  // (lib/coa/fleet.ts); the queue's consumer pushes one tenant per invocation, at most
  // `maximumConcurrency` at once, whatever the fleet's size. Each tenant's own rate limiter paces
  // its Ramp calls inside its push.
  coaPush: {
    id: "CoaPush",
    name: "coa-push",
    entry: "functions/coa-push/handler.ts",
    memoryMb: 512,
    timeoutS: 15 * 60,
    triggers: [
      { schedule: "DailyCoaPush", cron: { minute: "0", hour: "5" } },
      { queue: "coaRequests", batchSize: 1, maximumConcurrency: 5 },
    ],
    env: {
      ...store,
      COA_REQUESTS_QUEUE_URL: { queueUrl: "coaRequests" },
      COA_PUSH_WINDOW_SECONDS: { value: String(60 * 60) },
    },
    envSchema: CoaPushEnvSchema,
  },
  // Receipts: downloads and attaches after the objects posted (lib/receipts/worker.ts). Up to 100
  // messages gathered for 10 s, so one run resolves many transaction receipts' URLs with few
  // `GET /receipts` pages; 1 GiB for up to 4 files of ≤ 20 MiB in flight and their base64 copy.
  receipts: {
    id: "Receipts",
    name: "receipts",
    entry: "functions/syncer/receipts.ts",
    memoryMb: 1024,
    timeoutS: 5 * 60,
    triggers: [{ queue: "receipts", batchSize: 100, maxBatchingWindowS: 10 }],
    env: { ...store },
    envSchema: ReceiptsEnvSchema,
  },
} satisfies Record<FunctionName, FunctionSpec>;

export interface Manifest {
  queues: Record<QueueName, QueueSpec>;
  functions: Record<FunctionName, FunctionSpec>;
  /** Deployment-wide Ramp settings, given to every function as `RAMP_RATE_LIMIT` (lib/config/env.ts). */
  ramp: { rateLimit: RampRateLimit };
}

/**
 * Ramp's rate limit is keyed per client app (today's default) or per source IP: the docs disagree
 * (lib/ramp/rate-scope.ts). One deployment leaves through one NAT, so `egress-pool` here puts every
 * tenant in one fairly shared pool; a tenant's own `ramp.rateLimit` overrides this.
 */
const RAMP = { rateLimit: RampRateLimitSchema.parse({ scope: "tenant-app" }) };

export const MANIFEST: Manifest = { queues: QUEUES, functions: FUNCTIONS, ramp: RAMP };

/** The value of `RAMP_RATE_LIMIT` both stacks give every function. */
export const rampRateLimitEnv = (m: Manifest): string => JSON.stringify(m.ramp.rateLimit);

/** The manifest with one function's settings changed (tests prove a change reaches both stacks). */
export function withFunction(m: Manifest, name: FunctionName, patch: Partial<FunctionSpec>): Manifest {
  return { ...m, functions: { ...m.functions, [name]: { ...m.functions[name], ...patch } } };
}
