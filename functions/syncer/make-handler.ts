/**
 * Syncer Lambda (SQS work and priority queues): thin. The whole batch goes
 * through lib/sync (so ERP writes can be batched and reports gathered), then
 * Powertools' batch processor turns each record's disposition into the
 * partial batch response: `retry` and `poison` records are failed (SQS
 * redelivers them after the visibility timeout; a poison message lands in the
 * DLQ after maxReceiveCount, with a log line naming it), the rest are acked.
 */
import type { SQSEvent } from "aws-lambda";
import { powertoolsHandler, RecordNotDone, sqsPartialBatch } from "../../lib/runtime/handler-stack.js";
import type { MessageResult } from "../../lib/sync/syncer.js";
import { type SyncerDeps, syncerFor } from "./deps.js";
import { syncMetricsOf } from "./observability.js";

export function makeHandler(deps: SyncerDeps) {
  const metrics = syncMetricsOf(deps.obs.metrics);
  return powertoolsHandler(deps.obs, async (event: SQSEvent, context) => {
    const syncer = syncerFor(deps, metrics, context.awsRequestId);
    const { results } = await syncer.processMessages(
      event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    );
    const byId = new Map<string, MessageResult>(results.map((r) => [r.messageId, r]));
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
