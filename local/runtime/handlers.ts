/**
 * Each function of the manifest, built the way its Lambda entry builds it
 * (functions/<name>/<entry>.ts: `makeHandler(xDeps(parts))`), from parts the
 * local stack provides instead of process.env.
 */

import { coaPushDeps } from "../../functions/coa-push/deps.js";
import { makeHandler as coaPush } from "../../functions/coa-push/make-handler.js";
import { pollerDeps } from "../../functions/poller/deps.js";
import { healthDeps } from "../../functions/poller/health-deps.js";
import { makeHandler as health } from "../../functions/poller/make-health.js";
import { makeButtonHandler as buttonJob, makeHandler as pollJob } from "../../functions/poller/make-job.js";
import { makeHandler as pollSchedule } from "../../functions/poller/make-schedule.js";
import { syncerDeps } from "../../functions/syncer/deps.js";
import { makeHandler as syncer } from "../../functions/syncer/make-handler.js";
import { makeReceiptsHandler as receipts } from "../../functions/syncer/make-receipts.js";
import { makeHandler as sweep } from "../../functions/syncer/make-sweep.js";
import { receiptsDeps } from "../../functions/syncer/receipts-deps.js";
import { webhookDeps } from "../../functions/webhook/deps.js";
import { makeHandler as webhook } from "../../functions/webhook/make-handler.js";
import type { FunctionName } from "../../infra/functions.js";
import type { ErpWrapper } from "../../lib/aws/tenant-runtime.js";
import type { CoaPushEnv, ReceiptsEnv, SyncerEnv, WebhookEnv } from "../../lib/config/env.js";
import type { HealthEnv } from "../../lib/config/health-env.js";
import type { PollerRuntimeEnv } from "../../lib/config/poller-env.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { LambdaHandler } from "./lambda-context.js";

export type AnyHandler = LambdaHandler<unknown, unknown>;

/** What a test may hand the local stack's handlers beyond their parts (stand-ins; nothing in production). */
export interface LocalHandlerExtras {
  /** The syncer's and the sweep's ERP adapters, wrapped (an outage, a slow ERP). */
  wrapErp?: ErpWrapper;
}

/** Parts carry the env each function's schema parsed (the manifest's envSchema). */
export const LOCAL_HANDLERS: Record<
  FunctionName,
  (parts: HandlerParts<never>, extras: LocalHandlerExtras) => AnyHandler
> = {
  webhook: (p) => webhook(webhookDeps(p as HandlerParts<WebhookEnv>)) as AnyHandler,
  pollSchedule: (p) => pollSchedule(pollerDeps(p as HandlerParts<PollerRuntimeEnv>)) as AnyHandler,
  pollJob: (p) => pollJob(pollerDeps(p as HandlerParts<PollerRuntimeEnv>)) as AnyHandler,
  buttonJob: (p) => buttonJob(pollerDeps(p as HandlerParts<PollerRuntimeEnv>)) as AnyHandler,
  syncer: (p, x) => syncer(syncerDeps(p as HandlerParts<SyncerEnv>, x)) as AnyHandler,
  sweep: (p, x) => sweep(syncerDeps(p as HandlerParts<SyncerEnv>, x)) as AnyHandler,
  coaPush: (p) => coaPush(coaPushDeps(p as HandlerParts<CoaPushEnv>)) as AnyHandler,
  health: (p) => health(healthDeps(p as HandlerParts<HealthEnv>)) as AnyHandler,
  receipts: (p, x) => receipts(receiptsDeps(p as HandlerParts<ReceiptsEnv>, x)) as AnyHandler,
};
