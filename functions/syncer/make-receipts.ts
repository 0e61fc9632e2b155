/**
 * Receipts Lambda (SQS receipts queue): the whole batch goes through lib/receipts
 * (one run per tenant, so many receipts' URLs come from few Ramp pages), then
 * Powertools' batch processor turns each record's disposition into the partial
 * batch response: `retry` and `poison` records are failed (SQS redelivers; poison
 * reaches the DLQ after maxReceiveCount and alarms), the rest are acked.
 */
import type { SQSEvent } from "aws-lambda";
import { processReceiptMessages, type ReceiptMessageResult } from "../../lib/receipts/worker.js";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import { syncMetricsOf } from "./observability.js";
import type { ReceiptsHandlerDeps } from "./receipts-deps.js";

export function makeReceiptsHandler(deps: ReceiptsHandlerDeps) {
  const metrics = syncMetricsOf(deps.obs.metrics);
  return powertoolsHandler(deps.obs, async (event: SQSEvent, context) => {
    const results = await processReceiptMessages(
      deps.worker(metrics),
      event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    );
    const byId = new Map<string, ReceiptMessageResult>(results.map((r) => [r.messageId, r]));
    return sqsPartialBatch(
      event,
      context,
      async (record) => {
        const r = byId.get(record.messageId);
        if (!r) throw new RecordNotDone("record not processed");
        if (r.disposition === "poison") throw new RecordNotDone(`poison message: ${r.error ?? "invalid"}`);
        if (r.disposition === "retry")
          throw new RecordNotDone(`retry later: ${r.error ?? "a receipt failed transiently"}`);
      },
      { failures: deps.failures, log: deps.obs.log },
    );
  });
}
