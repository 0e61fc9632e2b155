import {
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";

/** One fauxqs per test file: started before the file's tests, stopped after. Call at describe/file level. */
export function useLocalSqs(): () => LocalSqs {
  let sqs: LocalSqs | undefined;
  beforeAll(async () => {
    sqs = await startLocalSqs();
  });
  afterAll(async () => {
    await sqs?.stop();
  });
  return () => {
    if (!sqs) throw new Error("local SQS is not started (useLocalSqs must be called at file/describe level)");
    return sqs;
  };
}

/** Sends bodies in batches of 10, in order; returns the message ids by body. */
export async function sendBodies(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  extra: (
    body: string,
    i: number,
  ) => { MessageGroupId?: string; MessageDeduplicationId?: string } = () => ({}),
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((b, j) => ({ Id: String(j), MessageBody: b, ...extra(b, i + j) })),
      }),
    );
    if (out.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(out.Failed)}`);
    for (const s of out.Successful ?? []) ids.set(chunk[Number(s.Id)] ?? "", s.MessageId ?? "");
  }
  return ids;
}

/** Receives (and leaves in flight) everything currently visible, by short polls until one comes back empty. */
export async function receiveAllVisible(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}
