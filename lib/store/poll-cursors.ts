/**
 * Poll cursors: where the poller is in each listing, per tenant × Ramp entity ×
 * kind — the `page.next` URL (or `start` id) of an interrupted walk and the
 * time window it covers — so a poll that runs out of time resumes instead of
 * starting over. Writes are conditional on `rev` so two overlapping polls of
 * one listing cannot interleave pages.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Kind } from "../domain/kinds.js";
import { systemClock } from "../domain/time.js";
import { putIf, unchangedSince } from "./conditional-write.js";
import { cursorSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";

const PollCursorSchema = z.object({
  /** Ramp's `page.next` URL (or a `start` id) to continue from; null when the last walk finished. */
  next: z.string().nullable(),
  /** Lower bound of the listing's time filter (ISO), if the poller uses one. */
  windowStart: z.string().nullable(),
  /** Vendor credits: the oldest open credit's `created_at` seen by the walk in progress (lib/poll/credit-window.ts). */
  openSince: z.string().nullable().optional(),
  /** When the current walk started (epoch ms). */
  startedAt: z.number().int().nullable(),
  /** When a walk last reached the end (epoch ms). */
  lastCompletedAt: z.number().int().nullable(),
  updatedAt: z.number().int(),
  rev: z.number().int().nonnegative(),
});
export type PollCursor = z.infer<typeof PollCursorSchema>;

export interface CursorKey {
  tenantId: string;
  /** Ramp entity id; null for tenants polled without an entity filter. */
  entityId: string | null;
  kind: Kind;
}

export type PollCursors = ReturnType<typeof createPollCursors>;

export function createPollCursors(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;
  const keyOf = (k: CursorKey) => ({ PK: tenantPk(k.tenantId), SK: cursorSk(k.entityId, k.kind) });

  return {
    async get(k: CursorKey): Promise<PollCursor | undefined> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: keyOf(k), ConsistentRead: true }),
      );
      return res.Item ? PollCursorSchema.parse(res.Item) : undefined;
    },

    /**
     * Saves the cursor if it is still at `basedOn` (the cursor as read, or
     * undefined when there was none). False when another poll moved it first.
     */
    async save(
      k: CursorKey,
      basedOn: PollCursor | undefined,
      value: Pick<PollCursor, "next" | "windowStart" | "openSince" | "startedAt" | "lastCompletedAt">,
    ): Promise<PollCursor | false> {
      const next: PollCursor = { ...value, updatedAt: clock(), rev: basedOn ? basedOn.rev + 1 : 0 };
      const put = await putIf(doc, {
        TableName: tableName,
        Item: { ...keyOf(k), type: "cursor", ...k, ...next },
        ...unchangedSince("rev", basedOn?.rev),
      });
      return put.ok ? next : false;
    },
  };
}
