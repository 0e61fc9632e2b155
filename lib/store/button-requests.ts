/**
 * One Sync Button request as we saw it: when Ramp's window started and ends
 * (lib/domain/button-window.ts), when we received it, every row its walk listed
 * (one item per listed page, keyed by the page's first id so a repeated page
 * overwrites itself), and — once the deadline job has run — how it ended. The
 * deadline job (lib/poll/button-deadline.ts) reads the rows to find what was not
 * reported in time; Ramp's objects do not say which request flagged them, so
 * re-listing `requested_to_sync` could not tell this request's rows from a later one's.
 * Items expire a week after the request (DynamoDB TTL).
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Kind } from "../domain/kinds.js";
import type {
  ButtonRequestHeader,
  ButtonRequestOutcome,
  ButtonRequestsPort,
  ButtonRow,
} from "../poll/ports.js";
import { isConditionalCheckFailed } from "./conditional.js";
import { buttonRequestSk, buttonRowsPrefix, buttonRowsSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { queryPrefix } from "./query-prefix.js";
import { ttlSeconds } from "./ttl.js";

const KEEP_MS = 7 * 24 * 3600_000;

export type { ButtonRequestHeader, ButtonRequestOutcome, ButtonRow };
export type ButtonRequests = ReturnType<typeof createButtonRequests>;

export function createButtonRequests(deps: StoreDeps): ButtonRequestsPort {
  const { doc, tableName } = deps;
  const ttl = (h: Pick<ButtonRequestHeader, "deadline">) => ttlSeconds(h.deadline + KEEP_MS);

  return {
    /** Records the request once; a redelivered job finds it there (first write wins). */
    async open(h: Omit<ButtonRequestHeader, "outcome">): Promise<void> {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              PK: tenantPk(h.tenantId),
              SK: buttonRequestSk(h.syncRequestId),
              type: "button-request",
              ...h,
              ttl: ttl(h),
            },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    },

    async get(tenantId: string, syncRequestId: string): Promise<ButtonRequestHeader | undefined> {
      const res = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { PK: tenantPk(tenantId), SK: buttonRequestSk(syncRequestId) },
          ConsistentRead: true,
        }),
      );
      if (!res.Item) return undefined;
      const { PK: _pk, SK: _sk, type: _t, ttl: _ttl, deadlineOwner: _o, deadlineLease: _l, ...h } = res.Item;
      return h as ButtonRequestHeader;
    },

    /** One listed page's rows (idempotent: the same page writes the same item). */
    async addRows(
      h: Pick<ButtonRequestHeader, "tenantId" | "syncRequestId" | "deadline">,
      rows: readonly ButtonRow[],
    ): Promise<void> {
      const first = rows[0];
      if (!first) return;
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            PK: tenantPk(h.tenantId),
            SK: buttonRowsSk(h.syncRequestId, `${first.kind}#${first.rampId}`),
            type: "button-rows",
            rows: rows.map((r) => `${r.kind}#${r.rampId}`),
            ttl: ttl(h),
          },
        }),
      );
    },

    /** Every row the request's walk listed, each once. */
    async rows(tenantId: string, syncRequestId: string): Promise<ButtonRow[]> {
      const seen = new Set<string>();
      for await (const item of queryPrefix(deps, tenantPk(tenantId), buttonRowsPrefix(syncRequestId))) {
        for (const r of (item.rows as string[] | undefined) ?? []) seen.add(r);
      }
      return [...seen].map((r) => {
        const at = r.indexOf("#");
        return { kind: r.slice(0, at) as Kind, rampId: r.slice(at + 1) };
      });
    },

    /**
     * The deadline work of an open request for `owner` until now + leaseMs: false while
     * another invocation holds it, or once the request is closed.
     */
    async claimDeadline(tenantId: string, syncRequestId: string, owner: string, leaseMs: number) {
      const now = Date.now();
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { PK: tenantPk(tenantId), SK: buttonRequestSk(syncRequestId) },
            UpdateExpression: "SET deadlineOwner = :o, deadlineLease = :until",
            ConditionExpression:
              "attribute_exists(PK) AND attribute_not_exists(outcome) AND (attribute_not_exists(deadlineLease) OR deadlineLease < :now OR deadlineOwner = :o)",
            ExpressionAttributeValues: { ":o": owner, ":until": now + leaseMs, ":now": now },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    /** Writes how the request ended, once: false when it was already closed (a redelivered deadline job). */
    async close(tenantId: string, syncRequestId: string, outcome: ButtonRequestOutcome): Promise<boolean> {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { PK: tenantPk(tenantId), SK: buttonRequestSk(syncRequestId) },
            UpdateExpression: "SET outcome = :o",
            ConditionExpression: "attribute_exists(PK) AND attribute_not_exists(outcome)",
            ExpressionAttributeValues: { ":o": outcome },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
  };
}
