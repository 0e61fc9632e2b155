/**
 * The Lambda environment, parsed with zod once per cold start. Each handler
 * declares the subset it needs (below), so a missing variable fails that
 * handler at start-up with a message naming the variable — not later, deep in
 * a request, as `undefined`.
 */
import * as z from "zod";
import { BUTTON_WINDOW_MS } from "../domain/button-window.js";
import { RampRateLimitSchema } from "../ramp/rate-scope.js";
import { ConfigError } from "./errors.js";

const nonEmpty = z.string().trim().min(1, "must not be empty");

/** Emulators (DynamoDB Local, fauxqs…) are reached through the SDK's standard per-service endpoint variables. */
const LocalEndpointsEnv = z.object({
  AWS_ENDPOINT_URL: z.url().optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
});

export const BaseEnvSchema = z.object({
  ...LocalEndpointsEnv.shape,
  AWS_REGION: nonEmpty.default("us-east-1"),
  LOG_LEVEL: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "SILENT", "CRITICAL"]))
    .default("INFO"),
  POWERTOOLS_SERVICE_NAME: nonEmpty.default("ramp-erp-sync"),
  POWERTOOLS_METRICS_NAMESPACE: nonEmpty.default("RampErpSync"),
  /**
   * The deployment's Ramp rate-limit scope as JSON, e.g. `{"scope":"egress-pool","pool":"nat-a"}`:
   * set by both stacks from the manifest's `ramp.rateLimit` (infra/functions.ts); unset = per tenant app.
   */
  RAMP_RATE_LIMIT: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(RampRateLimitSchema)
    .optional(),
});

export const StoreEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
});

const queueUrl = z.url("must be a queue URL");

/**
 * The webhook only sends poll jobs (the poller turns them into work on the work or
 * priority queue, with its settles-link and ledger rules), so it needs no work queue.
 */
export const WebhookEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  /** Poll jobs (ready_to_sync) go here. */
  POLL_JOBS_QUEUE_URL: queueUrl,
  /** Sync Button jobs (sync_requested) go here: their own queue, so a click never waits behind polls. */
  BUTTON_JOBS_QUEUE_URL: queueUrl,
  /** Late receipts (transactions.receipt_added) go here (lib/receipts); absent = the poll picks them up. */
  RECEIPTS_QUEUE_URL: queueUrl.optional(),
  /**
   * Ramp's Sync Button window in ms (5 minutes, lib/domain/button-window.ts). Only tests change it,
   * together with the sandbox's syncRequestTimeoutMs, to run the failure cases in 30 s.
   */
  SYNC_BUTTON_WINDOW_MS: z.coerce.number().int().min(5_000).max(900_000).default(BUTTON_WINDOW_MS),
  /** ready_to_sync events within one window of this many seconds share one poll job (0 = one job each). */
  WEBHOOK_COALESCE_SECONDS: z.coerce.number().int().min(0).max(600).default(15),
  /** How long signing secrets read from Secrets Manager are reused. */
  WEBHOOK_SECRET_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});

export const PollerEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  WORK_QUEUE_URL: queueUrl,
});

/** Journal tenants' files live in `<JOURNAL_ROOT>/<tenantId>/` (lib/erp/journal-file.ts); unset = no journal tenants. */
const JournalEnv = { JOURNAL_ROOT: nonEmpty.optional() };

export const SyncerEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  ...JournalEnv,
  SUPPORT_CONTACT: nonEmpty.default("support@example.com"),
  /** The queues the syncer consumes (absent for the sweep): a Sync Button row's short retry changes its visibility there. */
  WORK_QUEUE_URL: queueUrl.optional(),
  PRIORITY_QUEUE_URL: queueUrl.optional(),
  /** Objects posted with receipts go here (lib/receipts); absent (the sweep) = none handed over. */
  RECEIPTS_QUEUE_URL: queueUrl.optional(),
  /** Ledger lease: longer than the ERP adapter's timeout plus a margin (ARCHITECTURE step 1). */
  LEASE_MS: z.coerce.number().int().min(1_000).default(120_000),
});

export const CoaPushEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  ...JournalEnv,
  /**
   * Where the daily fan-out sends one message per tenant (lib/coa/fleet.ts). Bound by the manifest
   * for the Lambda; absent for the ops CLI's in-process parts, which enqueue with the target's URL.
   */
  COA_REQUESTS_QUEUE_URL: queueUrl.optional(),
  /** The daily push spreads the tenants' starts over this many seconds (set by the manifest). */
  COA_PUSH_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .default(3600),
});

/** The receipts worker (functions/syncer/receipts.ts): the store, the journal root, its download cap. */
export const ReceiptsEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  ...JournalEnv,
  /** Largest receipt downloaded (bytes); the ERP adapter's own limit caps it further. */
  RECEIPT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(20 * 1024 * 1024),
});
export type ReceiptsEnv = z.infer<typeof ReceiptsEnvSchema>;

export type WebhookEnv = z.infer<typeof WebhookEnvSchema>;
export type PollerEnv = z.infer<typeof PollerEnvSchema>;
export type SyncerEnv = z.infer<typeof SyncerEnvSchema>;
export type CoaPushEnv = z.infer<typeof CoaPushEnvSchema>;

/** Thrown by loadEnv; `variables` names every missing or malformed variable. */
export class EnvError extends ConfigError {
  override readonly name: string = "EnvError";
  constructor(readonly problems: ReadonlyArray<{ variable: string; problem: string }>) {
    super(`invalid environment: ${problems.map((p) => `${p.variable} ${p.problem}`).join("; ")}`);
  }
  get variables(): string[] {
    return this.problems.map((p) => p.variable);
  }
}

/**
 * Parses `env` against `schema`. Values are never echoed in the message: an
 * environment can hold secrets by mistake, and this error goes to the logs.
 */
export function loadEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "(environment)");
    const missing = issue.code === "invalid_type" && env[variable] === undefined;
    return { variable, problem: missing ? "is missing" : `is malformed (${issue.message})` };
  });
  throw new EnvError(problems);
}

/** A memoised accessor: the first call parses process.env (cold start), later calls return the same object. */
export function envOnce<S extends z.ZodType>(
  schema: S,
  env: () => Record<string, string | undefined> = () => process.env,
): () => z.infer<S> {
  let cached: { value: z.infer<S> } | undefined;
  return () => {
    if (!cached) cached = { value: loadEnv(schema, env()) };
    return cached.value;
  };
}
