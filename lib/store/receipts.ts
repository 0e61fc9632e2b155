/**
 * Receipt rows (lib/receipts/ports.ts ReceiptRow): one item per receipt of an
 * object, `RECEIPT#<kind>#<rampId>#<receiptId>`, so an object's receipts are one
 * prefix Query and a receipt's state survives every redelivery. Rows not attached
 * are also in GSI1 (`RECEIPTS#<t>#UNATTACHED`, newest first by sort key) so `ops
 * status`, `reconcile` and the scope recovery find them without reading the others.
 * Per tenant: running totals (attached, bytes) for `ops status`, the poll cursor and
 * the "receipts:read missing" flag (written once: its first write is what alarms).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ReceiptKind } from "../receipts/message.js";
import type { ReceiptCursor, ReceiptRow, ReceiptStorePort } from "../receipts/ports.js";
import { mapLimit } from "../sync/limit.js";
import { isConditionalCheckFailed } from "./conditional.js";
import {
  RECEIPT_CURSOR_SK,
  RECEIPT_SCOPE_SK,
  RECEIPT_STATS_SK,
  receiptSk,
  receiptsOfPrefix,
  tenantPk,
  unattachedReceiptsGsi1Pk,
} from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { queryPrefix } from "./query-prefix.js";

const ROW_FIELDS = [
  "tenantId",
  "kind",
  "rampId",
  "receiptId",
  "state",
  "erpRef",
  "attempts",
  "reason",
  "detail",
  "attachmentId",
  "bytes",
  "contentType",
  "createdAt",
  "updatedAt",
] as const;

function toRow(item: Record<string, unknown>): ReceiptRow {
  const row: Record<string, unknown> = {};
  for (const f of ROW_FIELDS) if (item[f] !== undefined) row[f] = item[f];
  return row as unknown as ReceiptRow;
}

export interface ReceiptStats {
  attached: number;
  bytes: number;
}

export function createReceipts(deps: StoreDeps): ReceiptStorePort & {
  stats(tenantId: string): Promise<ReceiptStats>;
} {
  const { doc, tableName } = deps;
  const pk = tenantPk;

  return {
    async rowsOf(tenantId, objects) {
      const seen = new Set<string>();
      const unique = objects.filter((o) => {
        const k = `${o.kind}#${o.rampId}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const per = await mapLimit(unique, 16, async (o) => {
        const rows: ReceiptRow[] = [];
        for await (const item of queryPrefix(deps, pk(tenantId), receiptsOfPrefix(o.kind, o.rampId)))
          rows.push(toRow(item));
        return rows;
      });
      return per.flat();
    },

    async put(rows) {
      const byTenant = new Map<string, { attached: number; bytes: number }>();
      await mapLimit(rows, 16, async (r) => {
        const unattached = r.state !== "attached";
        const item: Record<string, unknown> = {
          PK: pk(r.tenantId),
          SK: receiptSk(r.kind, r.rampId, r.receiptId),
          type: "receipt",
          ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
          ...(unattached
            ? {
                GSI1PK: unattachedReceiptsGsi1Pk(r.tenantId),
                GSI1SK: `${String(r.updatedAt).padStart(15, "0")}#${r.kind}#${r.rampId}#${r.receiptId}`,
              }
            : {}),
        };
        // An attached row stays attached: a late writer (a redelivery that lost the race) never
        // turns it back into a failure.
        try {
          await doc.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: "attribute_not_exists(#s) OR #s <> :attached",
              ExpressionAttributeNames: { "#s": "state" },
              ExpressionAttributeValues: { ":attached": "attached" },
            }),
          );
        } catch (err) {
          if (isConditionalCheckFailed(err)) return;
          throw err;
        }
        if (!unattached) {
          const t = byTenant.get(r.tenantId) ?? { attached: 0, bytes: 0 };
          t.attached++;
          t.bytes += r.bytes ?? 0;
          byTenant.set(r.tenantId, t);
        }
      });
      for (const [tenantId, t] of byTenant)
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { PK: pk(tenantId), SK: RECEIPT_STATS_SK },
            UpdateExpression: "ADD attached :a, bytes :b",
            ExpressionAttributeValues: { ":a": t.attached, ":b": t.bytes },
          }),
        );
    },

    async listUnattached(tenantId, limit) {
      const out: ReceiptRow[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: "GSI1",
            KeyConditionExpression: "GSI1PK = :pk",
            ExpressionAttributeValues: { ":pk": unattachedReceiptsGsi1Pk(tenantId) },
            ScanIndexForward: false,
            Limit: Math.min(limit - out.length, 500),
            ...(cursor ? { ExclusiveStartKey: cursor } : {}),
          }),
        );
        out.push(...(res.Items ?? []).map(toRow));
        cursor = res.LastEvaluatedKey;
      } while (cursor && out.length < limit);
      return out;
    },

    async recordScopeMissing(tenantId, at) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { PK: pk(tenantId), SK: RECEIPT_SCOPE_SK, type: "receipt-scope", since: at },
            // Once per episode: cleared (REMOVE since) when the scope is back, recorded again if lost again.
            ConditionExpression: "attribute_not_exists(since)",
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async clearScopeMissing(tenantId) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { PK: pk(tenantId), SK: RECEIPT_SCOPE_SK },
          UpdateExpression: "REMOVE since",
        }),
      );
    },

    async scopeMissingSince(tenantId) {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: { PK: pk(tenantId), SK: RECEIPT_SCOPE_SK } }),
      );
      const since = res.Item?.since;
      return typeof since === "number" ? since : null;
    },

    async getCursor(tenantId): Promise<ReceiptCursor> {
      const res = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { PK: pk(tenantId), SK: RECEIPT_CURSOR_SK },
          ConsistentRead: true,
        }),
      );
      return {
        createdAfter: (res.Item?.createdAfter as string | undefined) ?? null,
        reimbursementsReadAt: (res.Item?.reimbursementsReadAt as number | undefined) ?? null,
      };
    },

    async putCursor(tenantId, c) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            PK: pk(tenantId),
            SK: RECEIPT_CURSOR_SK,
            type: "receipt-cursor",
            ...(c.createdAfter ? { createdAfter: c.createdAfter } : {}),
            ...(c.reimbursementsReadAt !== null ? { reimbursementsReadAt: c.reimbursementsReadAt } : {}),
          },
        }),
      );
    },

    async stats(tenantId) {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: { PK: pk(tenantId), SK: RECEIPT_STATS_SK } }),
      );
      return { attached: Number(res.Item?.attached ?? 0), bytes: Number(res.Item?.bytes ?? 0) };
    },
  };
}

export type Receipts = ReturnType<typeof createReceipts>;
export type { ReceiptKind };
