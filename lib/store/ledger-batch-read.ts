/**
 * Reads the ledger rows of a whole page of listed objects with BatchGetItem
 * (100 keys per call) instead of one GetItem per object: a 100-object page
 * costs one DynamoDB round trip, not a hundred. Strongly consistent, like the
 * ledger's own reads, so a row the syncer just claimed is seen. An adapter
 * (AWS SDK), kept beside the poller until the store offers a batch read.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ledgerKeyOf } from "../poll/work.js";
import type { Kind } from "../sync/kinds.js";
import { ledgerSk, tenantPk } from "./keys.js";
import { fromLedgerRecord, type LedgerItem } from "./ledger-item.js";

export type LedgerBatchReader = (
  tenantId: string,
  keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
) => Promise<Map<string, LedgerItem>>;

/** Map keys are `<kind>#<rampId>` (lib/poll/work.ts ledgerKeyOf); absent rows are absent from the map. */
export function createLedgerBatchReader(deps: {
  doc: Pick<DynamoDBDocumentClient, "send">;
  tableName: string;
  sleep?: (ms: number) => Promise<void>;
}): LedgerBatchReader {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (tenantId, keys) => {
    const out = new Map<string, LedgerItem>();
    const unique = [...new Map(keys.map((k) => [ledgerKeyOf(k), k])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let pending: Record<string, unknown>[] = unique
        .slice(i, i + 100)
        .map((k) => ({ PK: tenantPk(tenantId), SK: ledgerSk(k.kind, k.rampId) }));
      for (let round = 0; pending.length; round++) {
        if (round > 10) throw new Error("ledger batch read: DynamoDB kept keys unprocessed");
        const res = await deps.doc.send(
          new BatchGetCommand({
            RequestItems: { [deps.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const row of res.Responses?.[deps.tableName] ?? []) {
          const item = fromLedgerRecord(row);
          out.set(ledgerKeyOf(item), item);
        }
        pending =
          (res.UnprocessedKeys?.[deps.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
        if (pending.length) await sleep(20 * 2 ** round);
      }
    }
    return out;
  };
}
