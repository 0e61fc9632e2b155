/**
 * Many conditional puts in few round trips: TransactWriteItems of up to 100 puts
 * (DynamoDB's limit; and well under its 4 MB cap for ledger rows, checked). A put
 * whose condition fails cancels its transaction; the cancellation says which
 * ones failed, and the rest are sent again without them — so each put ends
 * written or refused by its own condition, exactly as if sent alone.
 *
 * Why a transaction and not BatchWriteItem: BatchWriteItem carries no
 * conditions, and every ledger write is conditional (its `rev`, or its absence).
 * The price: a transactional write costs two write units instead of one. What
 * it buys: one round trip (and one request's CPU in the SDK) per 100 writes.
 *
 * Anything but a clean condition failure (a transaction conflict with another
 * writer of the same row, throttling) leaves the remaining puts of that chunk
 * "not written" — the caller takes them the one-at-a-time way, which resolves
 * races by reading. Nothing of a cancelled transaction was written.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { conditionalFailuresOf } from "./conditional.js";
import { putIf } from "./conditional-write.js";

export interface ConditionalPut {
  TableName: string;
  Item: Record<string, unknown>;
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

const MAX_ITEMS = 100;
/** Stay clear of the 4 MB transaction cap (items measured as UTF-8 JSON bytes, close to their stored size). */
const MAX_BYTES = 3_000_000;

/** `true` per put written; `false` where its condition failed or its transaction could not be settled. */
export async function putAllIf(
  doc: Pick<DynamoDBDocumentClient, "send">,
  puts: readonly ConditionalPut[],
): Promise<boolean[]> {
  const written = puts.map(() => false);
  for (const chunk of chunksOf(puts.map((put, index) => ({ put, index })))) {
    let pending = chunk;
    while (pending.length) {
      if (pending.length === 1) {
        // One put alone is a plain conditional put (one write unit, not two).
        const only = pending[0] as (typeof pending)[number];
        written[only.index] = await singlePut(doc, only.put);
        break;
      }
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: pending.map((p) => ({ Put: p.put })) }));
        for (const p of pending) written[p.index] = true;
        break;
      } catch (err) {
        const failed = conditionalFailuresOf(err);
        if (!failed) {
          if (isCancellation(err)) break; // a conflict: leave the chunk to the one-at-a-time path
          throw err;
        }
        const refused = new Set(failed);
        pending = pending.filter((_, i) => !refused.has(i));
      }
    }
  }
  return written;
}

async function singlePut(doc: Pick<DynamoDBDocumentClient, "send">, put: ConditionalPut): Promise<boolean> {
  return (await putIf(doc, put)).ok;
}

const isCancellation = (err: unknown) => err instanceof Error && err.name === "TransactionCanceledException";

function chunksOf<T extends { put: ConditionalPut }>(all: readonly T[]): T[][] {
  const out: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const x of all) {
    const size = Buffer.byteLength(JSON.stringify(x.put.Item));
    if (chunk.length && (chunk.length >= MAX_ITEMS || bytes + size > MAX_BYTES)) {
      out.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(x);
    bytes += size;
  }
  if (chunk.length) out.push(chunk);
  return out;
}
