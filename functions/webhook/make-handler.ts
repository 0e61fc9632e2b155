/**
 * Webhook Lambda behind API Gateway (HTTP API, `POST /webhooks/{tenantId}`, and
 * the single endpoint `POST /webhooks` whose tenant comes from the header the
 * subscription set, lib/webhook/tenant-header.ts): thin. Turns the
 * APIGatewayProxyEventV2 into the exact body bytes, headers and tenant, hands them to lib/webhook (verify, dedupe, park, enqueue a poll or
 * Sync Button job) and answers with the status it decided. An unexpected
 * failure is a 500 so Ramp retries the delivery.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { powertoolsHandler } from "../../lib/runtime/handler-stack.js";
import { receiveDelivery } from "../../lib/webhook/receive.js";
import { tenantFromHeader } from "../../lib/webhook/tenant-header.js";
import type { WebhookDeps } from "./deps.js";

const reply = (statusCode: number, outcome: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ outcome }),
});

export function makeHandler(deps: WebhookDeps) {
  const { log, metrics } = deps.obs;
  /**
   * `WebhookDeliveries` by outcome: forged (401), parked, duplicate… on the dashboard. A 401 also
   * carries its reason (signature, missing or unknown tenant header); the UnauthorizedWebhooks
   * alarm's query matches on outcome alone, so it counts every reason.
   */
  const count = (outcome: string, reason?: string) => {
    const single = metrics.singleMetric();
    single.addDimensions(reason ? { outcome, reason } : { outcome });
    single.addMetric("WebhookDeliveries", MetricUnit.Count, 1);
  };
  return powertoolsHandler(
    deps.obs,
    async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
      if (event.requestContext?.http?.method && event.requestContext.http.method !== "POST") {
        count("method-not-allowed");
        return reply(405, "method-not-allowed");
      }
      // The signature covers the exact bytes Ramp sent: decode, never re-serialise.
      const rawBody =
        event.body === undefined
          ? Buffer.alloc(0)
          : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
      const headers = event.headers ?? {};
      // The per-tenant route names the tenant in its path; the single endpoint has no path
      // parameter, and only then is the header read (a path always wins).
      const pathTenant = event.pathParameters?.tenantId;
      const via = pathTenant === undefined ? "header" : "path";
      const tenantId = via === "path" ? pathTenant : tenantFromHeader(headers);
      try {
        const r = await receiveDelivery(deps.receiver, { tenantId, via, rawBody, headers });
        count(r.outcome, r.reason);
        return reply(r.status, r.outcome);
      } catch (err) {
        log.error("webhook delivery failed; Ramp will retry", {
          tenantId,
          error: err instanceof Error ? err.message : String(err),
        });
        count("error");
        return reply(500, "error");
      }
    },
  );
}
