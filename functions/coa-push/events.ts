/**
 * What invokes coa-push, parsed with zod: the daily EventBridge schedule (fan
 * out one staggered message per enabled tenant, lib/coa/fleet.ts), an SQS
 * coa-request message `{ "tenantId": "…", "notBefore"?, "reason"? }` (from the
 * fan-out, on demand after an ERP change, or `ops coa-push`), or a direct
 * invoke with the same body. Messages from before `notBefore`/`reason` existed
 * (`{ tenantId }`) still parse: both are optional.
 */
import * as z from "zod";
import type { CoaPushRequest } from "../../lib/coa/fleet.js";

export const OnDemandSchema = z.strictObject({
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Delete options gone from the ERP instead of hiding them, for this run only. */
  optionRemoval: z.enum(["hide", "delete"]).optional(),
  /** Not to be pushed before this time (a staggered fleet push); absent = at once. */
  notBefore: z.iso.datetime({ offset: true }).optional(),
  /** Who asked: the daily schedule, one on-demand request, or bulk onboarding (`ops coa-push --all`). */
  reason: z.enum(["schedule", "on_demand", "bulk"]).optional(),
  /** How many times in a row this push was cut off by the deadline and sent on (make-handler.ts). */
  continuation: z.number().int().min(1).max(100).optional(),
});
export type OnDemand = z.infer<typeof OnDemandSchema>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The body lib/coa plans is exactly the body parsed here: a compile error if either side drifts.
true satisfies Same<CoaPushRequest, OnDemand>;

const ScheduledSchema = z.looseObject({
  source: z.literal("aws.events"),
  "detail-type": z.literal("Scheduled Event"),
  time: z.string(),
});

const SqsSchema = z.looseObject({
  Records: z
    .array(z.looseObject({ messageId: z.string(), body: z.string(), eventSource: z.literal("aws:sqs") }))
    .min(1),
});

export type CoaPushEvent =
  | { kind: "schedule"; time: string }
  | { kind: "sqs"; messages: Array<{ messageId: string; request: OnDemand | null; error: string | null }> }
  | { kind: "on_demand"; request: OnDemand };

export function parseCoaPushEvent(raw: unknown): CoaPushEvent {
  const scheduled = ScheduledSchema.safeParse(raw);
  if (scheduled.success) return { kind: "schedule", time: scheduled.data.time };
  const sqs = SqsSchema.safeParse(raw);
  if (sqs.success) {
    return {
      kind: "sqs",
      messages: sqs.data.Records.map(parseCoaPushMessage),
    };
  }
  const direct = OnDemandSchema.safeParse(raw);
  if (direct.success) return { kind: "on_demand", request: direct.data };
  throw new Error("coa-push: unrecognised event (expected a schedule, an SQS batch or { tenantId })");
}

/** One SQS record's `{ tenantId }` body; a malformed one carries its error instead. */
export function parseCoaPushMessage(r: { messageId: string; body: string }): {
  messageId: string;
  request: OnDemand | null;
  error: string | null;
} {
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    return { messageId: r.messageId, request: null, error: "body is not JSON" };
  }
  const parsed = OnDemandSchema.safeParse(body);
  return parsed.success
    ? { messageId: r.messageId, request: parsed.data, error: null }
    : { messageId: r.messageId, request: null, error: z.prettifyError(parsed.error) };
}
