/**
 * `dlq list | redrive`: what sits in the dead-letter queues and why, and moving
 * it back once the cause is fixed. SQS keeps no reason for a failure, so each
 * consumer records one per message id (lib/store/message-failures.ts, written
 * by the batch processor) and `list` joins them to the DLQ's messages by id.
 * The queues are the target's (ops/target.ts); a queue whose DLQ the target
 * does not name is refused (exit 2) rather than guessed.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type Command, Option } from "commander";
import { QUEUE_NAMES, type QueueName } from "../infra/functions.js";
import { approximateDepth, type BodySummary, peekDlq, redriveDlq } from "../lib/aws/dlq.js";
import type { MessageFailure } from "../lib/domain/message-failure.js";
import {
  type CommandKit,
  dryRunOption,
  emit,
  jsonOption,
  type OpsIo,
  positiveInt,
  refusingTarget,
} from "./command-kit.js";
import type { OpsContext } from "./context.js";
import { OpsTargetError } from "./target.js";

const EXIT_FAILED = 1;
/** Messages listed per queue unless --max says otherwise. */
const LIST_DEFAULT_MAX = 10;

interface DlqRef {
  queue: QueueName;
  url: string;
  dlqUrl: string;
}

/** `dlq list --json`: `{ queues: ListedQueue[] }` (ops/README.md). */
export interface ListedQueue {
  queue: QueueName;
  dlqUrl: string;
  depth: number;
  messages: ListedMessage[];
}

export interface ListedMessage {
  messageId: string;
  body: BodySummary;
  sentAt: string | null;
  ageSeconds: number | null;
  receiveCount: number | null;
  lastError: { error: string; functionName: string; at: string; receiveCount: number | null } | null;
}

/** The DLQs to act on: the one asked for, or every queue of the target that names one. */
function dlqsOf(ctx: OpsContext, queue: QueueName | undefined): DlqRef[] {
  const named = queue ? [queue] : QUEUE_NAMES.filter((q) => ctx.target().queues[q]);
  const refs = named.flatMap((q) => {
    const { url, dlqUrl } = ctx.queue(q);
    if (dlqUrl) return [{ queue: q, url, dlqUrl }];
    if (queue)
      throw new OpsTargetError(`the target "${ctx.target().name}" names no DLQ for the ${q} queue`, {
        hint: `set queues.${q}.dlqUrl in the target, or the environment's DLQ URL (e.g. WORK_DLQ_URL)`,
      });
    return [];
  });
  if (!refs.length)
    throw new OpsTargetError(`the target "${ctx.target().name}" names no DLQ`, {
      hint: "set queues.<name>.dlqUrl in the target, or <QUEUE>_DLQ_URL in the environment (ops/README.md)",
    });
  return refs;
}

/** 90 → "1m30s": the age of a message at a glance. */
export function formatAge(seconds: number): string {
  const units: Array<[string, number]> = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [u, n] of units) {
    if (rest >= n || (u === "s" && !parts.length)) parts.push(`${Math.floor(rest / n)}${u}`);
    rest %= n;
    if (parts.length === 2) break;
  }
  return parts.join("");
}

function describeBody(b: BodySummary): string {
  if (b.type === "work") return `work ${b.tenantId}/${b.kind}/${b.rampId}`;
  if (b.type === "poll-job") return `poll job ${b.tenantId}${b.kind ? `/${b.kind}` : ""}`;
  return `unrecognised${b.tenantId ? ` (tenant ${b.tenantId})` : ""}: ${b.preview ?? ""}`;
}

const lastErrorOf = (f: MessageFailure | undefined): ListedMessage["lastError"] =>
  f
    ? {
        error: f.error,
        functionName: f.functionName,
        at: new Date(f.at).toISOString(),
        receiveCount: f.receiveCount ?? null,
      }
    : null;

async function list(ctx: OpsContext, io: OpsIo, o: { queue?: QueueName; max?: number; json?: boolean }) {
  const sqs: SQSClient = ctx.aws().sqs;
  const now = ctx.now();
  const queues: ListedQueue[] = [];
  for (const ref of dlqsOf(ctx, o.queue)) {
    const depth = await approximateDepth(sqs, ref.dlqUrl);
    const peeked = await peekDlq({ client: sqs, dlqUrl: ref.dlqUrl, max: o.max ?? LIST_DEFAULT_MAX });
    const failures = await ctx.store().messageFailures.getMany(peeked.map((m) => m.messageId));
    const messages: ListedMessage[] = peeked.map((m) => ({
      messageId: m.messageId,
      body: m.body,
      sentAt: m.sentAt ? new Date(m.sentAt).toISOString() : null,
      ageSeconds: m.sentAt ? Math.max(0, Math.floor((now - m.sentAt) / 1000)) : null,
      receiveCount: m.receiveCount ?? null,
      lastError: lastErrorOf(failures.get(m.messageId)),
    }));
    queues.push({ queue: ref.queue, dlqUrl: ref.dlqUrl, depth, messages });
  }
  emit(io, o.json, { queues }, () =>
    queues.flatMap((q) => [
      `${q.queue} DLQ: ${q.depth} message${q.depth === 1 ? "" : "s"}${q.messages.length < q.depth ? ` (showing ${q.messages.length})` : ""}`,
      ...q.messages.map(
        (m) =>
          `  ${m.messageId}  ${describeBody(m.body)}  age ${m.ageSeconds === null ? "?" : formatAge(m.ageSeconds)}` +
          `  received ${m.receiveCount ?? "?"}×  ${m.lastError ? `last error (${m.lastError.functionName}): ${m.lastError.error}` : "no recorded error"}`,
      ),
    ]),
  );
  return 0;
}

async function redrive(
  ctx: OpsContext,
  io: OpsIo,
  o: { queue?: QueueName; max?: number; dryRun?: boolean; json?: boolean },
) {
  const sqs = ctx.aws().sqs;
  const refs = dlqsOf(ctx, o.queue);
  if (o.dryRun) {
    const queues: Array<{ queue: QueueName; wouldMove: number }> = [];
    for (const ref of refs) {
      const depth = await approximateDepth(sqs, ref.dlqUrl);
      queues.push({ queue: ref.queue, wouldMove: o.max === undefined ? depth : Math.min(depth, o.max) });
    }
    emit(io, o.json, { dryRun: true, queues }, () =>
      queues.map(
        (q) => `dry run: would move ${q.wouldMove} from the ${q.queue} DLQ back to ${q.queue}; nothing moved`,
      ),
    );
    return 0;
  }
  const queues: Array<{ queue: QueueName; moved: number; failed: number }> = [];
  for (const ref of refs) {
    const r = await redriveDlq({
      client: sqs,
      dlqUrl: ref.dlqUrl,
      targetUrl: ref.url,
      // A short poll on AWS samples only some servers and may answer empty while messages remain.
      waitTimeSeconds: 1,
      ...(o.max !== undefined ? { maxMessages: o.max } : {}),
    });
    queues.push({ queue: ref.queue, moved: r.moved, failed: r.failed });
  }
  emit(io, o.json, { queues }, () =>
    queues.map(
      (q) =>
        `moved ${q.moved} from the ${q.queue} DLQ back to ${q.queue}` +
        (q.failed ? `; ${q.failed} could not be sent and stay in the DLQ` : ""),
    ),
  );
  return queues.some((q) => q.failed > 0) ? EXIT_FAILED : 0;
}

const queueOption = () =>
  new Option("--queue <name>", "one queue (default: every queue of the target with a DLQ)").choices(
    QUEUE_NAMES,
  );

export function registerDlqCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const dlq = sub(program, "dlq", "dead-letter queues: list (with why each message failed), redrive");
  sub(
    dlq,
    "list",
    "each DLQ's depth and messages: what each is, its age, receive count and last recorded error",
  )
    .addOption(queueOption())
    .option("--max <n>", `messages listed per queue (default ${LIST_DEFAULT_MAX})`, positiveInt("--max"))
    .addOption(jsonOption())
    .action(async (o: { queue?: QueueName; max?: number; json?: boolean }) => {
      exit(await refusingTarget(io, o.json, () => list(kit.ctx(), io, o)));
    });
  sub(dlq, "redrive", "move DLQ messages back to their source queue (after fixing what failed them)")
    .addOption(queueOption())
    .option("--max <n>", "move at most this many per queue (default: all)", positiveInt("--max"))
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(async (o: { queue?: QueueName; max?: number; dryRun?: boolean; json?: boolean }) => {
      exit(await refusingTarget(io, o.json, () => redrive(kit.ctx(), io, o)));
    });
}
