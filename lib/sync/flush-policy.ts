/**
 * When a waiting report is sent (ARCHITECTURE step 4 "When to flush"): as soon as
 * a full list waits, when the oldest waiting row is older than a short delay, or
 * always on the scheduled sweep. Sync Button requests use a much shorter delay and
 * a small row count: Ramp's button has a 5-minute window and someone is watching
 * (and the syncer also flushes a request's stream at the end of every batch that
 * touched it, see syncer.ts).
 * Gathering across SQS batches is what keeps a drain of hundreds of objects at one
 * or two sync calls per type. Pure.
 */
import { MAX_SYNC_ITEMS as MAX_PER_LIST } from "../ramp/schemas/syncs.js";

export interface FlushSettings {
  /** Rows that trigger a flush at once (≤ 5,000, Ramp's list limit). */
  maxItems: number;
  /** Flush once the oldest waiting row is this old (ms). */
  maxAgeMs: number;
  /** The same two limits for rows a Sync Button request asked for. */
  buttonMaxItems: number;
  buttonMaxAgeMs: number;
}

export const DEFAULT_FLUSH: FlushSettings = {
  maxItems: MAX_PER_LIST,
  maxAgeMs: 60_000,
  buttonMaxItems: 100,
  buttonMaxAgeMs: 2_000,
};

export interface WaitingRows {
  count: number;
  /** `updatedAt` (epoch ms) of the oldest waiting row; null when none wait. */
  oldestAt: number | null;
  /** Rows of a Sync Button request (`sync_request_id` set). */
  button: boolean;
}

export type FlushDecision = { flush: true; why: "full" | "age" | "forced" } | { flush: false };

export function flushDecision(
  w: WaitingRows,
  now: number,
  s: FlushSettings = DEFAULT_FLUSH,
  force = false,
): FlushDecision {
  if (w.count === 0 || w.oldestAt === null) return { flush: false };
  if (force) return { flush: true, why: "forced" };
  const maxItems = Math.min(w.button ? s.buttonMaxItems : s.maxItems, MAX_PER_LIST);
  const maxAge = w.button ? s.buttonMaxAgeMs : s.maxAgeMs;
  if (w.count >= maxItems) return { flush: true, why: "full" };
  if (now - w.oldestAt >= maxAge) return { flush: true, why: "age" };
  return { flush: false };
}

/** How many rows to read when deciding: enough to see a full list. */
export const probeLimit = (button: boolean, s: FlushSettings = DEFAULT_FLUSH) =>
  Math.min(button ? s.buttonMaxItems : s.maxItems, MAX_PER_LIST);
