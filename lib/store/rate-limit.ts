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
import type { AcquireOptions, RateLimiter } from "../ramp/ports.js";
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
import {
  acquireLoop,
  type LimiterTimingDeps,
  RATE_LIMIT_SK,
  recordLockout,
  SLOT_PREFIX,
  slotCounts,
} from "./rate-limit-common.js";

export interface DynamoRateLimiterDeps extends LimiterTimingDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  tenantId: string;
  limits?: RateWindowInput;
}

export interface DynamoRateLimiter extends RateLimiter {
  readonly config: RateWindowConfig;
}

export function createDynamoRateLimiter(deps: DynamoRateLimiterDeps): DynamoRateLimiter {
  const cfg = rateWindowConfig(deps.limits);
  const key = { PK: `TENANT#${deps.tenantId}`, SK: RATE_LIMIT_SK };

  async function read(): Promise<{ counts: Map<number, number>; blockedUntil: number; exists: boolean }> {
    const res = await deps.doc.send(
      new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
    );
    const item = res.Item;
    const slots = item?.slots as Record<string, number> | undefined;
    return {
      counts: slotCounts(slots),
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
      await acquireLoop(deps, cfg, opts, async (now) => {
        const state = await read();
        if (!state.exists) {
          await ensureItem();
          return "again";
        }
        if (state.blockedUntil > now)
          return { waitUntil: state.blockedUntil, blockedUntil: state.blockedUntil };
        const slot = slotOf(now, cfg);
        const capacity = slotCapacity(state.counts, slot, cfg);
        if ((state.counts.get(slot) ?? 0) < capacity) {
          // Refused: another Lambda took it, or a lockout landed meanwhile: look again.
          return (await tryGrant(state.counts, slot, capacity, now)) ? "granted" : "again";
        }
        return { waitUntil: slotStartMs(slot + 1, cfg), blockedUntil: state.blockedUntil };
      });
    },
    async recordLockout(untilMs: number) {
      await recordLockout(deps.doc, deps.tableName, key, untilMs);
    },
  };
}
