/**
 * The ledger rows a tenant's recent postings can be measured from (`ops button
 * enable`, lib/operate/button-readiness.ts): rows of one kind that reached the
 * ERP (POSTED, REPORTING or MARKED) and changed since a given time, with their
 * history. Read-only and bounded.
 *
 * MARKED rows leave GSI1 (ledger-item.ts), so this reads the tenant's partition
 * under `LEDGER#<kind>#` — ordered by Ramp id, not by time — and stops after
 * `maxRows` rows evaluated. For a tenant with fewer rows of the kind than that
 * it sees every one; for a larger one it sees a part of them spread over time
 * (Ramp ids are random), of which the caller keeps the newest postings. Only the
 * fields the measurement needs are read, eventually consistent (half the read
 * cost; a posting a second old changes nothing).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Kind } from "../domain/kinds.js";
import type { HistoryEntry } from "../sync/ports.js";
import { LEDGER_SK_PREFIX, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";

export interface PostedRow {
  rampId: string;
  state: string;
  updatedAt: number;
  history?: HistoryEntry[] | undefined;
}

export interface PostedRowsQuery {
  tenantId: string;
  kind: Kind;
  /** Only rows changed at or after this time (epoch ms). */
  since: number;
  /** Rows evaluated at most (before the state and time filter). */
  maxRows: number;
}

export interface PostedRowsRead {
  rows: PostedRow[];
  /** Rows of the kind evaluated. */
  scanned: number;
  /** True when `maxRows` stopped the read before the kind's last row. */
  truncated: boolean;
}

const PAGE = 500;

export async function readPostedRows(
  deps: Pick<StoreDeps, "doc" | "tableName">,
  q: PostedRowsQuery,
): Promise<PostedRowsRead> {
  const rows: PostedRow[] = [];
  let scanned = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const res = await deps.doc.send(
      new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
        FilterExpression: "#state IN (:posted, :reporting, :marked) AND updatedAt >= :since",
        ProjectionExpression: "rampId, #state, updatedAt, #history",
        ExpressionAttributeNames: { "#state": "state", "#history": "history" },
        ExpressionAttributeValues: {
          ":pk": tenantPk(q.tenantId),
          ":prefix": `${LEDGER_SK_PREFIX}${q.kind}#`,
          ":posted": "POSTED",
          ":reporting": "REPORTING",
          ":marked": "MARKED",
          ":since": q.since,
        },
        Limit: Math.min(PAGE, q.maxRows - scanned),
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    scanned += res.ScannedCount ?? 0;
    for (const item of res.Items ?? []) rows.push(item as PostedRow);
    cursor = res.LastEvaluatedKey;
  } while (cursor && scanned < q.maxRows);
  return { rows, scanned, truncated: cursor !== undefined };
}
