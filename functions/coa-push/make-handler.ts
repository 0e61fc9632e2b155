/**
 * coa-push Lambda: thin. Parses the event and calls lib/coa:
 *
 * - the daily schedule fans out one staggered coa-request per enabled tenant
 *   (lib/coa/fleet.ts) and returns: the pushes run in this same function as the
 *   queue's consumer, at most the event source's maximum concurrency at once;
 * - an SQS record pushes its tenant — or, received before its due time, goes
 *   back with the rest of its delay (SQS holds a message 900 s at most). A push
 *   cut off by the deadline sends itself on as a new message due in a second
 *   (lib/coa/push.ts recomputes from Ramp's lists, so it resumes without
 *   uploading anything twice) — a new message, not a retry of this one, so a big
 *   chart that needs several runs never counts towards the queue's maxReceiveCount
 *   and the DLQ; a push cut off MAX_CONTINUATIONS times in a row is making no
 *   headway and fails like one that throws: a batch item failure left to the
 *   queue's visibility timeout, then the DLQ; both are counted and alarmed;
 * - a direct `{ tenantId }` invoke pushes that tenant at once.
 */
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { dueIn, fanOutCoaPushes } from "../../lib/coa/fleet.js";
import { COA_METRIC } from "../../lib/coa/metrics.js";
import { pushTenant } from "../../lib/coa/run.js";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import type { CoaPushDeps } from "./deps.js";
import type { OnDemand } from "./events.js";
import { parseCoaPushEvent, parseCoaPushMessage } from "./events.js";

/** Leave this much of the Lambda's time to finish cleanly (the next run resumes the rest). */
const SAFETY_MS = 30_000;
/** A cut-off push comes back this soon, not after the queue's 90-minute visibility timeout. */
const RESUME_AFTER_S = 1;
/**
 * Cut off this many times in a row: stop sending it on. Each run uploads what it reached, so a
 * chart of any size Ramp accepts finishes in far fewer 15-minute runs; more means a stuck push.
 */
export const MAX_CONTINUATIONS = 8;

export function makeHandler(deps: CoaPushDeps) {
  const { metrics, log } = deps.obs;
  const clock = deps.clock ?? Date.now;

  async function pushOne(request: OnDemand, shouldStop: () => boolean) {
    const r = await pushTenant(deps.push, request.tenantId, {
      shouldStop,
      optionRemoval: request.optionRemoval,
    });
    metrics.addMetric(COA_METRIC.writeCalls, "Count", r.report.writeCalls);
    metrics.addMetric(COA_METRIC.refusedItems, "Count", r.report.failures.length);
    return r.report;
  }

  async function resumeSoon(record: SQSRecord) {
    const res = await deps.changeVisibility?.([
      { queueArn: record.eventSourceARN, receiptHandle: record.receiptHandle, seconds: RESUME_AFTER_S },
    ]);
    if (!res || res.failed)
      log.warn("cut-off coa push waits out the queue's visibility timeout", { messageId: record.messageId });
  }

  return powertoolsHandler(deps.obs, async (event: unknown, context: Context) => {
    const shouldStop = () => context.getRemainingTimeInMillis() < SAFETY_MS;
    const parsed = parseCoaPushEvent(event);
    switch (parsed.kind) {
      case "schedule": {
        if (!deps.requests) throw new Error("coa-push: no coa-request queue to fan out to");
        const res = await fanOutCoaPushes(
          { tenants: deps.push.tenants, queue: deps.requests, clock, random: deps.random, log },
          { windowMs: deps.scheduleWindowMs, reason: "schedule" },
        );
        metrics.addMetric(COA_METRIC.enqueued, "Count", res.enqueued);
        metrics.addMetric(COA_METRIC.tenantFailures, "Count", res.invalid.length);
        log.info("scheduled coa push fanned out", { enqueued: res.enqueued, invalid: res.invalid });
        return { enqueued: res.enqueued, invalid: res.invalid.length };
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
            const request = m.request;
            const due = dueIn(request, clock());
            if (!due.due) {
              // Not its turn yet (a window longer than SQS's 900 s delay): back with the rest of it.
              if (!deps.requests) throw new RecordNotDone("not due yet and no queue to defer to");
              await deps.requests.send([{ request, delaySeconds: due.delaySeconds }]);
              metrics.addMetric(COA_METRIC.deferred, "Count", 1);
              return;
            }
            let complete: boolean;
            try {
              complete = (await pushOne(request, shouldStop)).complete;
            } catch (err) {
              metrics.addMetric(COA_METRIC.tenantFailures, "Count", 1);
              log.error("coa push failed", {
                tenantId: request.tenantId,
                reason: request.reason,
                error: err instanceof Error ? err.message : String(err),
              });
              throw err;
            }
            if (!complete) {
              metrics.addMetric(COA_METRIC.cutOff, "Count", 1);
              const continuation = (request.continuation ?? 0) + 1;
              if (continuation > MAX_CONTINUATIONS) {
                metrics.addMetric(COA_METRIC.tenantFailures, "Count", 1);
                log.error("coa push failed", {
                  tenantId: request.tenantId,
                  reason: request.reason,
                  continuation,
                });
                throw new Error(
                  `coa push of ${request.tenantId} cut off by the deadline ${MAX_CONTINUATIONS} times in a row`,
                );
              }
              if (deps.requests) {
                const { notBefore: _due, ...rest } = request;
                await deps.requests.send([
                  { request: { ...rest, continuation }, delaySeconds: RESUME_AFTER_S },
                ]);
                return;
              }
              await resumeSoon(record);
              throw new RecordNotDone("push cut off by the deadline; resumed from Ramp's lists");
            }
            metrics.addMetric(COA_METRIC.pushed, "Count", 1);
          },
          { failures: deps.failures, log },
        );
    }
  });
}
