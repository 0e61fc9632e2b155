/**
 * What both poller handlers build once per cold start: validated environment,
 * DynamoDB store, SQS client, Powertools logger/metrics, and a Ramp client per
 * tenant (credentials from Secrets Manager, token and rate-limit state shared
 * through DynamoDB). Endpoints come from AWS_ENDPOINT_URL_* when set (emulators).
 */

import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type OutgoingMessage, sendAllOrThrow, sendKeepingRefusals } from "../../lib/aws/sqs.js";
import { createTenantRampClients } from "../../lib/aws/tenant-ramp.js";
import { envOnce } from "../../lib/config/env.js";
import { PollerRuntimeEnvSchema } from "../../lib/config/poller-env.js";
import type { Backlog } from "../../lib/poll/work.js";
import type { RampLogger } from "../../lib/ramp/ports.js";
import { createLogger, createMetrics, rampLoggerOf } from "../../lib/runtime/observability.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore } from "../../lib/store/index.js";

export const pollerEnv = envOnce(PollerRuntimeEnvSchema);

export function createPollerRuntime(functionName: string) {
  const env = pollerEnv();
  const doc = createDocumentClient({ region: env.AWS_REGION });
  const tableName = env.TABLE_NAME;
  const store = createStore({ doc, tableName });
  // Queue URLs are used as given; the endpoint is the regional one (or AWS_ENDPOINT_URL_SQS locally).
  const sqs = new SQSClient({ region: env.AWS_REGION, useQueueUrlAsEndpoint: false });
  const powertools = createLogger(functionName, env.LOG_LEVEL);
  const logger: RampLogger & { raw: typeof powertools } = { ...rampLoggerOf(powertools), raw: powertools };
  const metrics = createMetrics(functionName);
  const rampClientFor = createTenantRampClients({
    store: { doc, tableName },
    secrets: new SecretsManagerClient({ region: env.AWS_REGION }),
    logger,
  });

  const send = (queueUrl: string) => async (messages: OutgoingMessage[]) => {
    await sendAllOrThrow(sqs, queueUrl, messages);
  };

  return {
    env,
    store,
    sqs,
    logger,
    metrics,
    /** Entries SQS refused for their content come back (the job routes them); anything else throws. */
    sendWork: async (queue: "work" | "priority", messages: OutgoingMessage[]) =>
      (
        await sendKeepingRefusals(
          sqs,
          queue === "work" ? env.WORK_QUEUE_URL : env.PRIORITY_QUEUE_URL,
          messages,
        )
      ).refused,
    sendPollJobs: send(env.POLL_JOBS_QUEUE_URL),

    rampClientFor,

    /** One EMF metric per tenant × kind: `SyncReadyBacklog`. */
    emitBacklog(tenantId: string, backlog: Backlog) {
      for (const [kind, count] of Object.entries(backlog)) {
        const single = metrics.singleMetric();
        single.addDimensions({ tenantId, kind });
        single.addMetric("SyncReadyBacklog", MetricUnit.Count, count ?? 0);
      }
    },

    /** `InvalidRampObjects` per tenant × kind × outcome: listed objects the poll could not read. */
    countInvalid(tenantId: string, kind: string, outcome: "routed" | "unroutable", n: number) {
      const single = metrics.singleMetric();
      single.addDimensions({ tenantId, kind, outcome });
      single.addMetric("InvalidRampObjects", MetricUnit.Count, n);
    },
  };
}
export type PollerRuntime = ReturnType<typeof createPollerRuntime>;
