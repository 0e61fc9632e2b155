/**
 * The report lock: one lease item per tenant × sync type × sync_request_id, so
 * exactly one worker at a time gathers rows, writes intents and calls Ramp for
 * that key (ARCHITECTURE.md step 4). Same lease semantics as the ledger: live
 * while `now < leaseUntil`; an expired lock is taken over by the next acquirer.
 */
import { systemClock } from "../domain/time.js";
import { deleteIf, putIf, updateIf } from "./conditional-write.js";
import { reportLockSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { ttlSeconds } from "./ttl.js";

export interface ReportLockKey {
  tenantId: string;
  syncType: string;
  syncRequestId: string | null;
}

export type LockResult = { held: true; leaseUntil: number } | { held: false };

/** A forgotten lock item disappears a day after its lease ended (DynamoDB TTL). */
const LOCK_TTL_MARGIN_MS = 24 * 3600_000;

export type ReportLock = ReturnType<typeof createReportLock>;

export function createReportLock(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;
  const keyOf = (k: ReportLockKey) => ({
    PK: tenantPk(k.tenantId),
    SK: reportLockSk(k.syncType, k.syncRequestId),
  });

  return {
    /** Free, expired, or already ours → ours until now + leaseMs. */
    async acquire(k: ReportLockKey, owner: string, leaseMs: number): Promise<LockResult> {
      const now = clock();
      const leaseUntil = now + leaseMs;
      const put = await putIf(doc, {
        TableName: tableName,
        Item: {
          ...keyOf(k),
          type: "report-lock",
          owner,
          leaseUntil,
          ttl: ttlSeconds(leaseUntil + LOCK_TTL_MARGIN_MS),
        },
        ConditionExpression: "attribute_not_exists(PK) OR leaseUntil <= :now OR #owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":now": now, ":owner": owner },
      });
      return put.ok ? { held: true, leaseUntil } : { held: false };
    },

    /** Extends a lock we still own (nobody took it over, even if our lease lapsed). */
    async renew(k: ReportLockKey, owner: string, leaseMs: number): Promise<LockResult> {
      const leaseUntil = clock() + leaseMs;
      const update = await updateIf(doc, {
        TableName: tableName,
        Key: keyOf(k),
        UpdateExpression: "SET leaseUntil = :until, #ttl = :ttl",
        ConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner", "#ttl": "ttl" },
        ExpressionAttributeValues: {
          ":owner": owner,
          ":until": leaseUntil,
          ":ttl": ttlSeconds(leaseUntil + LOCK_TTL_MARGIN_MS),
        },
      });
      return update.ok ? { held: true, leaseUntil } : { held: false };
    },

    /** Frees the lock if we own it; false when someone else holds it now. */
    async release(k: ReportLockKey, owner: string): Promise<boolean> {
      const deleted = await deleteIf(doc, {
        TableName: tableName,
        Key: keyOf(k),
        ConditionExpression: "attribute_not_exists(PK) OR #owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":owner": owner },
      });
      return deleted.ok;
    },
  };
}
