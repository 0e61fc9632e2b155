/**
 * One SQS batch of the receipts queue → per tenant: every `attach` message's objects
 * in one run (so their transaction receipts' URLs come from few `GET /receipts` pages),
 * each late receipt's transaction, and at most one poll. Handler-free: the Lambda
 * (functions/syncer/make-receipts.ts) adapts it to SQS and Powertools.
 *
 * A message ends `ack` (done, or failed and recorded by rule), `retry` (a receipt failed
 * transiently with attempts left, or the tenant's run failed before recording: SQS
 * redelivers; the rows make the repeat a no-op for what was done), or `poison` (a body
 * that is not a receipts message: to the DLQ, alarmed).
 */
import type { RampLogger } from "../domain/logger.js";
import { classifyFailure } from "../sync/failure.js";
import type { SyncMetrics } from "../sync/metrics.js";
import { type AttachRun, attachReceipts } from "./attach.js";
import { attachLate, mergeRuns, NOTHING } from "./late.js";
import { parseReceiptsMessage, type ReceiptObject, type ReceiptsMessage } from "./message.js";
import { pollReceipts } from "./poll.js";
import type { ReceiptDeps } from "./ports.js";

export interface ReceiptWorkerDeps {
  /** The tenant's receipt deps (its Ramp client, ERP, rows); null = unknown or disabled tenant. */
  depsFor(tenantId: string): Promise<ReceiptDeps | null>;
  logger: RampLogger;
  metrics: SyncMetrics;
}

export type ReceiptDisposition = "ack" | "retry" | "poison";

export interface ReceiptMessageResult {
  messageId: string;
  disposition: ReceiptDisposition;
  error?: string;
}

async function runTenant(d: ReceiptDeps, messages: readonly ReceiptsMessage[]): Promise<AttachRun> {
  const objects = new Map<string, ReceiptObject>();
  const late = new Set<string>();
  let poll = false;
  for (const m of messages) {
    if (m.type === "attach") for (const o of m.objects) objects.set(`${o.kind}#${o.rampId}`, o);
    else if (m.type === "late") late.add(m.transactionId);
    else poll = true;
  }
  let run = objects.size ? await attachReceipts(d, [...objects.values()]) : NOTHING;
  for (const txn of late)
    if (!objects.has(`transaction#${txn}`)) run = mergeRuns(run, await attachLate(d, txn));
  if (poll) run = mergeRuns(run, await pollReceipts(d));
  return run;
}

export async function processReceiptMessages(
  w: ReceiptWorkerDeps,
  records: readonly { messageId: string; body: string }[],
): Promise<ReceiptMessageResult[]> {
  const results = new Map<string, ReceiptMessageResult>();
  const byTenant = new Map<string, { messageId: string; m: ReceiptsMessage }[]>();
  for (const r of records) {
    const m = parseReceiptsMessage(r.body);
    if (!m) {
      w.metrics.add("PoisonMessages", "Count", 1, { queue: "receipts" });
      results.set(r.messageId, {
        messageId: r.messageId,
        disposition: "poison",
        error: "not a receipts message",
      });
      continue;
    }
    byTenant.set(m.tenantId, [...(byTenant.get(m.tenantId) ?? []), { messageId: r.messageId, m }]);
  }
  for (const [tenantId, mine] of byTenant) {
    let disposition: ReceiptDisposition = "ack";
    let error: string | undefined;
    try {
      const d = await w.depsFor(tenantId);
      if (!d)
        w.logger.warn("receipts for an unknown or disabled tenant dropped", {
          tenantId,
          messages: mine.length,
        });
      else if (
        (
          await runTenant(
            d,
            mine.map((x) => x.m),
          )
        ).retry
      )
        disposition = "retry";
    } catch (err) {
      // Ramp or the ERP failed before the outcomes were recorded: all of it comes back; what was
      // attached is found by listAttachments and recorded, not attached again.
      disposition = "retry";
      error = classifyFailure(err).detail;
      w.logger.warn("receipts run failed; the messages come back", { tenantId, error });
    }
    for (const x of mine)
      results.set(x.messageId, { messageId: x.messageId, disposition, ...(error ? { error } : {}) });
  }
  return records.map((r) => results.get(r.messageId) as ReceiptMessageResult);
}
