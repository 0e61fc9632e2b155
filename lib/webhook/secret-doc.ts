/**
 * The webhook signing secret(s) of one tenant, as stored in Secrets Manager
 * under the tenant's `ramp.webhookSecretId` (JSON). Several secrets can be live
 * at once: during a rotation the new subscription is created and verified
 * before the old one is deleted, and deliveries signed with either must pass.
 * `businessId` (from the subscription) lets the receiver refuse an envelope
 * for another Ramp business; `setupUntil` tells it a subscription is being set
 * up right now, so a verification delivery signed with a secret not stored yet
 * is answered 503 (Ramp retries) instead of 401 (Ramp gives up). Pure (zod).
 */
import * as z from "zod";
import { registerSecret } from "../domain/redact.js";

const WebhookSecretEntrySchema = z.object({
  secret: z.string().min(1),
  subscriptionId: z.string().min(1).nullable().default(null),
  addedAt: z.string().nullable().default(null),
});
export type WebhookSecretEntry = z.infer<typeof WebhookSecretEntrySchema>;

export const WebhookSecretDocSchema = z.preprocess(
  // A hand-made secret may hold just `{ "secret": "…" }`.
  (v) =>
    v && typeof v === "object" && "secret" in v && !("secrets" in v)
      ? { ...(v as object), secrets: [{ secret: (v as { secret: unknown }).secret }] }
      : v,
  z.object({
    v: z.literal(1).default(1),
    businessId: z.string().min(1).nullable().default(null),
    secrets: z.array(WebhookSecretEntrySchema).default([]),
    setupUntil: z.iso.datetime().nullable().default(null),
  }),
);
export type WebhookSecretDoc = z.infer<typeof WebhookSecretDocSchema>;

export const emptySecretDoc = (): WebhookSecretDoc => ({
  v: 1,
  businessId: null,
  secrets: [],
  setupUntil: null,
});

/** Parses a SecretString; a bare non-JSON string is taken as one secret. */
export function parseSecretDoc(secretString: string): WebhookSecretDoc {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    json = { secret: secretString.trim() };
  }
  const doc = WebhookSecretDocSchema.parse(json);
  for (const s of doc.secrets) registerSecret(s.secret);
  return doc;
}

export const serializeSecretDoc = (doc: WebhookSecretDoc): string => JSON.stringify(doc);

/** True while a subscription set-up is in progress (its verification may arrive before its secret is stored). */
export const settingUp = (doc: WebhookSecretDoc, now: number): boolean =>
  doc.setupUntil !== null && Date.parse(doc.setupUntil) > now;
