/**
 * Unconditional deletes, 25 per BatchWriteItem (DynamoDB's limit), with the
 * unprocessed ones asked for again with back-off like batch-get.ts. Only for
 * rows nobody else writes (a closed report's chunk records): BatchWriteItem
 * carries no conditions.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type Sleep, sleep as timerSleep } from "../domain/time.js";
import { BATCH_GET_MAX_RETRIES } from "./batch-get.js";

const MAX_PER_CALL = 25;

export async function deleteAll(
  doc: Pick<DynamoDBDocumentClient, "send">,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  sleep: Sleep = timerSleep,
): Promise<void> {
  for (let i = 0; i < keys.length; i += MAX_PER_CALL) {
    let pending = keys.slice(i, i + MAX_PER_CALL).map((Key) => ({ DeleteRequest: { Key } }));
    for (let retry = 0; pending.length; retry++) {
      if (retry > BATCH_GET_MAX_RETRIES)
        throw new Error(
          `DynamoDB kept ${pending.length} deletes unprocessed after ${BATCH_GET_MAX_RETRIES} retries`,
        );
      if (retry) await sleep(20 * 2 ** (retry - 1));
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (res.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
