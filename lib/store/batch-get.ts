/**
 * The one BatchGetItem loop of the store. DynamoDB takes at most 100 keys per
 * call and may hand some back as UnprocessedKeys when a partition is busy (or
 * the 16 MB response cap is hit); those are asked for again with exponential
 * back-off. A table that keeps refusing is an outage, not a state to wait out
 * inside one Lambda, so after a bounded number of retries this throws and the
 * caller's own retry (SQS redelivery, the next poll) takes over.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type Sleep, sleep as timerSleep } from "../domain/time.js";

/** DynamoDB's limit on keys per BatchGetItem call. */
const BATCH_GET_MAX_KEYS = 100;
/** Retries of a chunk's unprocessed keys before giving up (the waits add up to about 20 s). */
export const BATCH_GET_MAX_RETRIES = 10;
/** The first back-off; each retry doubles it. */
const BASE_BACKOFF_MS = 20;

export type Key = Record<string, unknown>;

export interface BatchGetRequest {
  doc: Pick<DynamoDBDocumentClient, "send">;
  tableName: string;
  keys: readonly Key[];
  /**
   * Strongly consistent by default: the store's callers decide on what they
   * read (a row just claimed, a link just written), so a stale read would
   * send duplicate work.
   */
  consistentRead?: boolean;
  /** Only these attributes (a ProjectionExpression, with its #names). */
  projection?: { expression: string; names?: Record<string, string> };
  /** Names the caller in the give-up error. */
  what: string;
  sleep?: Sleep;
}

/**
 * Every row found for `keys`, in no particular order; keys with no row are
 * simply absent. Repeated keys are asked for once (DynamoDB refuses a call
 * that names a key twice); keys are compared by their attribute values in
 * the order they were built, which holds for keys made by one key function.
 */
export async function batchGetAll(req: BatchGetRequest): Promise<Key[]> {
  const sleep = req.sleep ?? timerSleep;
  const unique = [...new Map(req.keys.map((k) => [JSON.stringify(k), k])).values()];
  const rows: Key[] = [];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX_KEYS) {
    let pending: Key[] = unique.slice(i, i + BATCH_GET_MAX_KEYS);
    for (let retry = 0; ; retry++) {
      const res = await req.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [req.tableName]: {
              Keys: pending,
              ConsistentRead: req.consistentRead ?? true,
              ...(req.projection
                ? {
                    ProjectionExpression: req.projection.expression,
                    ...(req.projection.names ? { ExpressionAttributeNames: req.projection.names } : {}),
                  }
                : {}),
            },
          },
        }),
      );
      rows.push(...(res.Responses?.[req.tableName] ?? []));
      pending = (res.UnprocessedKeys?.[req.tableName]?.Keys as Key[] | undefined) ?? [];
      if (!pending.length) break;
      if (retry >= BATCH_GET_MAX_RETRIES) {
        throw new Error(
          `${req.what}: DynamoDB kept ${pending.length} keys unprocessed after ${BATCH_GET_MAX_RETRIES} retries`,
        );
      }
      await sleep(BASE_BACKOFF_MS * 2 ** retry);
    }
  }
  return rows;
}
