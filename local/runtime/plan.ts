/**
 * The local deployment, planned from the deployment manifest (infra/functions.ts)
 * exactly as the CDK stack builds the AWS one, with one declared time scale
 * applied to every duration (function timeouts, queue visibility, batching
 * windows, schedule rates) and nothing else. The e2e suites need redelivery in
 * seconds, not in 30 minutes; everything else — batch sizes, receive counts,
 * DLQs, triggers, memory, which variables are bound to what — is the manifest's.
 * test/unit/manifest-parity.test.ts compares this plan with the synthesized template.
 */
import {
  type EnvBinding,
  type FunctionName,
  MANIFEST,
  type Manifest,
  type QueueName,
  rampRateLimitEnv,
} from "../../infra/functions.js";

/** Local durations are the deployed ones × this (one fifth: a 5-minute syncer times out after a minute). */
export const DEFAULT_TIME_SCALE = 0.2;

export interface LocalQueuePlan {
  name: QueueName;
  localName: string;
  /** SQS takes whole seconds: the scaled visibility, rounded up. */
  visibilityTimeoutS: number;
  maxReceiveCount: number;
}

export type LocalTriggerPlan =
  | {
      kind: "queue";
      queue: QueueName;
      batchSize: number;
      maxBatchingWindowMs?: number;
      /** The mapping's pollers: never more invocations at once (Lambda's MaximumConcurrency). */
      maximumConcurrency?: number;
    }
  | { kind: "schedule"; rule: string; rateMs?: number; cron?: { minute: string; hour: string } }
  | { kind: "http"; routeKey: string };

export interface LocalFunctionPlan {
  name: FunctionName;
  functionName: string;
  memoryMb: number;
  timeoutMs: number;
  env: Record<string, EnvBinding>;
  triggers: LocalTriggerPlan[];
}

export interface LocalPlan {
  timeScale: number;
  /** Every function's `RAMP_RATE_LIMIT`, as the CDK stack sets it (the manifest's `ramp.rateLimit`). */
  rampRateLimit: string;
  queues: Record<QueueName, LocalQueuePlan>;
  functions: Record<FunctionName, LocalFunctionPlan>;
}

const entries = <K extends string, V>(r: Record<K, V>) => Object.entries(r) as Array<[K, V]>;

/**
 * `minFunctionTimeoutMs`: the scale compresses waiting (visibility, schedules), but a live ERP's
 * work does not get faster — a suite against Tryton on a loaded machine keeps function timeouts
 * at least this long (never above the deployed one), or a slow batch is cut off mid-write and
 * its messages wait out the visibility timeout. Keep it under the scaled visibility of the
 * queues those functions read (AWS refuses a function timeout above its queue's visibility).
 */
export function planLocalDeployment(
  manifest: Manifest = MANIFEST,
  timeScale = DEFAULT_TIME_SCALE,
  minFunctionTimeoutMs = 0,
): LocalPlan {
  if (!(timeScale > 0 && timeScale <= 1)) throw new RangeError(`time scale must be in (0, 1]: ${timeScale}`);
  const ms = (s: number) => Math.round(s * 1000 * timeScale);
  const timeoutMs = (s: number) => Math.max(ms(s), Math.min(s * 1000, minFunctionTimeoutMs));
  const queues = {} as Record<QueueName, LocalQueuePlan>;
  for (const [name, q] of entries(manifest.queues)) {
    queues[name] = {
      name,
      localName: q.localName,
      visibilityTimeoutS: Math.ceil(q.visibilityTimeoutS * timeScale),
      maxReceiveCount: q.maxReceiveCount,
    };
  }
  const functions = {} as Record<FunctionName, LocalFunctionPlan>;
  for (const [name, f] of entries(manifest.functions)) {
    functions[name] = {
      name,
      functionName: f.name,
      memoryMb: f.memoryMb,
      timeoutMs: timeoutMs(f.timeoutS),
      env: f.env,
      triggers: f.triggers.map((t): LocalTriggerPlan => {
        if ("queue" in t)
          return {
            kind: "queue",
            queue: t.queue,
            batchSize: t.batchSize,
            ...(t.maxBatchingWindowS !== undefined ? { maxBatchingWindowMs: ms(t.maxBatchingWindowS) } : {}),
            ...(t.maximumConcurrency !== undefined ? { maximumConcurrency: t.maximumConcurrency } : {}),
          };
        if ("schedule" in t)
          return {
            kind: "schedule",
            rule: t.schedule,
            ...(t.rateS !== undefined ? { rateMs: ms(t.rateS) } : {}),
            ...(t.cron ? { cron: t.cron } : {}),
          };
        return { kind: "http", routeKey: `${t.http.method} ${t.http.path}` };
      }),
    };
  }
  return { timeScale, rampRateLimit: rampRateLimitEnv(manifest), queues, functions };
}
