/**
 * Settles-links (ARCHITECTURE posting rules, card-paid bills): card transaction
 * id → the bill whose payment settles it. The poller lists bills before
 * transactions and records a link per `payment.details.transaction_ids`; the
 * syncer then holds such a transaction (it is not expensed — the expense is in
 * the bill) until the bill's payment is POSTED, and reports it with the
 * payment's ERP id.
 */
import * as z from "zod";
import { systemClock } from "../domain/time.js";
import { batchGetAll } from "./batch-get.js";
import { createCoalescer } from "./coalesce.js";
import { putIf } from "./conditional-write.js";
import { settlesSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";

const LinkSchema = z.object({ transactionId: z.string(), billId: z.string(), createdAt: z.number().int() });
export type SettlesLink = z.infer<typeof LinkSchema>;

export type SettlesLinks = ReturnType<typeof createSettlesLinks>;

export function createSettlesLinks(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;
  const keyOf = (tenantId: string, transactionId: string) => ({
    PK: tenantPk(tenantId),
    SK: settlesSk(transactionId),
  });

  // The syncer asks for one transaction's link at a time, a wave of them at once: one BatchGetItem.
  const reads = createCoalescer<{ tenantId: string; transactionId: string }, SettlesLink | undefined>({
    max: 100,
    shareRepeats: true,
    keyOf: (k) => `${k.tenantId}#${k.transactionId}`,
    async runMany(keys) {
      const rows = await batchGetAll({
        doc,
        tableName,
        keys: keys.map((k) => keyOf(k.tenantId, k.transactionId)),
        what: "settles-links",
      });
      const found = new Map(
        rows.map((row) => [`${String(row.PK)}#${String(row.SK)}`, LinkSchema.parse(row)]),
      );
      return keys.map((k) => {
        const { PK, SK } = keyOf(k.tenantId, k.transactionId);
        return found.get(`${PK}#${SK}`);
      });
    },
  });

  return {
    /**
     * Links each transaction to `billId`. Idempotent; a transaction already
     * linked to a *different* bill is not overwritten and is returned as a
     * conflict (it would otherwise be settled twice).
     */
    async link(
      tenantId: string,
      billId: string,
      transactionIds: readonly string[],
    ): Promise<{ conflicts: SettlesLink[] }> {
      const conflicts: SettlesLink[] = [];
      for (const transactionId of new Set(transactionIds)) {
        const put = await putIf(
          doc,
          {
            TableName: tableName,
            Item: {
              ...keyOf(tenantId, transactionId),
              type: "settles",
              transactionId,
              billId,
              createdAt: clock(),
            },
            ConditionExpression: "attribute_not_exists(PK) OR billId = :bill",
            ExpressionAttributeValues: { ":bill": billId },
          },
          // The link that is in the way comes back with the refusal: no second read.
          { current: true },
        );
        if (!put.ok && put.current) conflicts.push(LinkSchema.parse(put.current));
      }
      return { conflicts };
    },

    /** Strongly consistent, batched with the reads made alongside it (coalesce.ts). */
    get(tenantId: string, transactionId: string): Promise<SettlesLink | undefined> {
      return reads.call({ tenantId, transactionId });
    },

    /** Links for many transactions at once (a page of listed transactions): transaction id → link. */
    async getMany(tenantId: string, transactionIds: readonly string[]): Promise<Map<string, SettlesLink>> {
      const rows = await batchGetAll({
        doc,
        tableName,
        keys: transactionIds.map((id) => keyOf(tenantId, id)),
        what: "settles-links",
      });
      return new Map(rows.map((row) => LinkSchema.parse(row)).map((link) => [link.transactionId, link]));
    },
  };
}
