/**
 * A whole local deployment of the sync service in one process, for end-to-end
 * tests and the local demo: a DynamoDB table (on an endpoint the caller runs,
 * e.g. DynamoDB Local), fauxqs queues with their DLQs (poll jobs, work,
 * priority), the Secrets Manager stand-in, tenant configuration saved in the
 * store, and the real Lambda handlers — poll schedule, poll job, syncer,
 * report sweep, coa-push — invoked as Lambda would: scheduled events, SQS
 * event source mappings with partial batch responses, function timeouts.
 *
 * The handlers read their configuration from the environment once, at cold
 * start; so the stack writes process.env first and only then imports them.
 * That is also why there is one stack per process (vitest runs each test file
 * in its own module graph, so one stack per test file is fine).
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ScheduledEvent } from "aws-lambda";
import type { TenantConfig, TenantConfigInput } from "../../lib/config/tenant.js";
import { createTable } from "../../lib/store/create-tables.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { MAIN_TABLE } from "../../lib/store/table.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../secrets-manager/server.js";
import { type EventSourceMapping, eventSourceMapping, type MappingStats } from "./event-source-mapping.js";
import { invoke, type LambdaHandler, LOCAL_REGION } from "./lambda-context.js";
import { type LocalQueue, type LocalSqs, type QueueDepth, startLocalSqs } from "./local-sqs.js";
import { invokeScheduled } from "./scheduled-event.js";

/** Static credentials: the emulators ignore signatures but the SDK insists on signing. */
const LOCAL_KEYS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface QueueSettings {
  /** Messages per invocation (1–10). */
  batchSize: number;
  /** Concurrent invocations polling the queue. */
  concurrency: number;
  /** The function's timeout; the queue's visibility timeout is at least this (as AWS requires). */
  functionTimeoutMs: number;
  /** Receives before SQS moves a message to the DLQ. */
  maxReceiveCount: number;
}

export interface LocalStackOptions {
  /** A running DynamoDB endpoint (DynamoDB Local). */
  dynamoEndpoint: string;
  /** The main table; created (with a unique name) when absent. */
  tableName?: string;
  /** Extra environment for every handler (e.g. LOG_LEVEL, POLL_PAGE_SIZE). */
  env?: Record<string, string>;
  pollJobs?: Partial<QueueSettings>;
  /** Called with every error a handler throws (the mapping then retries the whole batch, as Lambda does). */
  onHandlerError?: (functionName: string, error: unknown) => void;
  /** The work and priority queues (both consumed by the syncer). */
  work?: Partial<QueueSettings>;
}

export interface DrainStats {
  pollJobs: MappingStats;
  work: MappingStats;
  priority: MappingStats;
  /** Rounds of (poll jobs, work, priority) until every queue stayed empty. */
  rounds: number;
}

export interface LocalStack {
  region: string;
  tableName: string;
  store: Store;
  sqs: LocalSqs;
  secrets: LocalSecretsManager;
  queues: { pollJobs: LocalQueue; work: LocalQueue; priority: LocalQueue };
  /** Validates and saves a tenant (version 0 = new); returns what the store holds. */
  saveTenant(input: TenantConfigInput): Promise<TenantConfig>;
  /** Seeds a secret (Ramp app credentials `{client_id, client_secret}`, ERP passwords `{password}`). */
  seedSecret(name: string, value: unknown): void;
  /** coa-push for one tenant, invoked directly with `{ tenantId }`. */
  coaPush(tenantId: string): Promise<{ tenantId: string; writeCalls: number; failures: unknown[] }>;
  /** Fires the poll schedule once (EventBridge rule); due tenants get a poll job. */
  pollSchedule(at?: Date): Promise<{ dispatched: string[] }>;
  /** Runs the event source mappings until the poll-jobs, work and priority queues are all empty. */
  drain(options?: { timeoutMs?: number; idleMs?: number }): Promise<DrainStats>;
  /** Fires the scheduled report sweep once. */
  sweep(): Promise<{ tenants: number; calls: number; failedTenants: number; complete: boolean }>;
  /** Depth of every queue and DLQ, by queue name. */
  depths(): Promise<Record<string, QueueDepth>>;
  stop(): Promise<void>;
}

const DEFAULT_POLL_JOBS: QueueSettings = {
  batchSize: 1,
  concurrency: 2,
  functionTimeoutMs: 300_000,
  maxReceiveCount: 3,
};
const DEFAULT_WORK: QueueSettings = {
  batchSize: 10,
  concurrency: 4,
  functionTimeoutMs: 60_000,
  maxReceiveCount: 5,
};

type Handler = LambdaHandler<unknown, unknown>;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const region = LOCAL_REGION;
  // The SDK's Node 20 notice would otherwise be printed once per process, before the handlers' env exists.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const raw = new DynamoDBClient({ region, endpoint: options.dynamoEndpoint, credentials: LOCAL_KEYS });
  const tableName = options.tableName ?? `stack-${randomUUID().slice(0, 8)}`;
  if (!options.tableName) await createTable(raw, tableName, MAIN_TABLE);
  raw.destroy();
  const doc = createDocumentClient({ region, endpoint: options.dynamoEndpoint, credentials: LOCAL_KEYS });
  const store = createStore({ doc, tableName });

  const pollSettings = { ...DEFAULT_POLL_JOBS, ...options.pollJobs };
  const workSettings = { ...DEFAULT_WORK, ...options.work };
  const sqs = await startLocalSqs({ region });
  const secrets = await startLocalSecretsManager({ port: 0, region });
  const queue = (name: string, s: QueueSettings) =>
    sqs.createQueue(name, {
      visibilityTimeoutS: Math.ceil(s.functionTimeoutMs / 1000),
      dlq: { maxReceiveCount: s.maxReceiveCount },
    });
  const queues = {
    pollJobs: await queue("poll-jobs", pollSettings),
    work: await queue("work", workSettings),
    priority: await queue("priority", workSettings),
  };

  // Environment first: the handler modules parse it once, when first invoked.
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_KEYS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    TABLE_NAME: tableName,
    IDEMPOTENCY_TABLE_NAME: `${tableName}-idempotency`,
    WORK_QUEUE_URL: queues.work.url,
    PRIORITY_QUEUE_URL: queues.priority.url,
    POLL_JOBS_QUEUE_URL: queues.pollJobs.url,
    POLL_JITTER_MAX_SECONDS: "0",
    LOG_LEVEL: process.env.LOCAL_STACK_LOG_LEVEL ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
    ...options.env,
  });
  const [schedule, pollJob, syncer, sweep, coaPush] = await Promise.all([
    import("../../functions/poller/schedule.js"),
    import("../../functions/poller/job.js"),
    import("../../functions/syncer/handler.js"),
    import("../../functions/syncer/sweep.js"),
    import("../../functions/coa-push/handler.js"),
  ]);

  const mapping = (q: LocalQueue, handler: Handler, s: QueueSettings, functionName: string) =>
    eventSourceMapping({
      client: sqs.client(),
      queueUrl: q.url,
      handler: async (event, context) => {
        try {
          return await handler(event, context);
        } catch (err) {
          options.onHandlerError?.(functionName, err);
          throw err;
        }
      },
      batchSize: s.batchSize,
      concurrency: s.concurrency,
      functionTimeoutMs: s.functionTimeoutMs,
      reportBatchItemFailures: true,
      function: { functionName },
    });
  const mappings: Record<keyof LocalStack["queues"], EventSourceMapping> = {
    pollJobs: mapping(queues.pollJobs, pollJob.handler as Handler, pollSettings, "poller-job"),
    work: mapping(queues.work, syncer.handler as unknown as Handler, workSettings, "syncer"),
    priority: mapping(queues.priority, syncer.handler as unknown as Handler, workSettings, "syncer"),
  };
  await Promise.all(Object.values(mappings).map((m) => m.start()));

  const depths = async () => {
    const out: Record<string, QueueDepth> = {};
    for (const q of Object.values(queues)) {
      out[q.name] = await sqs.depth(q.url);
      if (q.dlq) out[q.dlq.name] = await sqs.depth(q.dlq.url);
    }
    return out;
  };

  return {
    region,
    tableName,
    store,
    sqs,
    secrets,
    queues,
    async saveTenant(input) {
      const put = await store.tenants.put(input);
      if (!put.ok) throw new Error(`tenant ${input.tenantId} not saved: ${JSON.stringify(put)}`);
      const saved = await store.tenants.get(input.tenantId);
      if (!saved) throw new Error(`tenant ${input.tenantId} not found after saving`);
      return saved;
    },
    seedSecret(name, value) {
      secrets.seed(name, typeof value === "string" ? value : JSON.stringify(value));
    },
    coaPush: (tenantId) =>
      invoke(
        coaPush.handler as Handler,
        { tenantId },
        { functionName: "coa-push", timeoutMs: 900_000 },
      ) as ReturnType<LocalStack["coaPush"]>,
    pollSchedule: (at = new Date()) =>
      invokeScheduled(schedule.handler as LambdaHandler<ScheduledEvent, { dispatched: string[] }>, {
        rule: "poll-schedule",
        time: at,
        function: { functionName: "poller-schedule", timeoutMs: 300_000 },
      }),
    async drain(o = {}) {
      const opts = { idleMs: o.idleMs ?? 300, timeoutMs: o.timeoutMs ?? 600_000 };
      let rounds = 0;
      for (;;) {
        rounds++;
        await mappings.pollJobs.drain(opts);
        await mappings.priority.drain(opts);
        await mappings.work.drain(opts);
        const d = await depths();
        const busy = [queues.pollJobs, queues.work, queues.priority].some((q) => (d[q.name]?.total ?? 0) > 0);
        if (!busy) break;
      }
      return {
        pollJobs: { ...mappings.pollJobs.stats },
        work: { ...mappings.work.stats },
        priority: { ...mappings.priority.stats },
        rounds,
      };
    },
    sweep: () =>
      invokeScheduled(sweep.sweepHandler as unknown as LambdaHandler<ScheduledEvent, never>, {
        rule: "report-sweep",
        time: new Date(),
        function: { functionName: "sync-sweep", timeoutMs: 300_000 },
      }),
    depths,
    async stop() {
      await Promise.all(Object.values(mappings).map((m) => m.stop()));
      await sqs.stop();
      await secrets.stop();
      doc.destroy();
    },
  };
}
