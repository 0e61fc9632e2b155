/**
 * The report lock: one lease item per tenant × sync type × sync_request_id, so
 * exactly one worker at a time gathers rows, writes intents and calls Ramp for
 * that key (ARCHITECTURE.md step 4). Same lease semantics as the ledger: live
 * while `now < leaseUntil`; an expired lock is taken over by the next acquirer.
 *
 * The hand-off (issue #16 item 4, "no row left behind"): a worker that finds the
 * lock live and someone else's does not just give up, or the rows it recorded
 * during the holder's send would wait for the next sweep (a minute: too long for
 * a Sync Button's 5-minute window). It adds a mark to the lock item (`waiting`, a
 * count; `waitingForced` when the marker was forced) with an UpdateItem whose
 * condition is exactly the opposite of acquire's, so at any instant a worker can
 * either acquire or mark, never neither. The holder releases with a delete
 * conditioned on the count it has already honoured; a higher count fails the
 * delete, hands back the item (one round trip) and the holder flushes again. So a
 * mark that lands before the holder's release is always seen by the holder, and
 * one that comes after finds no lock and acquires: no mark is lost in between.
 * The count is never cleared by the holder (no extra write); a new lock (acquire
 * is a Put) starts without marks.
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

/** lib/sync/ports.ts QuietRelease. */
export type QuietRelease =
  | { released: true }
  | { released: false; marks: number; forced: boolean }
  | { released: false; lost: true };

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

    /**
     * A "more is waiting" mark on a live lock someone else holds; false when the lock
     * is absent, expired or ours (acquire's condition holds: acquire instead).
     */
    async markWaiting(k: ReportLockKey, owner: string, opts: { force: boolean }): Promise<boolean> {
      const update = await updateIf(doc, {
        TableName: tableName,
        Key: keyOf(k),
        UpdateExpression: `ADD #waiting :one${opts.force ? " SET #forced = :true" : ""}`,
        ConditionExpression: "attribute_exists(PK) AND leaseUntil > :now AND #owner <> :owner",
        ExpressionAttributeNames: {
          "#owner": "owner",
          "#waiting": "waiting",
          ...(opts.force ? { "#forced": "waitingForced" } : {}),
        },
        ExpressionAttributeValues: {
          ":now": clock(),
          ":owner": owner,
          ":one": 1,
          ...(opts.force ? { ":true": true } : {}),
        },
      });
      return update.ok;
    },

    /** Frees a lock we own only while it carries no more marks than `seen`; otherwise says what it carries. */
    async releaseIfQuiet(k: ReportLockKey, owner: string, seen: number): Promise<QuietRelease> {
      const deleted = await deleteIf(
        doc,
        {
          TableName: tableName,
          Key: keyOf(k),
          ConditionExpression:
            "attribute_not_exists(PK) OR (#owner = :owner AND (attribute_not_exists(#waiting) OR #waiting <= :seen))",
          ExpressionAttributeNames: { "#owner": "owner", "#waiting": "waiting" },
          ExpressionAttributeValues: { ":owner": owner, ":seen": seen },
        },
        { current: true },
      );
      if (deleted.ok) return { released: true };
      const current = deleted.current;
      // No item back: it vanished between the check and the answer; nothing of ours to free.
      if (!current) return { released: true };
      if (current.owner !== owner) return { released: false, lost: true };
      return { released: false, marks: Number(current.waiting ?? 0), forced: current.waitingForced === true };
    },
  };
}
