/**
 * SQS for local runs and tests: fauxqs (pure Node) in this process, reached
 * only over HTTP with the real SDK client, so what passes here is what the
 * handlers will send and receive in AWS.
 *
 * fauxqs names queues `http://sqs.<region>.localhost:<port>/…`, a host that
 * does not resolve, and keys its queues by that exact URL: clients therefore
 * get an explicit endpoint (the SDK then keeps the QueueUrl as a parameter only).
 *
 * Where fauxqs is stricter than SQS: it checks bodies per UTF-16 code unit against
 * #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD, so it refuses every astral character (an
 * emoji in a memo) that real SQS accepts (#x10000–#x10FFFF). Work-message bodies are
 * therefore written SQS-safe at the source (lib/sync/sqs-safe-json.ts: such characters as
 * JSON escapes, the same value after JSON.parse), so an emoji never makes an object
 * unsyncable here while syncing in AWS — test/integration/poll-isolation.test.ts runs
 * emoji and U+FFFF memos through this emulator to the ERP and back to Ramp.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { LOCAL_REGION } from "./lambda-context.js";

/** Static local credentials: fauxqs ignores signatures but the SDK insists on signing. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

export interface LocalQueue extends QueueRef {
  /** The dead-letter queue, when one was asked for. */
  dlq?: QueueRef;
}

export interface CreateQueueOptions {
  /** Seconds a received message stays invisible (SQS's default is 30). Whole seconds only. */
  visibilityTimeoutS?: number;
  /** A FIFO queue; `.fifo` is appended to the name (and to the DLQ's) when missing. */
  fifo?: boolean;
  /** A DLQ named `<name>-dlq` and a RedrivePolicy moving a message there on its (maxReceiveCount+1)th receive. */
  dlq?: { maxReceiveCount: number };
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
  total: number;
}

export interface LocalSqs {
  endpoint: string;
  region: string;
  /** Client settings for handler code (SQSClient constructor input). */
  clientConfig: SQSClientConfig;
  /** A new client on the local endpoint; destroyed by stop(). */
  client(): SQSClient;
  createQueue(name: string, options?: CreateQueueOptions): Promise<LocalQueue>;
  depth(queueUrl: string): Promise<QueueDepth>;
  stop(): Promise<void>;
}

/** SQS client settings for an explicit (local) endpoint. */
export function localSqsClientConfig(endpoint: string, region = LOCAL_REGION): SQSClientConfig {
  return { endpoint, region, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false };
}

/** Starts fauxqs on loopback (a free port unless one is given). */
export async function startLocalSqs(options: { port?: number; region?: string } = {}): Promise<LocalSqs> {
  const region = options.region ?? LOCAL_REGION;
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, defaultRegion: region });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const clientConfig = localSqsClientConfig(endpoint, region);
  const admin = new SQSClient(clientConfig);
  const clients = new Set<SQSClient>([admin]);

  return {
    endpoint,
    region,
    clientConfig,
    client() {
      const c = new SQSClient(clientConfig);
      clients.add(c);
      return c;
    },
    createQueue: (name, queueOptions) => createQueue(admin, name, queueOptions),
    depth: (queueUrl) => queueDepth(admin, queueUrl),
    async stop() {
      for (const c of clients) c.destroy();
      await server.stop();
    },
  };
}

/** Creates a queue (and its DLQ first, so the RedrivePolicy can name the DLQ's ARN) over the wire. */
export async function createQueue(
  client: SQSClient,
  name: string,
  options: CreateQueueOptions = {},
): Promise<LocalQueue> {
  const fifo = options.fifo ?? name.endsWith(".fifo");
  const base = name.replace(/\.fifo$/, "");
  const fullName = (n: string) => (fifo ? `${n}.fifo` : n);
  const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: "true" } : {};

  let dlq: QueueRef | undefined;
  const attributes: Record<string, string> = {
    ...fifoAttrs,
    VisibilityTimeout: String(options.visibilityTimeoutS ?? 30),
  };
  if (options.dlq) {
    dlq = await createOne(client, fullName(`${base}-dlq`), fifoAttrs);
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: options.dlq.maxReceiveCount,
    });
  }
  const queue = await createOne(client, fullName(base), attributes);
  return dlq ? { ...queue, dlq } : queue;
}

async function createOne(client: SQSClient, name: string, attributes: Record<string, string>) {
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`CreateQueue ${name}: no QueueUrl in the answer`);
  const attrs = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes ${name}: no QueueArn`);
  return { name, url, arn };
}

/** Messages in the queue by state, from the approximate counters (exact in fauxqs). */
export async function queueDepth(client: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const n = (k: QueueAttributeName) => Number(out.Attributes?.[k] ?? "0");
  const visible = n("ApproximateNumberOfMessages");
  const inFlight = n("ApproximateNumberOfMessagesNotVisible");
  const delayed = n("ApproximateNumberOfMessagesDelayed");
  return { visible, inFlight, delayed, total: visible + inFlight + delayed };
}
