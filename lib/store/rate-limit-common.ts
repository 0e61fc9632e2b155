/**
 * What the per-tenant limiter (rate-limit.ts) and the egress-pool limiter
 * (rate-limit-pool.ts) do alike: the item's sort key and slot naming, reading its
 * slot counts, the wait-or-give-up loop around a grant attempt, and recording a
 * 429 lockout. They differ only in what one attempt reads and conditions on, so
 * that is the part each passes in.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type Clock, type Sleep, systemClock, sleep as timerSleep } from "../domain/time.js";
import { type AcquireOptions, RateLimitWaitError } from "../ramp/ports.js";
import type { RateWindowConfig } from "../ramp/rate-window.js";
import { updateIf } from "./conditional-write.js";

export const RATE_LIMIT_SK = "RATELIMIT#RAMP";
/** `slots` map keys are `s<slot number>`: attribute names cannot be bare numbers in paths. */
export const SLOT_PREFIX = "s";

export type LimiterKey = { PK: string; SK: string };

/** `slots` as stored → slot number → grants in it. */
export function slotCounts(slots: Record<string, number> | undefined): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [name, n] of Object.entries(slots ?? {})) counts.set(Number(name.slice(SLOT_PREFIX.length)), n);
  return counts;
}

export interface LimiterTimingDeps {
  clock?: Clock;
  sleep?: Sleep;
  /** Random in [0,1); spreads waiting Lambdas so they do not all wake on the same millisecond. */
  random?: () => number;
}

/**
 * What one attempt decided: granted, look again at once (the item was just created,
 * or a race was lost), or wait until `waitUntil` (`blockedUntil` is the lockout read,
 * reported when the caller gives up because of it).
 */
export type AttemptOutcome = "granted" | "again" | { waitUntil: number; blockedUntil: number };

/** Calls `attempt` until it grants, sleeping (with jitter) between tries; throws once the wait would pass `opts.maxWaitMs`. */
export async function acquireLoop(
  deps: LimiterTimingDeps,
  cfg: RateWindowConfig,
  opts: AcquireOptions,
  attempt: (now: number) => Promise<AttemptOutcome>,
): Promise<void> {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? timerSleep;
  const random = deps.random ?? Math.random;
  // Up to this many ms of jitter added to each wake-up.
  const jitterMs = Math.min(50, cfg.slotMs / 10);
  const started = clock();
  for (;;) {
    const now = clock();
    const outcome = await attempt(now);
    if (outcome === "granted") return;
    if (outcome === "again") continue;
    const { waitUntil, blockedUntil } = outcome;
    if (opts.maxWaitMs !== undefined && waitUntil - started > opts.maxWaitMs) {
      throw new RateLimitWaitError(waitUntil - now, blockedUntil > now ? blockedUntil : null);
    }
    await sleep(waitUntil - now + Math.floor(random() * jitterMs));
  }
}

/** Stops every sender of the item until `untilMs`; refused when a later lockout is already recorded, which is kept. */
export async function recordLockout(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: LimiterKey,
  untilMs: number,
): Promise<void> {
  await updateIf(doc, {
    TableName: tableName,
    Key: key,
    UpdateExpression: "SET blockedUntil = :until",
    ConditionExpression: "attribute_not_exists(blockedUntil) OR blockedUntil < :until",
    ExpressionAttributeValues: { ":until": untilMs },
  });
}
