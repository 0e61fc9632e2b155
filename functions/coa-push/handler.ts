/**
 * coa-push Lambda: thin. Parses the event (schedule → every enabled tenant,
 * staggered; SQS/direct `{ tenantId }` → that tenant), builds dependencies from
 * the environment once per cold start, and calls lib/coa. SQS messages that fail
 * are returned as batch item failures so only they are retried.
 */
import type { Context } from "aws-lambda";
import { pushEnabledTenants, pushTenant, type TenantPushDeps } from "../../lib/coa/run.js";
import { CoaPushEnvSchema, envOnce } from "../../lib/config/env.js";
import type { RampLogger } from "../../lib/ramp/ports.js";
import { createLogger, createMetrics, rampLoggerOf } from "../../lib/runtime/observability.js";
import { buildCoaDeps } from "./deps.js";
import { parseCoaPushEvent } from "./events.js";

const powertools = createLogger("coa-push");
const logger: RampLogger = rampLoggerOf(powertools);
const metrics = createMetrics("coa-push");
const env = envOnce(CoaPushEnvSchema);
let deps: TenantPushDeps | undefined;

/** Leave this much of the Lambda's time to finish cleanly (the next run resumes the rest). */
const SAFETY_MS = 30_000;
/** The daily schedule spreads tenant starts over this window (within one invocation). */
let scheduleWindowMs = 5 * 60_000;

/** Tests (and the local runtime) hand in their own dependencies and a shorter stagger window. */
export function configureCoaPush(d: TenantPushDeps | undefined, opts: { windowMs?: number } = {}): void {
  deps = d;
  if (opts.windowMs !== undefined) scheduleWindowMs = opts.windowMs;
}

export async function handler(event: unknown, context: Pick<Context, "getRemainingTimeInMillis">) {
  deps ??= buildCoaDeps(env(), logger);
  const shouldStop = () => context.getRemainingTimeInMillis() < SAFETY_MS;
  const parsed = parseCoaPushEvent(event);
  try {
    switch (parsed.kind) {
      case "schedule": {
        const res = await pushEnabledTenants(deps, { windowMs: scheduleWindowMs, shouldStop });
        metrics.addMetric("CoaPushTenants", "Count", res.pushed.length);
        metrics.addMetric("CoaPushTenantFailures", "Count", res.failed.length);
        logger.info("scheduled coa push", { ...res });
        return { pushed: res.pushed.length, failed: res.failed.length, skipped: res.skipped.length };
      }
      case "on_demand": {
        const r = await pushTenant(deps, parsed.request.tenantId, {
          shouldStop,
          optionRemoval: parsed.request.optionRemoval,
        });
        metrics.addMetric("CoaPushWriteCalls", "Count", r.report.writeCalls);
        metrics.addMetric("CoaPushRefusedItems", "Count", r.report.failures.length);
        return {
          tenantId: parsed.request.tenantId,
          writeCalls: r.report.writeCalls,
          failures: r.report.failures,
        };
      }
      case "sqs": {
        const batchItemFailures: Array<{ itemIdentifier: string }> = [];
        for (const m of parsed.messages) {
          if (!m.request) {
            // A malformed message never becomes valid: log it and let it go.
            logger.error("invalid coa-push message", { messageId: m.messageId, error: m.error });
            continue;
          }
          try {
            const r = await pushTenant(deps, m.request.tenantId, {
              shouldStop,
              optionRemoval: m.request.optionRemoval,
            });
            metrics.addMetric("CoaPushWriteCalls", "Count", r.report.writeCalls);
            metrics.addMetric("CoaPushRefusedItems", "Count", r.report.failures.length);
            // Cut off by the deadline: retry the message so the push finishes.
            if (!r.report.complete) batchItemFailures.push({ itemIdentifier: m.messageId });
          } catch (err) {
            logger.error("coa push failed", {
              tenantId: m.request.tenantId,
              error: err instanceof Error ? err.message : String(err),
            });
            batchItemFailures.push({ itemIdentifier: m.messageId });
          }
        }
        return { batchItemFailures };
      }
    }
  } finally {
    metrics.publishStoredMetrics();
  }
}
