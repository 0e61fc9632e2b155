/**
 * A tenant's open work in one Query (GSI2, `GSI2PK = OPEN#<tenant>`): every
 * ledger row we still owe work on (ledger-item.ts openBucket) and the tenant's
 * poll run record, which sits in the same partition (poll-runs.ts). The index
 * projects only `kind`, `openSince`, `last` and `lastDone`, so an idle tenant
 * is one item (~0.5 read units) and 10,000 rows in flight about 1.5 MB (two
 * pages). This is the health tick's whole read per tenant (lib/health).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { KINDS, type Kind } from "../domain/kinds.js";
import { openWorkGsi2Pk, POLL_RUN_SK } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { type PollRunRecord, PollRunRecordSchema } from "./poll-runs.js";
import { TABLE_KEYS } from "./table.js";

const OpenRowSchema = z.object({
  kind: z.enum(KINDS),
  openSince: z.number().int(),
});

export interface OpenKind {
  open: number;
  /** The smallest `openSince` of the kind's open rows (epoch ms). */
  oldestOpenSince: number;
}

export interface OpenWork {
  byKind: Partial<Record<Kind, OpenKind>>;
  pollRun?: PollRunRecord;
}

export type OpenWorkReader = ReturnType<typeof createOpenWork>;

export function createOpenWork(deps: StoreDeps) {
  const { doc, tableName } = deps;
  const { gsi2 } = TABLE_KEYS;
  return {
    async read(tenantId: string): Promise<OpenWork> {
      const out: OpenWork = { byKind: {} };
      let cursor: Record<string, unknown> | undefined;
      do {
        const res = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: gsi2.name,
            KeyConditionExpression: "#pk = :pk",
            ExpressionAttributeNames: { "#pk": gsi2.partitionKey },
            ExpressionAttributeValues: { ":pk": openWorkGsi2Pk(tenantId) },
            ...(cursor ? { ExclusiveStartKey: cursor } : {}),
          }),
        );
        for (const item of res.Items ?? []) {
          if (item[gsi2.sortKey] === POLL_RUN_SK) {
            out.pollRun = PollRunRecordSchema.parse(item);
            continue;
          }
          const row = OpenRowSchema.parse(item);
          const k = out.byKind[row.kind];
          out.byKind[row.kind] = k
            ? { open: k.open + 1, oldestOpenSince: Math.min(k.oldestOpenSince, row.openSince) }
            : { open: 1, oldestOpenSince: row.openSince };
        }
        cursor = res.LastEvaluatedKey;
      } while (cursor);
      return out;
    },
  };
}
