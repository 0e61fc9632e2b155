/**
 * Recognising the *expected* failures of conditional writes, so repositories can
 * turn a lost race into a typed outcome instead of an exception.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";

export function isConditionalCheckFailed(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === "ConditionalCheckFailedException")
  );
}

/**
 * For a cancelled TransactWriteItems: the indexes of the operations whose
 * condition failed. `null` when the error is not a cancellation, or when some
 * operation failed for another reason (throttling, conflict) — the caller must
 * then treat the whole transaction as failed and retry or rethrow.
 */
export function conditionalFailuresOf(err: unknown): number[] | null {
  const cancelled =
    err instanceof TransactionCanceledException ||
    (err instanceof Error && err.name === "TransactionCanceledException");
  if (!cancelled) return null;
  const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
  const failed: number[] = [];
  for (const [i, r] of reasons.entries()) {
    const code = r?.Code ?? "None";
    if (code === "None") continue;
    if (code !== "ConditionalCheckFailed") return null;
    failed.push(i);
  }
  return failed.length ? failed : null;
}
