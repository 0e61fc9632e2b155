/**
 * The per-tenant Ramp rate limiter shared by every Lambda, on the main table:
 * one item `PK=TENANT#<id>, SK=RATELIMIT#RAMP` holding
 *   - `slots`: a map slot number → requests granted in that slot (lib/ramp/rate-window.ts
 *     explains why slots and what "capacity" means), old slots pruned as we go;
 *   - `blockedUntil`: epoch ms before which nobody may send (set after a 429,
 *     because calls during Ramp's lockout restart it).
 *
 * A grant is one GetItem (consistent) and one conditional UpdateItem that
 * increments the current slot only while it is below the capacity computed from
 * the other slots and no lockout is in force; losing a race just means reading
 * again. The read stays (it is not folded into the condition as in
 * conditional-write.ts): the capacity and the stale slots to prune are computed
 * from the other slots' counts, and how long to wait comes from what was read. No locks, no leases: a crashed Lambda cannot wedge the tenant.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Clock, type Sleep, systemClock, sleep as timerSleep } from "../domain/time.js";
import { type AcquireOptions, type RateLimiter, RateLimitWaitError } from "../ramp/ports.js";
import {
  isStaleSlot,
  type RateWindowConfig,
  type RateWindowInput,
  rateWindowConfig,
  slotCapacity,
  slotOf,
  slotStartMs,
} from "../ramp/rate-window.js";
import { updateIf } from "./conditional-write.js";

const RATE_LIMIT_SK = "RATELIMIT#RAMP";

export interface DynamoRateLimiterDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  tenantId: string;
  limits?: RateWindowInput;
  clock?: Clock;
  sleep?: Sleep;
  /** Random in [0,1); spreads waiting Lambdas so they do not all wake on the same millisecond. */
  random?: () => number;
}

export interface DynamoRateLimiter extends RateLimiter {
  readonly config: RateWindowConfig;
}

const SLOT_PREFIX = "s";

export function createDynamoRateLimiter(deps: DynamoRateLimiterDeps): DynamoRateLimiter {
  const cfg = rateWindowConfig(deps.limits);
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? timerSleep;
  const random = deps.random ?? Math.random;
  const key = { PK: `TENANT#${deps.tenantId}`, SK: RATE_LIMIT_SK };
  // Up to this many ms of jitter added to each wake-up.
  const jitterMs = Math.min(50, cfg.slotMs / 10);

  async function read(): Promise<{ counts: Map<number, number>; blockedUntil: number; exists: boolean }> {
    const res = await deps.doc.send(
      new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
    );
    const item = res.Item;
    const counts = new Map<number, number>();
    const slots = item?.slots as Record<string, number> | undefined;
    for (const [name, n] of Object.entries(slots ?? {}))
      counts.set(Number(name.slice(SLOT_PREFIX.length)), n);
    return {
      counts,
      blockedUntil: typeof item?.blockedUntil === "number" ? item.blockedUntil : 0,
      exists: slots !== undefined,
    };
  }

  async function ensureItem(): Promise<void> {
    // A nested map path can only be updated once the map exists; if_not_exists keeps this idempotent.
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key,
        UpdateExpression: "SET slots = if_not_exists(slots, :empty)",
        ExpressionAttributeValues: { ":empty": {} },
      }),
    );
  }

  async function tryGrant(counts: Map<number, number>, slot: number, capacity: number, now: number) {
    const names: Record<string, string> = { "#cur": `${SLOT_PREFIX}${slot}` };
    const removals: string[] = [];
    for (const s of counts.keys()) {
      if (isStaleSlot(s, slot, cfg) && removals.length < 20) {
        const alias = `#old${removals.length}`;
        names[alias] = `${SLOT_PREFIX}${s}`;
        removals.push(`slots.${alias}`);
      }
    }
    const granted = await updateIf(deps.doc, {
      TableName: deps.tableName,
      Key: key,
      UpdateExpression:
        "SET slots.#cur = if_not_exists(slots.#cur, :zero) + :one" +
        (removals.length ? ` REMOVE ${removals.join(", ")}` : ""),
      ConditionExpression:
        "(attribute_not_exists(blockedUntil) OR blockedUntil <= :now) AND " +
        "(attribute_not_exists(slots.#cur) OR slots.#cur < :cap)",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ":zero": 0, ":one": 1, ":now": now, ":cap": capacity },
    });
    return granted.ok;
  }

  return {
    config: cfg,
    async acquire(opts: AcquireOptions = {}) {
      const started = clock();
      for (;;) {
        const now = clock();
        const state = await read();
        if (!state.exists) {
          await ensureItem();
          continue;
        }
        let waitUntil: number;
        if (state.blockedUntil > now) {
          waitUntil = state.blockedUntil;
        } else {
          const slot = slotOf(now, cfg);
          const capacity = slotCapacity(state.counts, slot, cfg);
          if ((state.counts.get(slot) ?? 0) < capacity) {
            if (await tryGrant(state.counts, slot, capacity, now)) return;
            continue; // another Lambda took it, or a lockout landed meanwhile: look again
          }
          waitUntil = slotStartMs(slot + 1, cfg);
        }
        if (opts.maxWaitMs !== undefined && waitUntil - started > opts.maxWaitMs) {
          throw new RateLimitWaitError(waitUntil - now, state.blockedUntil > now ? state.blockedUntil : null);
        }
        await sleep(waitUntil - now + Math.floor(random() * jitterMs));
      }
    },
    async recordLockout(untilMs: number) {
      // Refused when a later lockout is already recorded: that one is kept.
      await updateIf(deps.doc, {
        TableName: deps.tableName,
        Key: key,
        UpdateExpression: "SET blockedUntil = :until",
        ConditionExpression: "attribute_not_exists(blockedUntil) OR blockedUntil < :until",
        ExpressionAttributeValues: { ":until": untilMs },
      });
    },
  };
}
