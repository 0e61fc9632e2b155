/**
 * What the webhook runs on (lib/webhook/receive.ts ReceiverDeps): tenants
 * (reaching only their own secrets), delivery dedupe and challenge rows in the
 * store, the tenants' signing secrets from Secrets Manager (cached), and the
 * poll-jobs queue. Built from a handler's parts; tests hand `makeHandler` their own.
 */
import { sendAllOrThrow } from "../../lib/aws/sqs.js";
import { secretsManagerStore } from "../../lib/aws/webhook-secrets.js";
import type { WebhookEnv } from "../../lib/config/env.js";
import type { ReceiptsMessage } from "../../lib/receipts/message.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { Observability } from "../../lib/runtime/handler-stack.js";
import { createChallengeStore } from "../../lib/store/challenges.js";
import { createStore } from "../../lib/store/index.js";
import type { ReceiverDeps } from "../../lib/webhook/receive.js";
import { createWebhookSecretSource } from "../../lib/webhook/secret-source.js";
import { ownSecretsOnly } from "../../lib/webhook/tenant-guard.js";

export interface WebhookDeps {
  obs: Observability;
  receiver: ReceiverDeps;
}

export function webhookDeps(parts: HandlerParts<WebhookEnv>): WebhookDeps {
  const { env, aws, obs } = parts;
  const store = createStore({ doc: aws.doc, tableName: env.TABLE_NAME, logger: obs.log });
  return {
    obs,
    receiver: {
      tenants: ownSecretsOnly(store.tenants),
      events: store.webhookEvents,
      challenges: createChallengeStore({ doc: aws.doc, tableName: env.TABLE_NAME }),
      secrets: createWebhookSecretSource({
        store: secretsManagerStore(aws.secrets),
        ttlMs: env.WEBHOOK_SECRET_CACHE_SECONDS * 1000,
      }),
      async sendPollJob(job, delaySeconds) {
        await sendAllOrThrow(aws.sqs, env.POLL_JOBS_QUEUE_URL, [
          { id: job.type, body: JSON.stringify(job), delaySeconds },
        ]);
      },
      async sendButtonJob(job) {
        await sendAllOrThrow(aws.sqs, env.BUTTON_JOBS_QUEUE_URL, [
          { id: job.type, body: JSON.stringify(job) },
        ]);
      },
      ...(env.RECEIPTS_QUEUE_URL
        ? {
            sendReceiptMessage: async (m: ReceiptsMessage) => {
              await sendAllOrThrow(aws.sqs, env.RECEIPTS_QUEUE_URL as string, [
                { id: m.type, body: JSON.stringify(m) },
              ]);
            },
          }
        : {}),
      buttonWindowMs: env.SYNC_BUTTON_WINDOW_MS,
      coalesceSeconds: env.WEBHOOK_COALESCE_SECONDS,
      log: obs.log,
    },
  };
}
