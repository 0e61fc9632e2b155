/**
 * When rows of one tenant × kind were last MARKED synced by a report of ours
 * (`PK=TENANT#<t> SK=SYNCED#<kind>`), for operators (`ops status`: "last
 * successful sync"). MARKED rows leave GSI1, so this cannot be read off the
 * ledger without scanning it; the close of a report (report-intents.ts
 * closeIntent) writes it once per report and kind, never per row, and the
 * write only ever moves the time forward.
 */
import * as z from "zod";
import { KINDS, type Kind } from "../domain/kinds.js";
import { updateIf } from "./conditional-write.js";
import { LAST_SYNCED_SK_PREFIX, lastSyncedSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { queryPrefix } from "./query-prefix.js";

const LastSyncedSchema = z.object({
  kind: z.enum(KINDS),
  /** Epoch ms of the close that marked them. */
  at: z.number().int(),
  /** The report that did, and how many rows it marked. */
  reportId: z.string(),
  marked: z.number().int().nonnegative(),
});
export type LastSynced = z.infer<typeof LastSyncedSchema>;

export type LastSyncedRecords = ReturnType<typeof createLastSynced>;

export function createLastSynced(deps: StoreDeps) {
  const { doc, tableName } = deps;
  return {
    /** Records one report's marks; an older time than the one stored changes nothing. */
    async record(tenantId: string, value: LastSynced): Promise<void> {
      const v = LastSyncedSchema.parse(value);
      await updateIf(doc, {
        TableName: tableName,
        Key: { PK: tenantPk(tenantId), SK: lastSyncedSk(v.kind) },
        UpdateExpression:
          "SET #type = :type, tenantId = :tenantId, kind = :kind, #at = :at, reportId = :reportId, marked = :marked",
        ConditionExpression: "attribute_not_exists(#at) OR #at < :at",
        ExpressionAttributeNames: { "#type": "type", "#at": "at" },
        ExpressionAttributeValues: {
          ":type": "last-synced",
          ":tenantId": tenantId,
          ":kind": v.kind,
          ":at": v.at,
          ":reportId": v.reportId,
          ":marked": v.marked,
        },
      });
    },

    /** Every kind of the tenant that has been marked at least once. */
    async list(tenantId: string): Promise<Map<Kind, LastSynced>> {
      const out = new Map<Kind, LastSynced>();
      for await (const row of queryPrefix(deps, tenantPk(tenantId), LAST_SYNCED_SK_PREFIX)) {
        const v = LastSyncedSchema.parse(row);
        out.set(v.kind, v);
      }
      return out;
    },
  };
}
