/** How many messages wait on a queue (SQS's approximate count of visible messages): a DLQ's depth. */
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

export async function approximateDepth(sqs: Pick<SQSClient, "send">, queueUrl: string): Promise<number> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  const n = Number(res.Attributes?.ApproximateNumberOfMessages);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${queueUrl}: no message count in the answer`);
  return n;
}
