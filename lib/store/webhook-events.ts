/**
 * Webhook bookkeeping. Ramp's signatures carry no timestamp, so replays are
 * caught by remembering event ids for a while (TTL). Events whose signature is
 * valid but whose body does not parse are *parked* for inspection rather than
 * dropped: Ramp sent them, so something changed that we must look at.
 */
import { createHash, randomUUID } from "node:crypto";
import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { systemClock } from "../domain/time.js";
import { putIf } from "./conditional-write.js";
import { eventSeenSk, PARKED_SK_PREFIX, parkedSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { ttlSeconds } from "./ttl.js";

/** How long an event id is remembered (Ramp retries deliveries for a few days). */
const EVENT_SEEN_TTL_MS = 7 * 24 * 3600_000;
const PARKED_TTL_MS = 30 * 24 * 3600_000;
/** Parked bodies are cut to stay far below the 400 KB item limit. */
export const PARKED_BODY_MAX_CHARS = 100_000;

export const ParkedEventSchema = z.object({
  eventId: z.string(),
  reason: z.string(),
  body: z.string(),
  truncated: z.boolean(),
  receivedAt: z.string(),
});
export type ParkedEvent = z.infer<typeof ParkedEventSchema>;

/**
 * Event ids up to this many UTF-8 bytes are keyed as they are; longer ones by
 * `sha256:<hex>`. Why not always hash: ids stored before this rule existed are
 * raw, and a redelivery of one of those must still be found as a duplicate —
 * Ramp's ids are UUIDs (36 bytes), so every id ever stored is far below the
 * threshold and keeps its key. Why a threshold at all: DynamoDB refuses a sort
 * key over 1024 bytes (a ValidationException, which the handler answered with a
 * 500 that Ramp retried forever); 256 leaves room for the `EVENT#` / `PARKED#…#`
 * prefixes. A raw id cannot be mistaken for a hashed one unless it is itself
 * `sha256:` + the digest of another id.
 */
const RAW_EVENT_ID_MAX_BYTES = 256;

function eventIdKey(eventId: string): string {
  if (Buffer.byteLength(eventId, "utf8") <= RAW_EVENT_ID_MAX_BYTES) return eventId;
  return `sha256:${createHash("sha256").update(eventId, "utf8").digest("hex")}`;
}

export type WebhookEvents = ReturnType<typeof createWebhookEvents>;

export function createWebhookEvents(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;

  return {
    /**
     * Records the event id; "duplicate" if it was seen within the TTL. DynamoDB
     * deletes expired items lazily, so an expired record counts as unseen.
     */
    async markSeen(
      tenantId: string,
      eventId: string,
      ttlMs = EVENT_SEEN_TTL_MS,
    ): Promise<"new" | "duplicate"> {
      const now = clock();
      const put = await putIf(doc, {
        TableName: tableName,
        Item: {
          PK: tenantPk(tenantId),
          SK: eventSeenSk(eventIdKey(eventId)),
          type: "event",
          seenAt: now,
          ttl: ttlSeconds(now + ttlMs),
        },
        ConditionExpression: "attribute_not_exists(PK) OR #ttl <= :nowSec",
        ExpressionAttributeNames: { "#ttl": "ttl" },
        ExpressionAttributeValues: { ":nowSec": Math.floor(now / 1000) },
      });
      return put.ok ? "new" : "duplicate";
    },

    /** Undoes markSeen when the event could not be handed on (enqueue failed), so Ramp's retry is accepted. */
    async forget(tenantId: string, eventId: string): Promise<void> {
      await doc.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { PK: tenantPk(tenantId), SK: eventSeenSk(eventIdKey(eventId)) },
        }),
      );
    },

    /** Keeps a signed-but-unparseable event for inspection (30 days). */
    async park(
      tenantId: string,
      e: { eventId?: string | null; reason: string; body: string },
    ): Promise<ParkedEvent> {
      const now = clock();
      const parked: ParkedEvent = {
        // An oversized id is kept by its key: it must fit the item beside the body.
        eventId: e.eventId ? eventIdKey(e.eventId) : `unknown-${randomUUID()}`,
        reason: e.reason.slice(0, 2_000),
        body: e.body.slice(0, PARKED_BODY_MAX_CHARS),
        truncated: e.body.length > PARKED_BODY_MAX_CHARS,
        receivedAt: new Date(now).toISOString(),
      };
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            PK: tenantPk(tenantId),
            SK: parkedSk(parked.receivedAt, parked.eventId),
            type: "parked-event",
            ...parked,
            ttl: ttlSeconds(now + PARKED_TTL_MS),
          },
        }),
      );
      return parked;
    },

    /** Newest first. */
    async listParked(tenantId: string, limit = 50): Promise<ParkedEvent[]> {
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": tenantPk(tenantId), ":prefix": PARKED_SK_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (res.Items ?? []).map((row) => ParkedEventSchema.parse(row));
    },
  };
}
