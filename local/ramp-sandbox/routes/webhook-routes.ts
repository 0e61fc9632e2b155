/**
 * Webhook subscriptions: create → `pending_verification` with a `secret` and a signed
 * `webhooks.verification` delivery carrying a `challenge` → `POST /{id}/verify` → `active`.
 * The endpoints declare no scope, but subscribing to an event needs its resource's read scope.
 */
import { requireScopes } from "../auth.js";
import { asObject, reqString } from "../body.js";
import { isoTime } from "../clock.js";
import { notFound, refused, validation } from "../errors.js";
import { type Ctx, noContent, ok, type Route, route } from "../http.js";
import type { Subscription } from "../webhooks.js";

const P = "/developer/v1/webhooks";

/** 2025 enum plus the 2026 events an ERP integration uses. */
export const EVENT_TYPES = [
  "transactions.authorized",
  "transactions.cleared",
  "transactions.ready_for_review",
  "transactions.ready_to_sync",
  "transactions.receipt_added",
  "transactions.sync_requested",
  "transactions.synced",
  "transactions.receipt_added",
  "reimbursements.ready_for_review",
  "reimbursements.ready_to_sync",
  "reimbursements.sync_requested",
  "bills.created",
  "bills.approved",
  "bills.rejected",
  "bills.paid",
  "bills.ready_to_sync",
  "bills.updated",
  "purchase_orders.created",
  "purchase_orders.updated",
  "tests.test_event",
  "webhooks.verification",
];

const RESERVED = [/^host$/i, /^user-agent$/i, /^x-forwarded/i, /^x-real/i, /^x-original/i];

function toApi(s: Subscription, withSecret: boolean): Record<string, unknown> {
  return {
    id: s.id,
    business_id: s.businessId,
    endpoint_url: s.endpointUrl,
    event_types: s.eventTypes,
    additional_headers: s.additionalHeaders,
    status: s.status,
    created_at: isoTime(s.createdAt),
    updated_at: isoTime(s.updatedAt),
    ...(withSecret ? { secret: s.secret } : {}),
  };
}

function find(ctx: Ctx): Subscription {
  const id = ctx.params.webhook_id as string;
  const s = ctx.biz.webhooks.find((w) => w.id === id);
  if (!s) throw notFound("Webhook subscription", id);
  return s;
}

export const webhookRoutes: Route[] = [
  route("POST", P, [], (ctx) => {
    const body = asObject(ctx.body);
    const url = reqString(body, "endpoint_url");
    if (!/^https?:\/\//.test(url)) throw validation("endpoint_url: must be an http(s) URL", "endpoint_url");
    const types = body.event_types;
    if (
      !Array.isArray(types) ||
      types.length === 0 ||
      types.some((t) => typeof t !== "string" || !EVENT_TYPES.includes(t))
    ) {
      throw validation("event_types: a non-empty list of known event types", "event_types");
    }
    const headers =
      body.additional_headers === undefined ? {} : asObject(body.additional_headers, "additional_headers");
    const entries = Object.entries(headers);
    if (entries.length > 5) throw validation("additional_headers: at most 5 headers", "additional_headers");
    for (const [k, v] of entries) {
      if (k.length > 100 || typeof v !== "string" || v.length < 1 || v.length > 1000) {
        throw validation(
          `additional_headers.${k}: name ≤ 100 chars, value 1–1000 chars`,
          "additional_headers",
        );
      }
      if (RESERVED.some((r) => r.test(k))) throw refused(`additional_headers: ${k} is reserved`);
    }
    const resources = [...new Set((types as string[]).map((t) => t.split(".")[0] as string))].filter(
      (r) => r !== "tests" && r !== "webhooks",
    );
    if (ctx.token)
      requireScopes(
        ctx.sb,
        ctx.token,
        resources.map((r) => `${r}:read`),
      );
    const now = ctx.sb.clock.now();
    const sub: Subscription = {
      id: ctx.sb.rng.uuid(),
      businessId: ctx.biz.id,
      endpointUrl: url,
      eventTypes: types as string[],
      additionalHeaders: headers as Record<string, string>,
      status: "pending_verification",
      secret: ctx.sb.rng.hex(24),
      challenge: ctx.sb.rng.hex(16),
      createdAt: now,
      updatedAt: now,
    };
    ctx.biz.webhooks.push(sub);
    ctx.sb.webhooks.sendVerification(sub);
    return ok(toApi(sub, true), 201);
  }),
  route("GET", P, [], (ctx) => ok(ctx.biz.webhooks.map((s) => toApi(s, false)))),
  // Delivered, really signed and without a test marker, to every matching active subscription.
  route("POST", `${P}/mock-webhook-event`, [], (ctx) => {
    const body = asObject(ctx.body);
    const type = reqString(body, "event_type");
    if (!EVENT_TYPES.includes(type)) throw validation("event_type: unknown event type", "event_type");
    const objectId = reqString(body, "object_id");
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(objectId)) {
      throw validation("object_id: must be a valid uuid", "object_id");
    }
    const metadata =
      body.object_metadata === undefined ? {} : asObject(body.object_metadata, "object_metadata");
    const object = { ...metadata, id: objectId };
    const [id] = ctx.sb.webhooks.emit(ctx.biz.id, ctx.biz.webhooks, [{ type, object }]);
    return ok({ id, type, business_id: ctx.biz.id, object }, 201);
  }),
  route("GET", `${P}/{webhook_id}`, [], (ctx) => ok(toApi(find(ctx), false))),
  route("DELETE", `${P}/{webhook_id}`, [], (ctx) => {
    const s = find(ctx);
    ctx.biz.webhooks = ctx.biz.webhooks.filter((w) => w.id !== s.id);
    return noContent();
  }),
  route("POST", `${P}/{webhook_id}/verify`, [], (ctx) => {
    const s = find(ctx);
    const challenge = reqString(asObject(ctx.body), "challenge");
    if (challenge !== s.challenge) throw refused("Challenge does not match");
    s.status = "active";
    s.updatedAt = ctx.sb.clock.now();
    return ok({ success: true });
  }),
];
