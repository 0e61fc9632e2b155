/**
 * Why an SQS message failed, kept beside the message id: SQS itself keeps no
 * reason, so an operator listing a DLQ (ops `dlq list`) would otherwise see
 * bodies and no cause. Every SQS consumer records one through the batch
 * processor (lib/runtime/handler-stack.ts `sqsPartialBatch`); the store keeps it
 * for 14 days (lib/store/message-failures.ts), the longest SQS keeps a message.
 */
import { redactText } from "./redact.js";

export interface MessageFailure {
  messageId: string;
  /** The function that failed it (Lambda's function name). */
  functionName: string;
  /** The queue it came from (the last segment of the record's eventSourceARN). */
  queue?: string;
  /** One line, redacted (`errorSummary`). */
  error: string;
  /** Epoch ms. */
  at: number;
  /** SQS's ApproximateReceiveCount at this failure. */
  receiveCount?: number;
}

/** The port consumers record through; recording must never fail the batch (callers log and go on). */
export interface MessageFailures {
  record(failure: MessageFailure): Promise<void>;
}

/** Long enough for any reason we write, short enough to read in a terminal row. */
export const ERROR_SUMMARY_MAX_CHARS = 500;

/**
 * One redacted line: the error's name (unless plain Error) and message, whitespace
 * collapsed first (an ERP body echoed with newlines stays one row, and a card
 * number split over lines is seen whole), then secrets, bearer tokens and card
 * numbers replaced (redact.ts), then cut — so a cut never leaves half a card
 * number behind unredacted.
 */
export function errorSummary(err: unknown, max = ERROR_SUMMARY_MAX_CHARS): string {
  const raw =
    err instanceof Error
      ? `${err.name && err.name !== "Error" ? `${err.name}: ` : ""}${err.message}`
      : typeof err === "string"
        ? err
        : String(err);
  const line = redactText(raw.replace(/\s+/g, " ").trim()) || "(no message)";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
