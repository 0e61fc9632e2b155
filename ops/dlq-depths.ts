/**
 * The depth of every queue's DLQ on the target, for `ops status`. A queue the
 * target does not name (or names without its DLQ) is "unknown", not an error:
 * a target file may well describe only the queues an operator uses.
 */
import { QUEUE_NAMES, type QueueName } from "../infra/functions.js";
import { approximateDepth } from "../lib/aws/queue-depth.js";
import type { OpsContext } from "./context.js";
import { OpsTargetError } from "./target.js";

export interface DlqDepth {
  queue: QueueName;
  /** Messages waiting in the DLQ; null when unknown (`note` says why). */
  depth: number | null;
  note: string | null;
}

export async function dlqDepths(ctx: Pick<OpsContext, "queue" | "aws">): Promise<DlqDepth[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (queue): Promise<DlqDepth> => {
      let dlqUrl: string | undefined;
      try {
        dlqUrl = ctx.queue(queue).dlqUrl;
      } catch (e) {
        if (!(e instanceof OpsTargetError)) throw e;
        return { queue, depth: null, note: "unknown: the target names no such queue" };
      }
      if (!dlqUrl) return { queue, depth: null, note: "unknown: the target names no DLQ for it" };
      try {
        return { queue, depth: await approximateDepth(ctx.aws().sqs, dlqUrl), note: null };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return { queue, depth: null, note: `unknown: ${message.split("\n")[0]}` };
      }
    }),
  );
}
