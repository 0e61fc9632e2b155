/**
 * The SQSEvent Lambda's event source mapping hands a function, built from the
 * messages a ReceiveMessage returned: the same fields, names and string
 * encodings (counts and timestamps as strings, binary attributes in base64).
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttribute, SQSRecord } from "aws-lambda";

/** What the mapping asks ReceiveMessage for, so every record attribute is filled in. */
export const RECEIVE_ATTRIBUTES = {
  MessageSystemAttributeNames: ["All" as const],
  MessageAttributeNames: ["All"],
};

export interface QueueSource {
  arn: string;
  /** Taken from the ARN when omitted. */
  region?: string;
}

export function sqsRecord(message: Message, source: QueueSource): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
  if (!MessageId || !ReceiptHandle || Body === undefined) {
    throw new Error("a received SQS message lacks MessageId, ReceiptHandle or Body");
  }
  const a = message.Attributes ?? {};
  const attributes: SQSRecord["attributes"] = {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
    SentTimestamp: a.SentTimestamp ?? "0",
    SenderId: a.SenderId ?? "",
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? a.SentTimestamp ?? "0",
    ...(a.AWSTraceHeader ? { AWSTraceHeader: a.AWSTraceHeader } : {}),
    ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
    ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    ...(a.DeadLetterQueueSourceArn ? { DeadLetterQueueSourceArn: a.DeadLetterQueueSourceArn } : {}),
  };
  const messageAttributes: SQSRecord["messageAttributes"] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = messageAttribute(value);
  }
  return {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body,
    attributes,
    messageAttributes,
    md5OfBody: MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: source.arn,
    awsRegion: source.region ?? regionOfArn(source.arn),
  };
}

export function sqsEvent(messages: readonly Message[], source: QueueSource): SQSEvent {
  return { Records: messages.map((m) => sqsRecord(m, source)) };
}

function messageAttribute(v: MessageAttributeValue): SQSMessageAttribute {
  // Lambda's event uses camelCase keys and base64 for binary, and always carries both list fields.
  return {
    ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
    ...(v.BinaryValue instanceof Uint8Array
      ? { binaryValue: Buffer.from(v.BinaryValue).toString("base64") }
      : {}),
    stringListValues: v.StringListValues ?? [],
    binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString("base64")),
    dataType: v.DataType ?? "String",
  };
}

/** `arn:aws:sqs:<region>:<account>:<name>` → region. */
export function regionOfArn(arn: string): string {
  const region = arn.split(":")[3];
  if (!region) throw new Error(`not an ARN with a region: ${arn}`);
  return region;
}
