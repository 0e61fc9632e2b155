/** Webhook subscriptions (docs/ramp-api.md §12). */
import {
  type WebhookCreate,
  type WebhookCreated,
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookListSchema,
  type WebhookSubscription,
  WebhookSubscriptionSchema,
  WebhookVerifyResponseSchema,
} from "../schemas/webhooks.js";
import { enc, type RampCore, V1 } from "./core.js";

export interface WebhooksApi {
  createWebhook(body: WebhookCreate): Promise<WebhookCreated>;
  listWebhooks(): Promise<WebhookSubscription[]>;
  getWebhook(id: string): Promise<WebhookSubscription>;
  deleteWebhook(id: string): Promise<void>;
  verifyWebhook(id: string, challenge: string): Promise<boolean>;
}

export function webhooksApi({ http, get, send, del }: RampCore): WebhooksApi {
  const base = `${V1}/webhooks`;
  return {
    createWebhook(body) {
      return http.request({
        method: "POST",
        path: base,
        body: WebhookCreateSchema.parse(body),
        schema: WebhookCreatedSchema,
        // A repeated POST would subscribe twice.
        idempotent: false,
      });
    },
    listWebhooks() {
      return get(base, WebhookListSchema);
    },
    getWebhook(id) {
      return get(`${base}/${enc(id)}`, WebhookSubscriptionSchema);
    },
    deleteWebhook(id) {
      return del(`${base}/${enc(id)}`);
    },
    async verifyWebhook(id, challenge) {
      const res = await send("POST", `${base}/${enc(id)}/verify`, { challenge }, WebhookVerifyResponseSchema);
      return res.success !== false;
    },
  };
}
