/**
 * coa-push Lambda: thin. Parses the event (schedule → every enabled tenant,
 * staggered; SQS/direct `{ tenantId }` → that tenant) and calls lib/coa. SQS
 * messages that fail, or are cut off by the deadline, are batch item failures
 * so only they are retried.
 */
import type { Context, SQSEvent } from "aws-lambda";
import { pushEnabledTenants, pushTenant } from "../../lib/coa/run.js";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import type { CoaPushDeps } from "./deps.js";
import type { OnDemand } from "./events.js";
import { parseCoaPushEvent, parseCoaPushMessage } from "./events.js";

/** Leave this much of the Lambda's time to finish cleanly (the next run resumes the rest). */
const SAFETY_MS = 30_000;

export function makeHandler(deps: CoaPushDeps) {
  const { metrics, log } = deps.obs;

  async function pushOne(request: OnDemand, shouldStop: () => boolean) {
    const r = await pushTenant(deps.push, request.tenantId, {
      shouldStop,
      optionRemoval: request.optionRemoval,
    });
    metrics.addMetric("CoaPushWriteCalls", "Count", r.report.writeCalls);
    metrics.addMetric("CoaPushRefusedItems", "Count", r.report.failures.length);
    return r.report;
  }

  return powertoolsHandler(deps.obs, async (event: unknown, context: Context) => {
    const shouldStop = () => context.getRemainingTimeInMillis() < SAFETY_MS;
    const parsed = parseCoaPushEvent(event);
    switch (parsed.kind) {
      case "schedule": {
        const res = await pushEnabledTenants(deps.push, { windowMs: deps.scheduleWindowMs, shouldStop });
        metrics.addMetric("CoaPushTenants", "Count", res.pushed.length);
        metrics.addMetric("CoaPushTenantFailures", "Count", res.failed.length);
        log.info("scheduled coa push", { ...res });
        return { pushed: res.pushed.length, failed: res.failed.length, skipped: res.skipped.length };
      }
      case "on_demand": {
        const report = await pushOne(parsed.request, shouldStop);
        return {
          tenantId: parsed.request.tenantId,
          writeCalls: report.writeCalls,
          failures: report.failures,
        };
      }
      case "sqs":
        return sqsPartialBatch(
          event as SQSEvent,
          context,
          async (record) => {
            const m = parseCoaPushMessage(record);
            if (!m.request) {
              // A malformed message never becomes valid: log it and let it go.
              log.error("invalid coa-push message", { messageId: m.messageId, error: m.error });
              return;
            }
            try {
              const report = await pushOne(m.request, shouldStop);
              // Cut off by the deadline: retry the message so the push finishes.
              if (!report.complete) throw new RecordNotDone("push cut off by the deadline; retried");
            } catch (err) {
              log.error("coa push failed", {
                tenantId: m.request.tenantId,
                error: err instanceof Error ? err.message : String(err),
              });
              throw err;
            }
          },
          { failures: deps.failures, log },
        );
    }
  });
}
