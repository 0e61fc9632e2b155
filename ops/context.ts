/**
 * What the ops commands run on, built only when a command needs it: `--help`
 * and `tenants validate` never touch AWS, the environment or a target file.
 * The target (ops/target.ts: the environment, `--local <file>` or `--stage`)
 * gives the table, queues and AWS access; everything else is built the way
 * the Lambdas build theirs (one store, tenant runtimes with the DynamoDB-shared
 * Ramp rate window, so a command run during a drain shares the tenant's budget).
 */
import { randomUUID } from "node:crypto";
import { tenantPushDeps } from "../functions/coa-push/deps.js";
import type { QueueName } from "../infra/functions.js";
import { type AwsClients, createAwsClients } from "../lib/aws/clients.js";
import { type ErpWrapper, type TenantRuntimes, tenantRuntimesOf } from "../lib/aws/tenant-runtime.js";
import type { TenantPushDeps } from "../lib/coa/run.js";
import { type CoaPushEnv, CoaPushEnvSchema, loadEnv } from "../lib/config/env.js";
import type { RampLogger } from "../lib/domain/logger.js";
import { createStore, type Store } from "../lib/store/index.js";
import type { Tenants } from "../lib/store/tenants.js";
import { type OpsTarget, OpsTargetError, resolveTarget, type TargetChoice } from "./target.js";
import { buildWebhookOpsDeps, type WebhookOpsDeps } from "./webhook-commands.js";

export interface OpsContext {
  target(): OpsTarget;
  aws(): AwsClients;
  store(): Store;
  /** Ramp clients, ERP adapters and whole runtimes per tenant, as the functions build them. */
  runtimes(): TenantRuntimes;
  tenants(): Pick<Tenants, "get" | "put" | "listEnabled">;
  coa(): TenantPushDeps;
  webhooks(): WebhookOpsDeps;
  /** A queue of the target by manifest name; refused with a hint when the target does not name it. */
  queue(name: QueueName): { url: string; dlqUrl?: string };
  /** Who acts, for audit records: the operator and this run. */
  actor(): string;
  logger: RampLogger;
  now(): number;
  close(): void;
}

/** Test seams; production passes none and gets everything built as the functions build it. */
export interface ContextOptions {
  /**
   * Wraps each tenant's ERP adapter the context opens (lib/aws/tenant-runtime.ts, as the local
   * stack's `wrapErp` does for the functions): a test stands an ERP in (e.g. a journal slowed in
   * its postings) while the store, the Ramp clients and everything else stay the real ones.
   */
  wrapErp?: ErpWrapper;
}

/** Builds a context for the target the global options chose. */
export type ContextFactory = (choice: TargetChoice) => OpsContext;

export function contextFor(
  choice: TargetChoice,
  logger: RampLogger,
  env: Record<string, string | undefined> = process.env,
): OpsContext {
  return contextOnTarget(() => resolveTarget(choice, env), logger, env);
}

export function contextOnTarget(
  targetOf: () => OpsTarget,
  logger: RampLogger,
  env: Record<string, string | undefined> = process.env,
  options: ContextOptions = {},
): OpsContext {
  const once = <T>(make: () => T): (() => T) => {
    let v: { value: T } | undefined;
    return () => {
      v ??= { value: make() };
      return v.value;
    };
  };
  const target = once(targetOf);
  let awsBuilt = false;
  const aws = once(() => {
    awsBuilt = true;
    const t = target();
    return createAwsClients({
      region: t.region,
      ...(t.endpoints ? { endpoints: t.endpoints } : {}),
      // A copy: the SDK marks the credentials object it is given.
      ...(t.credentials ? { credentials: { ...t.credentials } } : {}),
    });
  });
  const functionEnv = once(
    (): CoaPushEnv =>
      loadEnv(CoaPushEnvSchema, {
        AWS_REGION: target().region,
        TABLE_NAME: target().tableName,
        ...(target().journalRoot ? { JOURNAL_ROOT: target().journalRoot } : {}),
      }),
  );
  const store = once(() => createStore({ doc: aws().doc, tableName: target().tableName, logger }));
  const parts = () => ({ env: functionEnv(), aws: aws(), obs: { log: logger } });
  const runtimes = once(() =>
    tenantRuntimesOf(parts(), store().tenants, options.wrapErp ? { wrapErp: options.wrapErp } : {}),
  );
  const coa = once(() => tenantPushDeps(parts()));
  const webhooks = once(() => buildWebhookOpsDeps(functionEnv(), aws(), logger));
  const run = randomUUID().slice(0, 8);
  return {
    target,
    aws,
    store,
    runtimes,
    tenants: () => store().tenants,
    coa,
    webhooks,
    queue(name) {
      const q = target().queues[name];
      if (!q)
        throw new OpsTargetError(`the target "${target().name}" names no ${name} queue`, {
          hint: "set its URL in the target (queues.<name>.url) or the environment (e.g. WORK_QUEUE_URL)",
        });
      return q;
    },
    actor: () => `ops:${env.USER ?? env.LOGNAME ?? "operator"}:${run}`,
    logger,
    now: () => Date.now(),
    close() {
      if (awsBuilt) aws().destroy();
    },
  };
}
