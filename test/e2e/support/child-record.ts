/**
 * What a kill-test child (deadline-child.ts, receipts-child.ts) hands its Lambda: one SQS record
 * of the given body, as the event source mapping would deliver it on the first receive. Kept apart
 * from lambda-child.ts, which the children must not bundle (it imports esbuild).
 */
export function oneRecordEvent(body: string, queue: string) {
  return {
    Records: [
      {
        messageId: `${queue}-1`,
        receiptHandle: "r-1",
        body,
        attributes: { ApproximateReceiveCount: "1" },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
        awsRegion: "us-east-1",
      },
    ],
  };
}
