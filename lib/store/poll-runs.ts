/**
 * The last poll run per tenant (`PK=TENANT#<t> SK=POLLRUN`), for operators: when
 * the scheduled poll last ran, how it ended, and the SYNC_READY backlog of the
 * last walk that finished. One item per tenant, overwritten by each invocation
 * (a run is an observation, not history: the logs and metrics keep the rest).
 * The write keeps the latest run: two overlapping jobs of one tenant (a
 * redelivery, a slow continuation) cannot put an older run over a newer one.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { KINDS } from "../domain/kinds.js";
import type { PollRun } from "../poll/ports.js";
import { updateIf } from "./conditional-write.js";
import { openWorkGsi2Pk, POLL_RUN_SK, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";

const BacklogSchema = z.partialRecord(z.enum(KINDS), z.number().int().nonnegative());

const PollRunSchema = z.object({
  at: z.number().int(),
  outcome: z.enum(["done", "continued", "failed"]),
  pages: z.number().int().nonnegative(),
  enqueued: z.number().int().nonnegative(),
  backlog: BacklogSchema,
  error: z.string().optional(),
});

export const PollRunRecordSchema = z.object({
  /** The latest invocation, whatever its outcome. */
  last: PollRunSchema,
  /** The latest walk that reached the end of every listing: the backlog "as last seen". */
  lastDone: z.object({ at: z.number().int(), backlog: BacklogSchema }).optional(),
});
export type PollRunRecord = z.infer<typeof PollRunRecordSchema>;

export type PollRuns = ReturnType<typeof createPollRuns>;

export function createPollRuns(deps: StoreDeps) {
  const { doc, tableName } = deps;
  const key = (tenantId: string) => ({ PK: tenantPk(tenantId), SK: POLL_RUN_SK });

  return {
    async record(tenantId: string, run: PollRun): Promise<void> {
      const value = PollRunSchema.parse(run);
      const done = value.outcome === "done";
      // A lost condition means a newer run is already recorded: nothing to do.
      await updateIf(doc, {
        TableName: tableName,
        Key: key(tenantId),
        // GSI2: the run sits with the tenant's open ledger rows, so the health tick reads both in one Query.
        UpdateExpression: `SET #type = :type, tenantId = :tenantId, GSI2PK = :g2pk, GSI2SK = :g2sk, #last = :run${done ? ", lastDone = :done" : ""}`,
        ConditionExpression: "attribute_not_exists(#last) OR #last.#at <= :at",
        ExpressionAttributeNames: { "#type": "type", "#last": "last", "#at": "at" },
        ExpressionAttributeValues: {
          ":type": "poll-run",
          ":tenantId": tenantId,
          ":g2pk": openWorkGsi2Pk(tenantId),
          ":g2sk": POLL_RUN_SK,
          ":run": value,
          ":at": value.at,
          ...(done ? { ":done": { at: value.at, backlog: value.backlog } } : {}),
        },
      });
    },

    async get(tenantId: string): Promise<PollRunRecord | undefined> {
      const res = await doc.send(new GetCommand({ TableName: tableName, Key: key(tenantId) }));
      return res.Item ? PollRunRecordSchema.parse(res.Item) : undefined;
    },
  };
}
