/**
 * Moving messages from a DLQ back to their source queue — our own
 * StartMessageMoveTask, which fauxqs lacks and ops need after fixing the cause
 * of a poison message. Each batch is sent before it is deleted, so a crash in
 * between duplicates rather than loses (the syncer is idempotent by design).
 * FIFO targets get a deduplication id derived from the DLQ message id, so a
 * retried redrive within the dedup window does not enqueue twice.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

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
