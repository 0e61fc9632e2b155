/**
 * The health tick's environment (functions/poller/health.ts): the table, and
 * the two allowances its signals are measured against (lib/health/signals.ts).
 */
import * as z from "zod";
import { BaseEnvSchema, StoreEnvSchema } from "./env.js";

export const HealthEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  /**
   * How long after a finished poll walk its backlog still counts as it was seen.
   * A healthy syncer drains a walk's backlog in minutes (10,000 objects in about
   * a minute here, README "Performance"); after this, only what the ledger still
   * holds open of it counts.
   */
  HEALTH_DRAIN_ALLOWANCE_MINUTES: z.coerce.number().int().min(15).max(180).default(60),
  /** A tenant's polls are overdue after 2 × its interval + this (tick spacing, jitter, a slow walk). */
  HEALTH_POLL_SLACK_MINUTES: z.coerce.number().int().min(0).max(240).default(30),
  /** Tenants measured at once (one DynamoDB Query each). */
  HEALTH_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(10),
});
export type HealthEnv = z.infer<typeof HealthEnvSchema>;
