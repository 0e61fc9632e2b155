/**
 * Webhook Lambda behind API Gateway (HTTP API, `POST /webhooks/{tenantId}`):
 * thin. Turns the APIGatewayProxyEventV2 into the exact body bytes, headers and
 * tenant, hands them to lib/webhook (verify, dedupe, park, enqueue a poll or
 * Sync Button job) and answers with the status it decided. Dependencies are
 * built once per cold start from the environment; an unexpected failure is a
 * 500 so Ramp retries the delivery.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { sendAllOrThrow } from "../../lib/aws/sqs.js";
import { envOnce, type WebhookEnv, WebhookEnvSchema } from "../../lib/config/env.js";
import { createLogger, rampLoggerOf } from "../../lib/runtime/observability.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore } from "../../lib/store/index.js";
import { createChallengeStore } from "../../lib/webhook/challenges.js";
import { type ReceiverDeps, receiveDelivery } from "../../lib/webhook/receive.js";
import { createWebhookSecretSource } from "../../lib/webhook/secret-source.js";
import { secretsManagerStore } from "../../lib/webhook/secrets-manager.js";
import { ownSecretsOnly } from "../../lib/webhook/tenant-guard.js";

const powertools = createLogger("webhook");
const logger = rampLoggerOf(powertools);
const env = envOnce(WebhookEnvSchema);
let deps: ReceiverDeps | undefined;

/** Tests and the local runtime may hand in their own dependencies (undefined = build from the environment). */
export function configureWebhook(d: ReceiverDeps | undefined): void {
  deps = d;
}

export function buildWebhookDeps(e: WebhookEnv): ReceiverDeps {
  const doc = createDocumentClient({ region: e.AWS_REGION });
  const store = createStore({ doc, tableName: e.TABLE_NAME });
  // Queue URLs are used as given; the endpoint is the regional one (or AWS_ENDPOINT_URL_SQS locally).
  const sqs = new SQSClient({ region: e.AWS_REGION, useQueueUrlAsEndpoint: false });
  const secrets = createWebhookSecretSource({
    store: secretsManagerStore(new SecretsManagerClient({ region: e.AWS_REGION })),
    ttlMs: e.WEBHOOK_SECRET_CACHE_SECONDS * 1000,
  });
  return {
    tenants: ownSecretsOnly(store.tenants),
    events: store.webhookEvents,
    challenges: createChallengeStore({ doc, tableName: e.TABLE_NAME }),
    secrets,
    async sendPollJob(job, delaySeconds) {
      await sendAllOrThrow(sqs, e.POLL_JOBS_QUEUE_URL, [
        { id: job.type, body: JSON.stringify(job), delaySeconds },
      ]);
    },
    coalesceSeconds: e.WEBHOOK_COALESCE_SECONDS,
    log: logger,
  };
}

const reply = (statusCode: number, outcome: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ outcome }),
});

async function run(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (event.requestContext?.http?.method && event.requestContext.http.method !== "POST") {
    return reply(405, "method-not-allowed");
  }
  deps ??= buildWebhookDeps(env());
  // The signature covers the exact bytes Ramp sent: decode, never re-serialise.
  const rawBody =
    event.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
  try {
    const r = await receiveDelivery(deps, {
      tenantId: event.pathParameters?.tenantId,
      rawBody,
      headers: event.headers ?? {},
    });
    return reply(r.status, r.outcome);
  } catch (err) {
    logger.error("webhook delivery failed; Ramp will retry", {
      tenantId: event.pathParameters?.tenantId,
      error: err instanceof Error ? err.message : String(err),
    });
    return reply(500, "error");
  }
}

export const handler = middy(run).use(injectLambdaContext(powertools));
