/** Webhook subscription management (docs/ramp-api.md §12.1). */
import * as z from "zod";

const str = z.string().nullish();

export const WebhookSubscriptionSchema = z.looseObject({
  id: z.string(),
  business_id: str,
  endpoint_url: z.string(),
  event_types: z.array(z.string()),
  status: str,
  additional_headers: z.record(z.string(), z.string()).nullish(),
  created_at: str,
  updated_at: str,
});
export type WebhookSubscription = z.infer<typeof WebhookSubscriptionSchema>;

/** Only the create answer carries the signing secret; it goes straight to Secrets Manager. */
export const WebhookCreatedSchema = WebhookSubscriptionSchema.extend({ secret: z.string().min(1) });
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const WebhookCreateSchema = z.strictObject({
  endpoint_url: z.url(),
  event_types: z.array(z.string().min(1)).min(1),
  additional_headers: z.record(z.string(), z.string()).optional(),
});
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

export const WebhookListSchema = z.union([
  z.array(WebhookSubscriptionSchema),
  // Tolerate a paged envelope should Ramp ever wrap the bare array.
  z.looseObject({ data: z.array(WebhookSubscriptionSchema) }).transform((p) => p.data),
]);

export const WebhookVerifyResponseSchema = z.looseObject({ success: z.boolean().nullish() });
