/**
 * Dead-letter queues, as ops need them on AWS and the local stack alike:
 *
 * - `redriveDlq` moves messages back to their source queue — our own
 *   StartMessageMoveTask (which fauxqs lacks), for after the cause of a poison
 *   message is fixed. Each batch is sent before it is deleted, so a crash in
 *   between duplicates rather than loses (the syncer is idempotent by design).
 *   FIFO targets get a deduplication id derived from the DLQ message id, so a
 *   retried redrive within the dedup window does not enqueue twice. A moved
 *   message is a new message: it gets a new id in the source queue.
 * - `peekDlq` lists messages without taking them (see its comment for the cost).
 * - `approximateDepth` is the DLQ's ApproximateNumberOfMessages.
 *
 * Message ids survive the move *into* a DLQ, which is what lets `ops dlq list`
 * join a message to the failure its consumer recorded (lib/store/message-failures.ts):
 * on AWS the moved message keeps its MessageId; fauxqs (1.9.2, the local stack's
 * SQS) moves the message object itself (sqsStore `dequeue` → `dlq.enqueue(msg)`),
 * so its id, SentTimestamp and receive count carry over too — no body hash is needed.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { redactText } from "../domain/redact.js";
import { parsePollJob } from "../poll/job.js";
import { parseWorkMessage } from "../sync/work-message.js";

export interface RedriveOptions {
  client: SQSClient;
  dlqUrl: string;
  /** Where the messages go back to (their source queue). */
  targetUrl: string;
  /** Stop after this many (default: until the DLQ answers empty). */
  maxMessages?: number;
  /** Long-poll per receive; 0 ends at the first empty answer (exact on fauxqs, approximate on AWS). */
  waitTimeSeconds?: number;
}

export interface RedriveResult {
  moved: number;
  /** Messages whose send failed; they stay in the DLQ and reappear after its visibility timeout. */
  failed: number;
}

export async function redriveDlq(options: RedriveOptions): Promise<RedriveResult> {
  const { client, dlqUrl, targetUrl } = options;
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  const fifo = targetUrl.endsWith(".fifo");
  let moved = 0;
  let failed = 0;
  while (moved + failed < limit) {
    const got = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, limit - moved - failed),
        WaitTimeSeconds: options.waitTimeSeconds ?? 0,
        MessageSystemAttributeNames: ["MessageGroupId"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = (got.Messages ?? []).filter((m): m is Message & { MessageId: string } => !!m.MessageId);
    if (messages.length === 0) break;
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: targetUrl,
        Entries: messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? "",
          ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length
            ? { MessageAttributes: m.MessageAttributes }
            : {}),
          ...(fifo
            ? {
                MessageGroupId: m.Attributes?.MessageGroupId ?? "redrive",
                MessageDeduplicationId: `redrive-${m.MessageId}`,
              }
            : {}),
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    failed += messages.length - ok.size;
    const toDelete = messages.flatMap((m, i) =>
      ok.has(String(i)) ? [{ Id: String(i), ReceiptHandle: m.ReceiptHandle }] : [],
    );
    if (toDelete.length) {
      const del = await client.send(new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: toDelete }));
      if (del.Failed?.length) {
        throw new Error(
          `redrive: ${del.Failed.length} messages sent to the target but not deleted from the DLQ`,
        );
      }
    }
    moved += ok.size;
  }
  return { moved, failed };
}

/** What a DLQ message is, read from its body (never the body itself beyond a short redacted preview). */
export interface BodySummary {
  type: "work" | "poll-job" | "unknown";
  tenantId?: string;
  kind?: string;
  rampId?: string;
  /** Unknown bodies only: the first characters, redacted (a body may carry a card number). */
  preview?: string;
}

export interface DlqMessage {
  messageId: string;
  body: BodySummary;
  /** When it was first sent to its source queue (SentTimestamp, epoch ms; kept across the move to the DLQ). */
  sentAt?: number;
  /** SQS's ApproximateReceiveCount, this listing's own receive included. */
  receiveCount?: number;
}

export interface PeekOptions {
  client: SQSClient;
  dlqUrl: string;
  /** At most this many messages. */
  max: number;
  /**
   * How long the listed messages are hidden while the listing runs; they are made
   * visible again at the end. Only matters if the listing dies before that: they
   * then come back by themselves after this long.
   */
  hideSeconds?: number;
  /** Long-poll per receive (1 s by default: a short poll on AWS samples only some servers). */
  waitTimeSeconds?: number;
}

const PREVIEW_CHARS = 120;

export function summarizeBody(body: string): BodySummary {
  const work = parseWorkMessage(body);
  if (work.ok) {
    const { tenantId, kind, rampId } = work.message;
    return { type: "work", tenantId, kind, rampId };
  }
  const job = parsePollJob(body);
  if (job.ok) {
    return {
      type: "poll-job",
      tenantId: job.job.tenantId,
      ...(job.job.type === "button" ? { kind: job.job.kind } : {}),
    };
  }
  // A coa request (`{ tenantId }`) or a malformed body: keep what names a tenant, and a preview.
  let tenantId: string | undefined;
  try {
    const json: unknown = JSON.parse(body);
    const t = json && typeof json === "object" ? (json as Record<string, unknown>).tenantId : undefined;
    if (typeof t === "string" && t) tenantId = t;
  } catch {
    // not JSON: the preview says what it is
  }
  const preview = redactText(body.replace(/\s+/g, " ")).slice(0, PREVIEW_CHARS);
  return { type: "unknown", ...(tenantId ? { tenantId } : {}), preview };
}

/**
 * Lists up to `max` messages of a DLQ without taking them: each is received
 * (hidden for `hideSeconds`, so one listing does not see it twice), and at the
 * end every one is made visible again (ChangeMessageVisibility to 0), so a
 * listing never hides messages from a redrive that follows it.
 *
 * What it costs: a receive is a receive. On AWS every listing increments each
 * listed message's ApproximateReceiveCount (a DLQ has no redrive policy of its
 * own, so nothing moves, but the count no longer says how often the consumer
 * tried), and a message received while a redrive runs is skipped by that redrive
 * until it is visible again.
 */
export async function peekDlq(options: PeekOptions): Promise<DlqMessage[]> {
  const { client, dlqUrl, max } = options;
  const seen = new Map<string, DlqMessage>();
  const handles: string[] = [];
  try {
    while (seen.size < max) {
      const got = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: options.hideSeconds ?? 20,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
        }),
      );
      const messages = got.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        if (m.ReceiptHandle) handles.push(m.ReceiptHandle);
        if (!m.MessageId || seen.has(m.MessageId)) continue;
        const sent = Number(m.Attributes?.SentTimestamp);
        const received = Number(m.Attributes?.ApproximateReceiveCount);
        seen.set(m.MessageId, {
          messageId: m.MessageId,
          body: summarizeBody(m.Body ?? ""),
          ...(Number.isFinite(sent) && sent > 0 ? { sentAt: sent } : {}),
          ...(Number.isInteger(received) ? { receiveCount: received } : {}),
        });
      }
    }
  } finally {
    await showAgain(client, dlqUrl, handles);
  }
  return [...seen.values()].slice(0, max);
}

async function showAgain(client: SQSClient, queueUrl: string, handles: readonly string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles
          .slice(i, i + 10)
          .map((h, k) => ({ Id: String(k), ReceiptHandle: h, VisibilityTimeout: 0 })),
      }),
    );
  }
}

/** ApproximateNumberOfMessages: the visible messages (exact on fauxqs, approximate on AWS). */
export async function approximateDepth(client: SQSClient, queueUrl: string): Promise<number> {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? "0");
}
