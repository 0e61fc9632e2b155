/**
 * Read-only GSI1 questions operators ask of the ledger (`ops status`): how many
 * rows of one kind sit in one bucket, and which of them changed longest ago.
 *
 * Both filter on `kind` rather than trusting the stream to name one kind: the
 * partition is per tenant × bucket × stream (ledger-item.ts), and a stream is a
 * sync type, which one day may carry more than one kind. The filter runs after
 * the key condition, so a page can come back empty with more to read: every
 * loop here goes on while DynamoDB returns a LastEvaluatedKey.
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { KINDS, type Kind } from "../domain/kinds.js";
import type { StoreDeps } from "./ledger.js";
import { type LedgerBucket, ledgerGsi1Pk, ledgerGsi1Prefix, streamOf } from "./ledger-item.js";
import { TABLE_KEYS } from "./table.js";

const OldestSchema = z.object({
  kind: z.enum(KINDS),
  rampId: z.string(),
  state: z.string(),
  updatedAt: z.number().int(),
  createdAt: z.number().int(),
});
/** The row of one bucket × kind whose last change is the oldest. */
export type OldestRow = z.infer<typeof OldestSchema>;

export type LedgerCounts = ReturnType<typeof createLedgerCounts>;

export function createLedgerCounts(deps: StoreDeps) {
  const { doc, tableName } = deps;
  const { gsi1 } = TABLE_KEYS;

  /** One GSI1 query of one bucket × kind, the sort key optionally limited to a prefix. */
  const query = (
    tenantId: string,
    bucket: LedgerBucket,
    kind: Kind,
    prefix: string | null,
    extra: Partial<QueryCommandInput>,
  ): QueryCommandInput => ({
    TableName: tableName,
    IndexName: gsi1.name,
    KeyConditionExpression: prefix === null ? "#pk = :pk" : "#pk = :pk AND begins_with(#sk, :prefix)",
    FilterExpression: "#kind = :kind",
    ExpressionAttributeNames: {
      "#pk": gsi1.partitionKey,
      ...(prefix === null ? {} : { "#sk": gsi1.sortKey }),
      "#kind": "kind",
      ...extra.ExpressionAttributeNames,
    },
    ExpressionAttributeValues: {
      ":pk": ledgerGsi1Pk(tenantId, bucket, streamOf(kind)),
      ...(prefix === null ? {} : { ":prefix": prefix }),
      ":kind": kind,
    },
    ...(extra.Select ? { Select: extra.Select } : {}),
    ...(extra.ProjectionExpression ? { ProjectionExpression: extra.ProjectionExpression } : {}),
    ...(extra.Limit ? { Limit: extra.Limit } : {}),
  });

  const projection = {
    ProjectionExpression: "#kind, rampId, #state, updatedAt, createdAt",
    ExpressionAttributeNames: { "#state": "state" },
  };

  /** Every matching row of the query, page after page (callers keep the pages small by prefix). */
  async function* rows(input: QueryCommandInput): AsyncGenerator<OldestRow> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const res = await doc.send(
        new QueryCommand({ ...input, ...(cursor ? { ExclusiveStartKey: cursor } : {}) }),
      );
      for (const item of res.Items ?? []) yield OldestSchema.parse(item);
      cursor = res.LastEvaluatedKey;
    } while (cursor);
  }

  return {
    /** Rows of `kind` in `bucket` (Select COUNT over every page). */
    async count(tenantId: string, bucket: LedgerBucket, kind: Kind): Promise<number> {
      let total = 0;
      let cursor: Record<string, unknown> | undefined;
      do {
        const res = await doc.send(
          new QueryCommand({
            ...query(tenantId, bucket, kind, null, { Select: "COUNT" }),
            ...(cursor ? { ExclusiveStartKey: cursor } : {}),
          }),
        );
        total += res.Count ?? 0;
        cursor = res.LastEvaluatedKey;
      } while (cursor);
      return total;
    },

    /**
     * The row of `kind` in `bucket` with the oldest `updatedAt`. The sort key is
     * `REQ#<request>#<time>…` for rows a Sync Button asked for, then
     * `NOREQ#<time>…` for the rest, so the first row of the index is not the
     * oldest: the oldest is the first NOREQ row or the oldest of all REQ rows
     * (button requests are few and short-lived, so reading them all is cheap).
     */
    async oldest(tenantId: string, bucket: LedgerBucket, kind: Kind): Promise<OldestRow | undefined> {
      let best: OldestRow | undefined;
      for await (const row of rows(query(tenantId, bucket, kind, "REQ#", projection)))
        if (!best || row.updatedAt < best.updatedAt) best = row;
      // NOREQ rows are in time order: the first one that matches the kind is their oldest.
      for await (const row of rows(query(tenantId, bucket, kind, ledgerGsi1Prefix(null), projection))) {
        if (!best || row.updatedAt < best.updatedAt) best = row;
        break;
      }
      return best;
    },
  };
}
