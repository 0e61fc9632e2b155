/**
 * The coa-request queue as lib/coa's CoaRequestQueue port: each message as one
 * SendMessageBatch entry (chunks of 10, lib/aws/sqs.ts) with its own
 * DelaySeconds. Entry ids only need to be unique within one call: the index.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { CoaPushMessage, CoaRequestQueue } from "../coa/fleet.js";
import { sendAllOrThrow } from "./sqs.js";

export function coaRequestQueue(client: Pick<SQSClient, "send">, queueUrl: string): CoaRequestQueue {
  return {
    async send(messages: readonly CoaPushMessage[]) {
      if (!messages.length) return;
      await sendAllOrThrow(
        client,
        queueUrl,
        messages.map((m, i) => ({
          id: `c${i}`,
          body: JSON.stringify(m.request),
          delaySeconds: m.delaySeconds,
        })),
      );
    },
  };
}
