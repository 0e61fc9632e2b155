/**
 * The webhook Lambda's environment. It needs only the poll-jobs queue (the
 * poller turns jobs into work on the work or priority queue), so it does not
 * extend WebhookEnvSchema (lib/config/env.ts), which requires the work and
 * priority queue URLs.
 */
import { z } from "zod";
import { BaseEnvSchema, StoreEnvSchema } from "../config/env.js";

export const WebhookRuntimeEnvSchema = BaseEnvSchema.extend({
  ...StoreEnvSchema.shape,
  /** Poll jobs (ready_to_sync) and Sync Button jobs (sync_requested) go here. */
  POLL_JOBS_QUEUE_URL: z.url("must be a queue URL"),
  /** ready_to_sync events within one window of this many seconds share one poll job (0 = one job each). */
  WEBHOOK_COALESCE_SECONDS: z.coerce.number().int().min(0).max(600).default(15),
  /** How long signing secrets read from Secrets Manager are reused. */
  WEBHOOK_SECRET_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});
export type WebhookRuntimeEnv = z.infer<typeof WebhookRuntimeEnvSchema>;
