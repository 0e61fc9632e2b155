/**
 * A whole local deployment of the sync service, built from the deployment
 * manifest (infra/functions.ts) through local/runtime/plan.ts — the same
 * functions, queues with their DLQs, schedules and webhook route the CDK stack
 * deploys, with one time scale applied to every duration. Underneath: a
 * DynamoDB table (on an endpoint the caller runs, e.g. DynamoDB Local),
 * fauxqs queues, the Secrets Manager stand-in, the real handlers built with
 * `makeHandler` (local/runtime/handlers.ts) and invoked as Lambda would:
 * scheduled events, SQS event source mappings with partial batch responses,
 * API Gateway HTTP events, function timeouts.
 *
 * Nothing is written to process.env: each handler's environment is built from
 * the manifest's bindings, parsed with the function's own schema, and its AWS
 * clients point at this stack's emulators. Several stacks run in one process.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { InitializeMiddleware } from "@smithy/types";
import type { APIGatewayProxyEventV2, ScheduledEvent } from "aws-lambda";
import type { EnvBinding, FunctionName, Manifest, QueueName } from "../../infra/functions.js";
import { MANIFEST } from "../../infra/functions.js";
import { type AwsClients, createAwsClients } from "../../lib/aws/clients.js";
import type { ErpWrapper } from "../../lib/aws/tenant-runtime.js";
import { loadEnv } from "../../lib/config/env.js";
import type { TenantConfig, TenantConfigInput } from "../../lib/config/tenant.js";
import { observability } from "../../lib/runtime/handler-stack.js";
import { createTable } from "../../lib/store/create-tables.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { MAIN_TABLE } from "../../lib/store/table.js";
import type { OpsTargetInput } from "../../ops/target.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../secrets-manager/server.js";
import { type EventSourceMapping, eventSourceMapping, type MappingStats } from "./event-source-mapping.js";
import { type AnyHandler, LOCAL_HANDLERS } from "./handlers.js";
import { httpRoutesToApiGateway, type LocalHttpApi } from "./http-to-api-gateway.js";
import { invoke, type LambdaHandler, LOCAL_REGION } from "./lambda-context.js";
import { createMetricsSink, type MetricsSink } from "./local-metrics.js";
import { type LocalQueue, type LocalSqs, type QueueDepth, startLocalSqs } from "./local-sqs.js";
import { DEFAULT_TIME_SCALE, type LocalPlan, planLocalDeployment } from "./plan.js";
import { invokeScheduled } from "./scheduled-event.js";

/** Static credentials: the emulators ignore signatures but the SDK insists on signing. */
const LOCAL_KEYS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/**
 * Configuration values (not deployment settings) the local stack sets unless told otherwise:
 * poll jobs go out at once instead of with up to 5 minutes of jitter.
 */
const LOCAL_ENV_DEFAULTS = { POLL_JITTER_MAX_SECONDS: "0" };

export interface LocalStackOptions {
  /** A running DynamoDB endpoint (DynamoDB Local). */
  dynamoEndpoint: string;
  /** The main table; created (with a unique name) when absent. */
  tableName?: string;
  /** Environment values every handler parses with its schema (e.g. LOG_LEVEL, POLL_PAGE_SIZE, JOURNAL_ROOT). */
  env?: Record<string, string>;
  /** Every manifest duration × this (default DEFAULT_TIME_SCALE). */
  timeScale?: number;
  /** Function timeouts never scaled below this (nor above the deployed ones): local/runtime/plan.ts. */
  minFunctionTimeoutMs?: number;
  /** What to deploy (default: the manifest CDK deploys). */
  manifest?: Manifest;
  /**
   * Pollers per SQS event source mapping (Lambda scales these itself; locally a fixed number). A
   * mapping whose manifest trigger declares `maximumConcurrency` runs exactly that many instead.
   */
  concurrency?: number;
  /** Called with every error a handler throws (the mapping then retries the whole batch, as Lambda does). */
  onHandlerError?: (functionName: string, error: unknown) => void;
  /** Tests only: the syncer's and the sweep's ERP adapters wrapped (an outage, a slow ERP). */
  wrapErp?: ErpWrapper;
}

export interface DrainStats {
  pollJobs: MappingStats;
  buttonJobs: MappingStats;
  work: MappingStats;
  priority: MappingStats;
  coaRequests: MappingStats;
  receipts: MappingStats;
  /** Rounds over every queue until all stayed empty. */
  rounds: number;
}

export interface LocalStack {
  region: string;
  tableName: string;
  plan: LocalPlan;
  store: Store;
  sqs: LocalSqs;
  secrets: LocalSecretsManager;
  queues: Record<QueueName, LocalQueue>;
  /** The webhook routes: POST `${webhookUrl}/webhooks/{tenantId}`, and POST `${webhookUrl}/webhooks` (tenant header). */
  webhookUrl: string;
  /** Every EMF document the functions published. */
  metrics: MetricsSink;
  /** Validates and saves a tenant (version 0 = new); returns what the store holds. */
  saveTenant(input: TenantConfigInput): Promise<TenantConfig>;
  /** Seeds a secret (Ramp app credentials `{client_id, client_secret}`, ERP passwords `{password}`). */
  seedSecret(name: string, value: unknown): void;
  /** coa-push for one tenant, invoked directly with `{ tenantId }`. */
  coaPush(tenantId: string): Promise<{ tenantId: string; writeCalls: number; failures: unknown[] }>;
  /** Fires one of the manifest's schedules once (e.g. "PollTick", "ReportSweep", "DailyCoaPush"). */
  fire(rule: string, at?: Date): Promise<unknown>;
  /** Fires the poll schedule once (EventBridge rule); due tenants get a poll job. */
  pollSchedule(at?: Date): Promise<{ dispatched: string[] }>;
  /** Runs the event source mappings until every queue is empty. */
  drain(options?: { timeoutMs?: number; idleMs?: number }): Promise<DrainStats>;
  /** Fires the scheduled report sweep once. */
  sweep(): Promise<{ tenants: number; calls: number; failedTenants: number; complete: boolean }>;
  /** Where the ops CLI acts on this stack (`--local <file>` holds this document; ops/target.ts). */
  opsTarget(): OpsTargetInput;
  /** Depth of every queue and DLQ, by queue name. */
  depths(): Promise<Record<string, QueueDepth>>;
  /**
   * Round trips the functions' own AWS clients made, by `<service> <Command>` (not the event
   * source mappings' receives and deletes, which Lambda makes): what the benches count.
   */
  awsCalls(): Record<string, number>;
  resetAwsCalls(): void;
  stop(): Promise<void>;
}

/** Counts every command the clients send (a middleware on each client's stack; the document client shares its base client's). */
function countCalls(aws: AwsClients): { counts: Record<string, number> } {
  const tally = { counts: {} as Record<string, number> };
  type Stack = {
    add(mw: InitializeMiddleware<object, object>, o: { step: "initialize"; name: string }): void;
  };
  const clients: Record<string, { middlewareStack: unknown }> = {
    dynamodb: aws.doc,
    sqs: aws.sqs,
    secretsmanager: aws.secrets,
  };
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as Stack).add(
      (next, context) => (args) => {
        const key = `${service} ${String(context.commandName ?? "?").replace(/Command$/, "")}`;
        tally.counts[key] = (tally.counts[key] ?? 0) + 1;
        return next(args);
      },
      { step: "initialize", name: "localStackCallCounter" },
    );
  }
  return tally;
}

const keysOf = <K extends string>(r: Record<K, unknown>) => Object.keys(r) as K[];

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const region = LOCAL_REGION;
  const plan = planLocalDeployment(
    options.manifest ?? MANIFEST,
    options.timeScale ?? DEFAULT_TIME_SCALE,
    options.minFunctionTimeoutMs ?? 0,
  );
  const raw = new DynamoDBClient({ region, endpoint: options.dynamoEndpoint, credentials: LOCAL_KEYS });
  const tableName = options.tableName ?? `stack-${randomUUID().slice(0, 8)}`;
  if (!options.tableName) await createTable(raw, tableName, MAIN_TABLE);
  raw.destroy();

  const sqs = await startLocalSqs({ region });
  const secrets = await startLocalSecretsManager({ port: 0, region });
  const aws = createAwsClients({
    region,
    endpoints: { dynamodb: options.dynamoEndpoint, sqs: sqs.endpoint, secretsManager: secrets.endpoint },
    credentials: LOCAL_KEYS,
  });
  const awsCalls = countCalls(aws);
  const store = createStore({ doc: aws.doc, tableName });
  const queues = {} as Record<QueueName, LocalQueue>;
  for (const q of Object.values(plan.queues)) {
    queues[q.name] = await sqs.createQueue(q.localName, {
      visibilityTimeoutS: q.visibilityTimeoutS,
      dlq: { maxReceiveCount: q.maxReceiveCount },
    });
  }

  const bound = (b: EnvBinding): string =>
    "table" in b ? tableName : "value" in b ? b.value : queues[b.queueUrl].url;
  const sink = createMetricsSink();
  const manifest = options.manifest ?? MANIFEST;
  const handlers = {} as Record<FunctionName, AnyHandler>;
  for (const name of keysOf(plan.functions)) {
    const f = plan.functions[name];
    const env = loadEnv(manifest.functions[name].envSchema, {
      AWS_REGION: region,
      // Reading the shell's wish is fine; writing process.env is what the stack never does.
      LOG_LEVEL: process.env.LOCAL_STACK_LOG_LEVEL ?? "SILENT",
      ...LOCAL_ENV_DEFAULTS,
      ...options.env,
      ...Object.fromEntries(Object.entries(f.env).map(([k, b]) => [k, bound(b)])),
      RAMP_RATE_LIMIT: plan.rampRateLimit,
    }) as { LOG_LEVEL: string };
    const built = LOCAL_HANDLERS[name](
      {
        env: env as never,
        aws,
        obs: observability(f.functionName, env.LOG_LEVEL, sink.metricsFor(f.functionName, env.LOG_LEVEL)),
      },
      options.wrapErp ? { wrapErp: options.wrapErp } : {},
    );
    handlers[name] = async (event, context) => {
      try {
        return await built(event, context);
      } catch (err) {
        options.onHandlerError?.(f.functionName, err);
        throw err;
      }
    };
  }

  const mappings = {} as Record<QueueName, EventSourceMapping>;
  const schedules = new Map<string, FunctionName>();
  const routes: Array<{ routeKey: string; handler: LambdaHandler<APIGatewayProxyEventV2, unknown> }> = [];
  let routeFn: { functionName: string; memoryMb: number; timeoutMs: number } | undefined;
  for (const f of Object.values(plan.functions)) {
    for (const t of f.triggers) {
      const fn = { functionName: f.functionName, memoryMb: f.memoryMb };
      if (t.kind === "queue") {
        mappings[t.queue] = eventSourceMapping({
          client: sqs.client(),
          queueUrl: queues[t.queue].url,
          handler: handlers[f.name],
          batchSize: t.batchSize,
          ...(t.maxBatchingWindowMs !== undefined ? { maxBatchingWindowMs: t.maxBatchingWindowMs } : {}),
          // Each poller runs one invocation at a time: a declared maximum concurrency is exactly the pollers.
          concurrency: t.maximumConcurrency ?? options.concurrency ?? 4,
          functionTimeoutMs: f.timeoutMs,
          reportBatchItemFailures: true,
          function: fn,
        });
      } else if (t.kind === "schedule") {
        schedules.set(t.rule, f.name);
      } else {
        // Every route of the manifest on one loopback API, as API Gateway serves them (one function).
        if (routeFn && routeFn.functionName !== f.functionName)
          throw new Error("the local stack serves HTTP routes of one function");
        routeFn = { ...fn, timeoutMs: f.timeoutMs };
        routes.push({
          routeKey: t.routeKey,
          handler: handlers[f.name] as LambdaHandler<APIGatewayProxyEventV2, unknown>,
        });
      }
    }
  }
  if (!routeFn) throw new Error("the manifest declares no webhook route");
  const api: LocalHttpApi = await httpRoutesToApiGateway(routes, { function: routeFn });
  try {
    await Promise.all(Object.values(mappings).map((m) => m.start()));
  } catch (err) {
    // A mapping refused (e.g. a function outliving its queue's visibility): leave nothing running.
    await Promise.all(Object.values(mappings).map((m) => m.stop()));
    await api.stop();
    await sqs.stop();
    await secrets.stop();
    aws.destroy();
    throw err;
  }

  const fire = (rule: string, at = new Date()) => {
    const name = schedules.get(rule);
    if (!name) throw new Error(`no schedule ${rule} in the manifest`);
    const f = plan.functions[name];
    return invokeScheduled(handlers[name] as LambdaHandler<ScheduledEvent, unknown>, {
      rule,
      time: at,
      function: { functionName: f.functionName, timeoutMs: f.timeoutMs, memoryMb: f.memoryMb },
    });
  };
  const depths = async () => {
    const out: Record<string, QueueDepth> = {};
    for (const q of Object.values(queues)) {
      out[q.name] = await sqs.depth(q.url);
      if (q.dlq) out[q.dlq.name] = await sqs.depth(q.dlq.url);
    }
    return out;
  };
  // Poll jobs make work; Sync Button work before polled work (as its own queue does on AWS).
  // A delayed button job is a Sync Button's deadline timer, not work: a drain does not wait for it
  // (tests that need the deadline wait for it themselves, e.g. with waitForDeadlines()).
  // Receipts last: they follow the objects' posting (lib/receipts).
  const drainOrder: QueueName[] = ["coaRequests", "pollJobs", "buttonJobs", "priority", "work", "receipts"];
  const timers: ReadonlySet<QueueName> = new Set(["buttonJobs"]);
  const pendingIn = (q: QueueName, d: Record<string, QueueDepth>) => {
    const depth = d[queues[q].name];
    if (!depth) return 0;
    return timers.has(q) ? depth.total - depth.delayed : depth.total;
  };

  return {
    region,
    tableName,
    plan,
    store,
    sqs,
    secrets,
    queues,
    webhookUrl: api.url,
    metrics: sink,
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
        handlers.coaPush,
        { tenantId },
        { functionName: plan.functions.coaPush.functionName, timeoutMs: plan.functions.coaPush.timeoutMs },
      ) as ReturnType<LocalStack["coaPush"]>,
    fire,
    pollSchedule: (at) => fire("PollTick", at) as Promise<{ dispatched: string[] }>,
    sweep: () => fire("ReportSweep") as ReturnType<LocalStack["sweep"]>,
    async drain(o = {}) {
      const opts = { idleMs: o.idleMs ?? 300, timeoutMs: o.timeoutMs ?? 600_000 };
      let rounds = 0;
      for (;;) {
        rounds++;
        for (const q of drainOrder) await mappings[q].drain({ ...opts, ignoreDelayed: timers.has(q) });
        const d = await depths();
        if (!drainOrder.some((q) => pendingIn(q, d) > 0)) break;
      }
      return {
        pollJobs: { ...mappings.pollJobs.stats },
        buttonJobs: { ...mappings.buttonJobs.stats },
        work: { ...mappings.work.stats },
        priority: { ...mappings.priority.stats },
        coaRequests: { ...mappings.coaRequests.stats },
        receipts: { ...mappings.receipts.stats },
        rounds,
      };
    },
    depths,
    awsCalls: () => ({ ...awsCalls.counts }),
    resetAwsCalls: () => {
      awsCalls.counts = {};
    },
    opsTarget: () => ({
      name: "local",
      region,
      tableName,
      endpoints: { dynamodb: options.dynamoEndpoint, sqs: sqs.endpoint, secretsManager: secrets.endpoint },
      // Spelled out: the SDK marks the credentials objects it is given (`$source`).
      credentials: { accessKeyId: LOCAL_KEYS.accessKeyId, secretAccessKey: LOCAL_KEYS.secretAccessKey },
      queues: Object.fromEntries(
        keysOf(queues).map((n) => [
          n,
          { url: queues[n].url, ...(queues[n].dlq ? { dlqUrl: queues[n].dlq?.url } : {}) },
        ]),
      ),
      ...(options.env?.JOURNAL_ROOT ? { journalRoot: options.env.JOURNAL_ROOT } : {}),
    }),
    async stop() {
      await Promise.all(Object.values(mappings).map((m) => m.stop()));
      await api.stop();
      await sqs.stop();
      await secrets.stop();
      aws.destroy();
    },
  };
}
