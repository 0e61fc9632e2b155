/**
 * What invokes coa-push, parsed with zod: the daily EventBridge schedule (push
 * every enabled tenant, staggered), an SQS message `{ "tenantId": "…" }` (on
 * demand, e.g. after an ERP change), or a direct invoke with the same body.
 */
import * as z from "zod";

export const OnDemandSchema = z.strictObject({
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Delete options gone from the ERP instead of hiding them, for this run only. */
  optionRemoval: z.enum(["hide", "delete"]).optional(),
});
export type OnDemand = z.infer<typeof OnDemandSchema>;

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
