/**
 * SQS message id → the last error a consumer failed it with (the port in
 * lib/domain/message-failure.ts). SQS keeps no reason, so `ops dlq list` joins
 * these records to the DLQ's messages by id. A message keeps its id when SQS
 * moves it to the DLQ; a redrive sends a copy with a new id, whose failures
 * are recorded afresh. Each failure overwrites the last (the newest reason is
 * the one to act on); records expire after 14 days, SQS's longest retention.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { errorSummary, type MessageFailure } from "../domain/message-failure.js";
import { batchGetAll } from "./batch-get.js";
import { MESSAGE_FAILURE_SK, messageFailurePk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { ttlSeconds } from "./ttl.js";

export const MESSAGE_FAILURE_TTL_MS = 14 * 24 * 3600_000;

const MessageFailureSchema = z.object({
  messageId: z.string().min(1),
  functionName: z.string(),
  queue: z.string().optional(),
  error: z.string(),
  at: z.number().int(),
  receiveCount: z.number().int().nonnegative().optional(),
});

export type MessageFailureStore = ReturnType<typeof createMessageFailures>;

export function createMessageFailures(deps: StoreDeps) {
  const { doc, tableName } = deps;
  const keyOf = (messageId: string) => ({ PK: messageFailurePk(messageId), SK: MESSAGE_FAILURE_SK });

  return {
    /** Writes (overwrites) the message's failure; the summary is redacted again here, whoever built it. */
    async record(f: MessageFailure): Promise<void> {
      const row = MessageFailureSchema.parse({ ...f, error: errorSummary(f.error) });
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keyOf(f.messageId),
            type: "message-failure",
            ...row,
            ttl: ttlSeconds(f.at + MESSAGE_FAILURE_TTL_MS),
          },
        }),
      );
    },

    /** The failures recorded for these ids (message id → failure); ids with none are absent. */
    async getMany(messageIds: readonly string[]): Promise<Map<string, MessageFailure>> {
      // Eventually consistent: an operator's listing, not a protocol decision.
      const rows = await batchGetAll({
        doc,
        tableName,
        keys: messageIds.map(keyOf),
        consistentRead: false,
        what: "message-failures",
      });
      const out = new Map<string, MessageFailure>();
      for (const row of rows) {
        const f = MessageFailureSchema.parse(row);
        out.set(f.messageId, f);
      }
      return out;
    },
  };
}
