/**
 * The AWS SDK clients a handler uses, built in one place. On Lambda only the
 * region is given: credentials come from the role and endpoints are regional
 * (or AWS_ENDPOINT_URL_* when the SDK finds them in the environment). The
 * local stack passes explicit endpoints and static keys for its emulators, so
 * it never has to write process.env and several stacks can share a process.
 *
 * A handler on Lambda also passes its tracer (lib/runtime/handler-parts.ts), so every
 * call of these clients is an X-Ray subsegment; the local stack and the ops CLI pass none.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../store/dynamo.js";

export interface AwsClientOptions {
  region: string;
  endpoints?: { dynamodb?: string; sqs?: string; secretsManager?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Given: each client is captured for X-Ray (a no-op where the tracer is off, i.e. outside Lambda). */
  tracer?: Pick<Tracer, "captureAWSv3Client">;
}

export interface AwsClients {
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  secrets: SecretsManagerClient;
  destroy(): void;
}

export function createAwsClients(o: AwsClientOptions): AwsClients {
  const common = { region: o.region, ...(o.credentials ? { credentials: o.credentials } : {}) };
  // The document client shares its DynamoDBClient's middleware stack, so capturing it traces every table call.
  const traced = <C>(client: C): C => (o.tracer ? o.tracer.captureAWSv3Client(client) : client);
  const doc = traced(
    createDocumentClient({
      ...common,
      ...(o.endpoints?.dynamodb ? { endpoint: o.endpoints.dynamodb } : {}),
    }),
  );
  // Queue URLs are used as given; the endpoint is the regional one (or the emulator's).
  const sqs = traced(
    new SQSClient({
      ...common,
      useQueueUrlAsEndpoint: false,
      ...(o.endpoints?.sqs ? { endpoint: o.endpoints.sqs } : {}),
    }),
  );
  const secrets = traced(
    new SecretsManagerClient({
      ...common,
      ...(o.endpoints?.secretsManager ? { endpoint: o.endpoints.secretsManager } : {}),
    }),
  );
  return {
    doc,
    sqs,
    secrets,
    destroy() {
      doc.destroy();
      sqs.destroy();
      secrets.destroy();
    },
  };
}
