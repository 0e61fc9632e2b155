/**
 * SQS sending adapter: `SendMessageBatch` in chunks SQS accepts (≤ 10 entries
 * and ≤ 256 KiB per call), entries that failed on SQS's side retried with
 * backoff, entries SQS refused as malformed (sender fault) reported rather
 * than retried forever. A call SQS refuses as a whole for a sender fault is
 * split into one call per entry, so one bad entry is singled out instead of
 * sinking its nine neighbours. Per-entry outcomes come back; `sendAllOrThrow`
 * turns any failure into an error; `sendKeepingRefusals` throws only for
 * failures on SQS's side and hands refused entries back, so a poll job can
 * route the one object whose message SQS will never take and still finish.
 * `changeVisibility` brings received records back sooner than their visibility timeout.
 * The endpoint comes from AWS_ENDPOINT_URL_SQS when set (fauxqs locally).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type Sleep, sleep as timerSleep } from "../domain/time.js";
import { AwsAdapterError } from "./errors.js";

/** SQS's limits (a standard queue's default maximum message size; also the batch total). */
const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BYTES = 256 * 1024;

import type { FailedEntry, OutgoingMessage } from "../domain/queue.js";

export type { FailedEntry, OutgoingMessage };

export interface BatchSendResult {
  sent: string[];
  failed: FailedEntry[];
}

export interface SendBatchOptions {
  /** Rounds of retrying entries SQS failed on its side (default 3). */
  maxAttempts?: number;
  /** Per-call byte budget (default SQS_MAX_BYTES). */
  maxBatchBytes?: number;
  /** SendMessageBatch calls in flight at once (default 4; a standard queue does not keep order anyway). */
  concurrency?: number;
  sleep?: Sleep;
}

/** Bytes SQS counts for an entry: the body (we send no message attributes). */
const entryBytes = (m: OutgoingMessage) => Buffer.byteLength(m.body, "utf8");

/**
 * Splits messages into SendMessageBatch calls: at most 10 entries and at most
 * `maxBytes` in total each, order kept. Messages alone over `maxBytes` are
 * returned apart: no call could carry them. Pure.
 */
export function chunkForBatch(
  messages: readonly OutgoingMessage[],
  maxBytes = SQS_MAX_BYTES,
): { chunks: OutgoingMessage[][]; oversized: OutgoingMessage[] } {
  const chunks: OutgoingMessage[][] = [];
  const oversized: OutgoingMessage[] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = entryBytes(m);
    if (size > maxBytes) {
      oversized.push(m);
      continue;
    }
    if (current.length === SQS_MAX_BATCH_ENTRIES || bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return { chunks, oversized };
}

const toEntry = (m: OutgoingMessage): SendMessageBatchRequestEntry => ({
  Id: m.id,
  MessageBody: m.body,
  ...(m.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.floor(m.delaySeconds))) } : {}),
});

/** Sends every message; the result says, per entry id, what was sent and what failed for good. */
export async function sendMessageBatch(
  client: Pick<SQSClient, "send">,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  opts: SendBatchOptions = {},
): Promise<BatchSendResult> {
  const ids = new Set<string>();
  for (const m of messages) {
    if (ids.has(m.id)) throw new Error(`duplicate batch entry id ${m.id}`);
    ids.add(m.id);
  }
  const maxAttempts = opts.maxAttempts ?? 3;
  const sleep = opts.sleep ?? timerSleep;
  const { chunks, oversized } = chunkForBatch(messages, opts.maxBatchBytes);
  const result: BatchSendResult = {
    sent: [],
    failed: oversized.map((m) => ({
      id: m.id,
      code: "MessageTooLarge",
      message: `${entryBytes(m)} bytes exceed the ${opts.maxBatchBytes ?? SQS_MAX_BYTES}-byte limit`,
      senderFault: true,
    })),
  };
  const sendChunk = async (chunk: OutgoingMessage[]) => {
    let pending = chunk;
    for (let attempt = 1; pending.length; attempt++) {
      let res: SendMessageBatchCommandOutput;
      try {
        res = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending.map(toEntry) }),
        );
      } catch (err) {
        if (!isSenderFault(err)) throw err;
        // The whole call was refused for something in it: send each entry alone to find which.
        if (pending.length > 1) {
          for (const m of pending) await sendChunk([m]);
        } else {
          const m = pending[0] as OutgoingMessage;
          const e = err as { name?: string; message?: string };
          result.failed.push({
            id: m.id,
            code: e.name ?? "Unknown",
            message: e.message ?? "",
            senderFault: true,
          });
        }
        return;
      }
      for (const ok of res.Successful ?? []) if (ok.Id) result.sent.push(ok.Id);
      const retry: OutgoingMessage[] = [];
      for (const f of res.Failed ?? []) {
        const m = pending.find((p) => p.id === f.Id);
        const failure = {
          id: f.Id ?? "?",
          code: f.Code ?? "Unknown",
          message: f.Message ?? "",
          senderFault: f.SenderFault === true,
        };
        if (m && !failure.senderFault && attempt < maxAttempts) retry.push(m);
        else result.failed.push(failure);
      }
      pending = retry;
      if (pending.length) await sleep(50 * 2 ** (attempt - 1));
    }
  };
  const queue = [...chunks];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await sendChunk(c);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  return result;
}

/** An SDK error SQS blamed on the request (4xx), not on itself or the network. */
function isSenderFault(err: unknown): boolean {
  const e = err as { $fault?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (!e || typeof e !== "object") return false;
  if (e.$fault === "client") {
    // Throttling and auth are client faults that splitting cannot cure; treat them as SQS's side.
    const status = e.$metadata?.httpStatusCode ?? 400;
    const name = (err as Error).name ?? "";
    return (
      status !== 403 &&
      status !== 429 &&
      !/Throttl|RequestThrottled|AccessDenied|QueueDoesNotExist|NonExistentQueue/i.test(name)
    );
  }
  return false;
}

export class SqsSendError extends AwsAdapterError {
  override readonly name: string = "SqsSendError";
  constructor(
    readonly queueUrl: string,
    readonly failed: FailedEntry[],
  ) {
    super(
      `${failed.length} message(s) not sent: ${failed
        .slice(0, 3)
        .map((f) => `${f.id} ${f.code}`)
        .join(", ")}`,
    );
  }
}

/** Like sendMessageBatch, but any entry that did not go out is an error. */
export async function sendAllOrThrow(
  client: Pick<SQSClient, "send">,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  opts?: SendBatchOptions,
): Promise<string[]> {
  const r = await sendMessageBatch(client, queueUrl, messages, opts);
  if (r.failed.length) throw new SqsSendError(queueUrl, r.failed);
  return r.sent;
}

/**
 * Like sendMessageBatch, but entries SQS refused for what they contain (sender faults:
 * invalid characters, size) come back instead of failing everything; entries that
 * failed on SQS's side after the retries are an error, so the caller's own delivery is
 * retried by SQS.
 */
export async function sendKeepingRefusals(
  client: Pick<SQSClient, "send">,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  opts?: SendBatchOptions,
): Promise<{ sent: string[]; refused: FailedEntry[] }> {
  const r = await sendMessageBatch(client, queueUrl, messages, opts);
  const theirs = r.failed.filter((f) => !f.senderFault);
  if (theirs.length) throw new SqsSendError(queueUrl, theirs);
  return { sent: r.sent, refused: r.failed.filter((f) => f.senderFault) };
}

export interface VisibilityChange {
  /** The record's `eventSourceARN` (arn:aws:sqs:<region>:<account>:<queue name>). */
  queueArn: string;
  receiptHandle: string;
  seconds: number;
}

/**
 * ChangeMessageVisibility for received records, 10 per call, each to the queue its ARN names
 * among `queueUrls` (matched by queue name, the URL's last segment). Records of a queue not
 * listed are left as they are. Best effort by nature: a record whose change fails simply waits
 * out its visibility timeout; the failures are returned for a log line.
 */
export async function changeVisibility(
  client: Pick<SQSClient, "send">,
  queueUrls: readonly string[],
  changes: readonly VisibilityChange[],
): Promise<{ changed: number; failed: number }> {
  const urlOf = new Map(queueUrls.map((u) => [u.split("/").at(-1) ?? u, u]));
  const byQueue = new Map<string, VisibilityChange[]>();
  for (const c of changes) {
    const url = urlOf.get(c.queueArn.split(":").at(-1) ?? "");
    if (url) byQueue.set(url, [...(byQueue.get(url) ?? []), c]);
  }
  let changed = 0;
  let failed = 0;
  for (const [QueueUrl, list] of byQueue) {
    for (let i = 0; i < list.length; i += 10) {
      const entries = list.slice(i, i + 10).map((c, k) => ({
        Id: `v${k}`,
        ReceiptHandle: c.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(c.seconds))),
      }));
      try {
        const res = await client.send(
          new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: entries }),
        );
        changed += res.Successful?.length ?? 0;
        failed += res.Failed?.length ?? 0;
      } catch {
        failed += entries.length;
      }
    }
  }
  return { changed, failed };
}
