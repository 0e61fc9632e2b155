/**
 * What both poller Lambdas (the schedule fan-out and the poll job) run on: the
 * store, the queues they send to, a Ramp client per tenant (lib/aws/tenant-runtime.ts),
 * the EMF metrics of each walk (backlog as seen), and the fan-out / resume knobs from
 * the environment. `pollerDeps` builds them from a handler's parts; tests hand
 * `makeHandler` their own.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  type FailedEntry,
  type OutgoingMessage,
  sendAllOrThrow,
  sendKeepingRefusals,
} from "../../lib/aws/sqs.js";
import { tenantRuntimesOf } from "../../lib/aws/tenant-runtime.js";
import type { PollerRuntimeEnv } from "../../lib/config/poller-env.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import type { Kind } from "../../lib/domain/kinds.js";
import type { MessageFailures } from "../../lib/domain/message-failure.js";
import type { DeadlineCrashHook } from "../../lib/poll/button-deadline.js";
import type { Backlog } from "../../lib/poll/work.js";
import type { RampClient } from "../../lib/ramp/client.js";
import type { ReceiptsMessage } from "../../lib/receipts/message.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { Observability } from "../../lib/runtime/handler-stack.js";
import { createStore, type Store } from "../../lib/store/index.js";

export interface PollerSettings {
  jitterMaxSeconds: number;
  dueToleranceMs: number;
  reserveMs: number;
  pageSize: number;
}

export interface PollerDeps {
  obs: Observability;
  store: Store;
  rampFor(tenant: TenantConfig): Pick<RampClient, "http" | "listEntities" | "postSync">;
  /** Entries SQS refused for their content come back (the job routes them); anything else throws. */
  sendWork(queue: "work" | "priority", messages: OutgoingMessage[]): Promise<FailedEntry[] | undefined>;
  /** Must throw unless every job was sent. */
  sendPollJobs(messages: OutgoingMessage[]): Promise<void>;
  /** Sync Button jobs, their continuations and deadline jobs (the button-jobs queue); must throw unless sent. */
  sendButtonJobs(messages: OutgoingMessage[]): Promise<void>;
  /** After a scheduled poll: the tenant's receipts poll (lib/receipts/poll.ts); absent = none. */
  sendReceiptsPoll?(tenantId: string): Promise<void>;
  settings: PollerSettings;
  /** Where failed records are written down (message id → last error, for `ops dlq list`); absent = not recorded. */
  failures?: MessageFailures;
  clock?: () => number;
  /** Kill tests only: a hook inside the deadline job's multi-step write (lib/poll/button-deadline.ts). */
  deadlineCrash?: DeadlineCrashHook;
}

export function pollerDeps(parts: HandlerParts<PollerRuntimeEnv>): PollerDeps {
  const { env, aws, obs } = parts;
  const store = createStore({ doc: aws.doc, tableName: env.TABLE_NAME, logger: obs.log });
  const runtimes = tenantRuntimesOf(parts, store.tenants);
  return {
    obs,
    store,
    rampFor: runtimes.rampFor,
    failures: store.messageFailures,
    sendWork: async (queue, messages) =>
      (
        await sendKeepingRefusals(
          aws.sqs,
          queue === "work" ? env.WORK_QUEUE_URL : env.PRIORITY_QUEUE_URL,
          messages,
        )
      ).refused,
    sendPollJobs: async (messages) => {
      await sendAllOrThrow(aws.sqs, env.POLL_JOBS_QUEUE_URL, messages);
    },
    sendButtonJobs: async (messages) => {
      await sendAllOrThrow(aws.sqs, env.BUTTON_JOBS_QUEUE_URL, messages);
    },
    ...(env.RECEIPTS_QUEUE_URL
      ? {
          sendReceiptsPoll: async (tenantId: string) => {
            const body: ReceiptsMessage = { v: 1, type: "poll", tenantId };
            await sendAllOrThrow(aws.sqs, env.RECEIPTS_QUEUE_URL as string, [
              { id: "receipts-poll", body: JSON.stringify(body) },
            ]);
          },
        }
      : {}),
    settings: {
      jitterMaxSeconds: env.POLL_JITTER_MAX_SECONDS,
      dueToleranceMs: env.POLL_DUE_TOLERANCE_MINUTES * 60_000,
      reserveMs: env.POLL_TIME_RESERVE_MS,
      pageSize: env.POLL_PAGE_SIZE,
    },
  };
}

/**
 * One EMF metric per tenant × kind: `SyncReadyBacklog` as this walk saw it (dashboards, logs of a walk).
 * The backlog alarm reads the health tick's series instead (function sync-health, lib/health/signals.ts).
 */
export function backlogMetric(obs: Observability) {
  return (tenantId: string, backlog: Backlog) => {
    for (const [kind, count] of Object.entries(backlog)) {
      const single = obs.metrics.singleMetric();
      single.addDimensions({ tenantId, kind });
      single.addMetric("SyncReadyBacklog", MetricUnit.Count, count ?? 0);
    }
  };
}

/** `InvalidRampObjects` per tenant × kind × outcome: listed objects the poll could not read. */
export function invalidObjectsMetric(obs: Observability) {
  return (tenantId: string, kind: Kind, outcome: "routed" | "unroutable", n: number) => {
    const single = obs.metrics.singleMetric();
    single.addDimensions({ tenantId, kind, outcome });
    single.addMetric("InvalidRampObjects", MetricUnit.Count, n);
  };
}
