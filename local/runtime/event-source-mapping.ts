/**
 * Lambda's SQS event source mapping, locally: pollers receive up to
 * `batchSize` messages (long poll, optional batching window), invoke the
 * handler with an SQSEvent under the function timeout, and delete what
 * succeeded. With ReportBatchItemFailures only the records the handler lists
 * in `batchItemFailures` stay; a throw, a timeout or an invalid response keeps
 * the whole batch. Kept messages reappear after the queue's visibility timeout
 * and the queue's RedrivePolicy moves them to the DLQ after maxReceiveCount —
 * exactly the behaviour the syncer's exactly-once protocol must survive.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import * as z from "zod";
import { sleep } from "../../lib/domain/time.js";
import { type FunctionOptions, invoke, type LambdaHandler, LambdaTimeoutError } from "./lambda-context.js";
import { queueDepth } from "./local-sqs.js";
import { RECEIVE_ATTRIBUTES, regionOfArn, sqsEvent } from "./sqs-event.js";

/** Any answer is accepted at compile time: the mapping validates it as Lambda does (SQSBatchResponse or nothing). */
export type SqsBatchHandler = LambdaHandler<SQSEvent, unknown>;

export interface EventSourceMappingOptions {
  client: SQSClient;
  queueUrl: string;
  handler: SqsBatchHandler;
  /** 1–10, or up to 10,000 with a batching window (Lambda's rule for standard queues). Default 10. */
  batchSize?: number;
  /** Keep gathering up to batchSize for this long after the first message (Lambda's MaximumBatchingWindowInSeconds). */
  maxBatchingWindowMs?: number;
  functionTimeoutMs: number;
  /** Honour `batchItemFailures` in the handler's answer (FunctionResponseTypes: ReportBatchItemFailures). */
  reportBatchItemFailures: boolean;
  /** Parallel pollers, each receiving and invoking one batch at a time. Default 1. */
  concurrency?: number;
  /** Long-poll wait per receive; bounds how long stop() takes. Default 1 s. */
  pollWaitS?: number;
  function?: Omit<FunctionOptions, "timeoutMs">;
  /** Receive/delete errors (the pollers back off and carry on, as Lambda's do). */
  onError?: (error: unknown) => void;
}

export interface MappingStats {
  /** ReceiveMessage calls that returned messages, and the messages they returned. */
  receives: number;
  received: number;
  invocations: number;
  /** Records deleted after a successful invocation. */
  deleted: number;
  /** Records kept because the handler listed them in batchItemFailures. */
  failedItems: number;
  /** Invocations that threw (whole batch kept). */
  thrown: number;
  /** Invocations that outlived the function timeout (whole batch kept). */
  timedOut: number;
  /** Answers Lambda would reject (unknown or empty itemIdentifier…): whole batch kept. */
  invalidResponses: number;
  /** Deletes SQS refused (e.g. the receipt handle expired because the visibility timeout was too short). */
  deleteFailures: number;
  /** The largest batch handed to the handler. */
  maxBatch: number;
  /** The most invocations running at once (what Lambda's MaximumConcurrency bounds: `concurrency` here). */
  maxInFlight: number;
}

export interface DrainOptions {
  /** How long the queue must stay empty with no invocation running. Default 200 ms. */
  idleMs?: number;
  /** Give up (reject) after this long. Default 60 s. */
  timeoutMs?: number;
  /** Delayed messages do not count as pending (timers such as a Sync Button's deadline job). */
  ignoreDelayed?: boolean;
}

export interface EventSourceMapping {
  /**
   * Resolves the queue's ARN (for the records' eventSourceARN), refuses a visibility timeout shorter than
   * the function timeout (as CreateEventSourceMapping does), and starts the pollers.
   */
  start(): Promise<void>;
  /** Stops receiving and waits for the pollers' current receive and invocation to finish. */
  stop(): Promise<void>;
  /**
   * Resolves once the source queue holds nothing (visible, in flight or delayed) and no invocation is
   * running, for `idleMs` in a row: everything was processed or moved to the DLQ.
   */
  drain(options?: DrainOptions): Promise<MappingStats>;
  readonly stats: Readonly<MappingStats>;
}

/** Lambda's rules for a partial batch response: anything malformed fails the whole batch. */
const BatchResponse = z
  .object({
    batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).nullish(),
  })
  .nullish();

export function eventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const batchSize = options.batchSize ?? 10;
  const windowMs = options.maxBatchingWindowMs ?? 0;
  // Lambda's rule for standard queues: up to 10 per batch, up to 10,000 with a batching window.
  const maxBatch = windowMs > 0 ? 10_000 : 10;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxBatch) {
    throw new RangeError(
      `batchSize must be an integer 1–${maxBatch}${windowMs > 0 ? "" : " without a batching window"}, got ${batchSize}`,
    );
  }
  const concurrency = options.concurrency ?? 1;
  const pollWaitS = options.pollWaitS ?? 1;
  const { client, queueUrl } = options;
  const stats: MappingStats = {
    receives: 0,
    received: 0,
    invocations: 0,
    deleted: 0,
    failedItems: 0,
    thrown: 0,
    timedOut: 0,
    invalidResponses: 0,
    deleteFailures: 0,
    maxBatch: 0,
    maxInFlight: 0,
  };
  let running = false;
  let busy = 0;
  let pollers: Promise<void>[] = [];
  let source: { arn: string; region: string } | undefined;

  const report = (e: unknown) => options.onError?.(e);

  async function receive(max: number, waitS: number): Promise<Message[]> {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        // SQS hands out at most 10 per receive; a larger batch is several receives (as Lambda's poller does).
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitS,
        ...RECEIVE_ATTRIBUTES,
      }),
    );
    return out.Messages ?? [];
  }

  /** One batch: a long poll, then (with a window) more receives until full or the window closes. */
  async function receiveBatch(): Promise<Message[]> {
    const batch = await receive(batchSize, pollWaitS);
    if (batch.length === 0 || windowMs <= 0) return batch;
    const closes = Date.now() + windowMs;
    while (running && batch.length < batchSize && Date.now() < closes) {
      const more = await receive(batchSize - batch.length, 0);
      if (more.length) batch.push(...more);
      else await sleep(Math.min(20, closes - Date.now()));
    }
    return batch;
  }

  async function process(messages: Message[], arn: string, region: string): Promise<void> {
    const event = sqsEvent(messages, { arn, region });
    stats.invocations += 1;
    stats.maxBatch = Math.max(stats.maxBatch, messages.length);
    let answer: unknown;
    try {
      answer = await invoke(options.handler, event, {
        ...options.function,
        region,
        timeoutMs: options.functionTimeoutMs,
      });
    } catch (e) {
      if (e instanceof LambdaTimeoutError) stats.timedOut += 1;
      else stats.thrown += 1;
      return;
    }
    const ids = new Set(messages.map((m) => m.MessageId));
    let failed = new Set<string>();
    if (options.reportBatchItemFailures) {
      const parsed = BatchResponse.safeParse(answer);
      const listed = parsed.success ? (parsed.data?.batchItemFailures ?? []) : null;
      if (!listed || listed.some((f) => !ids.has(f.itemIdentifier))) {
        stats.invalidResponses += 1;
        return;
      }
      failed = new Set(listed.map((f) => f.itemIdentifier));
    }
    stats.failedItems += failed.size;
    const done = messages.filter((m) => m.MessageId && !failed.has(m.MessageId));
    if (done.length === 0) return;
    // DeleteMessageBatch takes 10 entries.
    for (let k = 0; k < done.length; k += 10) {
      const out = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.slice(k, k + 10).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      stats.deleted += out.Successful?.length ?? 0;
      stats.deleteFailures += out.Failed?.length ?? 0;
    }
  }

  async function poll(arn: string, region: string): Promise<void> {
    while (running) {
      let messages: Message[];
      try {
        messages = await receiveBatch();
      } catch (e) {
        report(e);
        await sleep(100);
        continue;
      }
      if (messages.length === 0) continue;
      stats.receives += 1;
      stats.received += messages.length;
      busy += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, busy);
      try {
        await process(messages, arn, region);
      } catch (e) {
        report(e);
      } finally {
        busy -= 1;
      }
    }
  }

  async function resolveSource() {
    if (source) return source;
    const out = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["QueueArn", "VisibilityTimeout"],
      }),
    );
    const arn = out.Attributes?.QueueArn;
    if (!arn) throw new Error(`no QueueArn for ${queueUrl}`);
    // Lambda refuses this mapping too: a batch still running when its messages reappear gets processed twice.
    const visibilityS = Number(out.Attributes?.VisibilityTimeout ?? "30");
    if (visibilityS * 1000 < options.functionTimeoutMs) {
      throw new Error(
        `queue visibility timeout (${visibilityS} s) is less than the function timeout ` +
          `(${options.functionTimeoutMs / 1000} s): ${queueUrl}`,
      );
    }
    source = { arn, region: regionOfArn(arn) };
    return source;
  }

  return {
    stats,
    async start() {
      if (running) return;
      const { arn, region } = await resolveSource();
      running = true;
      pollers = Array.from({ length: concurrency }, () => poll(arn, region));
    },
    async stop() {
      running = false;
      await Promise.all(pollers);
      pollers = [];
    },
    async drain({ idleMs = 200, timeoutMs = 60_000, ignoreDelayed = false } = {}) {
      const giveUp = Date.now() + timeoutMs;
      const step = Math.max(10, Math.min(50, Math.floor(idleMs / 4)));
      let idleSince: number | undefined;
      for (;;) {
        const depth = await queueDepth(client, queueUrl);
        const pending = ignoreDelayed ? depth.total - depth.delayed : depth.total;
        const idle = pending === 0 && busy === 0;
        const now = Date.now();
        if (!idle) idleSince = undefined;
        else if (idleSince === undefined) idleSince = now;
        else if (now - idleSince >= idleMs) return { ...stats };
        if (now > giveUp) {
          throw new Error(
            `drain: ${queueUrl} not empty after ${timeoutMs} ms (${JSON.stringify(depth)}, ${busy} running, ` +
              `pollers ${running ? "running" : "stopped"}; stats ${JSON.stringify(stats)})`,
          );
        }
        await sleep(step);
      }
    },
  };
}
