/**
 * A message for a queue, and what the queue refused: the shapes the use cases
 * hand their queue ports (lib/poll) and the SQS adapter (lib/aws/sqs.ts) sends.
 */
export interface OutgoingMessage {
  /** Unique within one call (SendMessageBatch entry id: letters, digits, - and _; ≤ 80). */
  id: string;
  body: string;
  /** 0–900; spreads work in time (poll-job jitter). */
  delaySeconds?: number;
}

export interface FailedEntry {
  id: string;
  code: string;
  message: string;
  /** SQS blamed the request (retrying the same entry will not help). */
  senderFault: boolean;
}
