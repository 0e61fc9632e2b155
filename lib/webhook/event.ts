/**
 * What a signed delivery means for us, decided from its JSON (zod at the
 * boundary). Ramp's envelope is thin — `{ id, type, created_at, business_id,
 * object: { id, … } }` (docs/ramp-api.md §12.3) — and the `webhooks.verification`
 * delivery carries a top-level `challenge` instead of an object (docs/ramp-api.md §12.2).
 * Anything we cannot act on is `park`ed by the caller, never answered with a
 * 4xx: Ramp drops a delivery on a 4xx, and a signed event we do not understand
 * is exactly what someone must look at. Pure.
 */
import * as z from "zod";

const VerificationEventSchema = z.looseObject({
  type: z.literal("webhooks.verification"),
  id: z.string().min(1).nullish(),
  business_id: z.string().min(1).nullish(),
  challenge: z.string().min(1),
});

const EventEnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: z.string().nullish(),
  business_id: z.string().min(1).nullish(),
  object: z.looseObject({ id: z.string().min(1) }),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

const SyncRequestedObjectSchema = z.looseObject({ sync_request_id: z.string().min(1) });

/** `*.ready_to_sync` event prefixes → the ready listing a poll covers. */
const READY_TO_SYNC: Readonly<Record<string, "transaction" | "reimbursement" | "bill">> = {
  "transactions.ready_to_sync": "transaction",
  "reimbursements.ready_to_sync": "reimbursement",
  "bills.ready_to_sync": "bill",
};

/** `*.sync_requested` (the Sync Button) → the button job's kind. */
const SYNC_REQUESTED: Readonly<Record<string, "transaction" | "reimbursement">> = {
  "transactions.sync_requested": "transaction",
  "reimbursements.sync_requested": "reimbursement",
};

/**
 * A receipt added to a transaction (also after its export): the object is the transaction
 * (unknown: whether it also names the receipt — `receipt_id` is read when present; the
 * worker lists the transaction's receipts either way, lib/receipts/late.ts).
 */
const RECEIPT_ADDED = "transactions.receipt_added";
const ReceiptAddedObjectSchema = z.looseObject({ receipt_id: z.string().min(1).nullish() });

/** Events that need no action but are expected (Ramp's test event): acknowledged with a log line. */
const ACKNOWLEDGED = new Set(["tests.test_event"]);

export type Classified =
  | { kind: "verification"; challenge: string; businessId: string | null }
  | {
      kind: "ready_to_sync";
      eventId: string;
      source: "transaction" | "reimbursement" | "bill";
      objectId: string;
      businessId: string | null;
    }
  | {
      kind: "sync_requested";
      eventId: string;
      button: "transaction" | "reimbursement";
      syncRequestId: string;
      objectId: string;
      businessId: string | null;
      /** The envelope's `created_at` as sent (ISO); Ramp's 5-minute clock starts about then. */
      createdAt: string | null;
    }
  | {
      kind: "receipt_added";
      eventId: string;
      transactionId: string;
      receiptId: string | null;
      businessId: string | null;
    }
  | { kind: "acknowledged"; eventId: string; type: string; businessId: string | null }
  /** Signed, but we cannot act on it: park it for inspection (eventId when one could be read). */
  | { kind: "park"; eventId: string | null; reason: string };

const issues = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");

/** Best-effort event id of a body that failed validation, so a parked copy can be found again. */
function looseId(json: unknown): string | null {
  if (json && typeof json === "object" && "id" in json) {
    const id = (json as { id: unknown }).id;
    if (typeof id === "string" && id.length > 0 && id.length <= 200) return id;
  }
  return null;
}

/** Classifies a raw body whose signature has already been verified. */
export function classifyDelivery(rawBody: string): Classified {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { kind: "park", eventId: null, reason: "body is not JSON" };
  }
  const type = json && typeof json === "object" ? (json as { type?: unknown }).type : undefined;
  if (type === "webhooks.verification") {
    const v = VerificationEventSchema.safeParse(json);
    if (!v.success)
      return { kind: "park", eventId: looseId(json), reason: `verification: ${issues(v.error)}` };
    return { kind: "verification", challenge: v.data.challenge, businessId: v.data.business_id ?? null };
  }
  const env = EventEnvelopeSchema.safeParse(json);
  if (!env.success) return { kind: "park", eventId: looseId(json), reason: `envelope: ${issues(env.error)}` };
  const e = env.data;
  const businessId = e.business_id ?? null;
  const source = READY_TO_SYNC[e.type];
  if (source) return { kind: "ready_to_sync", eventId: e.id, source, objectId: e.object.id, businessId };
  const button = SYNC_REQUESTED[e.type];
  if (button) {
    const o = SyncRequestedObjectSchema.safeParse(e.object);
    if (!o.success) return { kind: "park", eventId: e.id, reason: `${e.type}: ${issues(o.error)}` };
    return {
      kind: "sync_requested",
      eventId: e.id,
      button,
      syncRequestId: o.data.sync_request_id,
      objectId: e.object.id,
      businessId,
      createdAt: e.created_at ?? null,
    };
  }
  if (e.type === RECEIPT_ADDED) {
    const o = ReceiptAddedObjectSchema.safeParse(e.object);
    if (!o.success) return { kind: "park", eventId: e.id, reason: `${e.type}: ${issues(o.error)}` };
    return {
      kind: "receipt_added",
      eventId: e.id,
      transactionId: e.object.id,
      receiptId: o.data.receipt_id ?? null,
      businessId,
    };
  }
  if (ACKNOWLEDGED.has(e.type)) return { kind: "acknowledged", eventId: e.id, type: e.type, businessId };
  return { kind: "park", eventId: e.id, reason: `unhandled event type ${e.type.slice(0, 100)}` };
}
