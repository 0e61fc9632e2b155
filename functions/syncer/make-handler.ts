/**
 * Syncer Lambda (SQS work and priority queues): thin. The whole batch goes
 * through lib/sync (so ERP writes can be batched and reports gathered), then
 * Powertools' batch processor turns each record's disposition into the
 * partial batch response: `retry` and `poison` records are failed (SQS
 * redelivers them after the visibility timeout; a poison message lands in the
 * DLQ after maxReceiveCount, with a log line naming it), the rest are acked.
 * Records the syncer wants back sooner — a Sync Button row inside its window
 * (lib/sync/button-retry.ts), a poison body — get their visibility shortened first.
 */
import type { SQSEvent } from "aws-lambda";
import type { VisibilityChange } from "../../lib/aws/sqs.js";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import type { MessageResult } from "../../lib/sync/syncer.js";
import { type SyncerDeps, syncerFor } from "./deps.js";
import { syncMetricsOf } from "./observability.js";

export function makeHandler(deps: SyncerDeps) {
  const metrics = syncMetricsOf(deps.obs.metrics);
  return powertoolsHandler(deps.obs, async (event: SQSEvent, context) => {
    const syncer = syncerFor(deps, metrics, context.awsRequestId);
    const { results } = await syncer.processMessages(
      event.Records.map((r) => ({
        messageId: r.messageId,
        body: r.body,
        receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? 1) || 1,
      })),
    );
    const byId = new Map<string, MessageResult>(results.map((r) => [r.messageId, r]));
    await retrySoon(deps, event, byId);
    return sqsPartialBatch(
      event,
      context,
      async (record) => {
        const r = byId.get(record.messageId);
        if (!r) throw new RecordNotDone("record not processed");
        if (r.disposition === "poison") throw new RecordNotDone(`poison message: ${r.error ?? "invalid"}`);
        if (r.disposition === "retry") {
          const why = r.outcome?.status === "retry" ? r.outcome.reason : "transient failure";
          throw new RecordNotDone(`retry later: ${why}`);
        }
      },
      { failures: deps.failures, log: deps.obs.log },
    );
  });
}

/** Shortens the visibility of the records the syncer wants back soon; a failure only leaves them to their timeout. */
async function retrySoon(deps: SyncerDeps, event: SQSEvent, byId: ReadonlyMap<string, MessageResult>) {
  if (!deps.changeVisibility) return;
  const changes: VisibilityChange[] = [];
  for (const r of event.Records) {
    const res = byId.get(r.messageId);
    if (!res || res.disposition === "ack" || res.retryInS === undefined) continue;
    changes.push({ queueArn: r.eventSourceARN, receiptHandle: r.receiptHandle, seconds: res.retryInS });
  }
  if (!changes.length) return;
  const { failed } = await deps.changeVisibility(changes);
  if (failed)
    deps.obs.log.warn("could not shorten the visibility of some records; they wait out their timeout", {
      failed,
    });
}
