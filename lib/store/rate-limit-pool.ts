/**
 * The Ramp rate limiter of an egress pool (lib/ramp/rate-scope.ts): every tenant of the
 * pool draws from one item `PK=POOL#<name>, SK=RATELIMIT#RAMP`, so the pool as a whole
 * keeps under Ramp's per-IP allowance, and each tenant's draw in a slot is capped at its
 * max-min fair share of the window's budget (lib/ramp/pool-fairness.ts) so one busy tenant
 * cannot starve the others.
 * The item holds
 *   - `slots`: slot number → the pool's grants in it (the same window arithmetic as the
 *     per-tenant limiter, lib/store/rate-limit.ts);
 *   - `use`: "<slot>|<tenant>" → that tenant's grants in the slot (the trailing window's
 *     slots: what its share is counted against; older ones pruned);
 *   - `want`: tenant → the last slot it was refused in (it is hungry);
 *   - `blockedUntil`: after a 429 nobody in the pool may send (the IP is locked out).
 *
 * A grant is one consistent read and one conditional update that increments both the
 * slot and the tenant's count only while the slot is below the pool's capacity and the
 * tenant's trailing window below its share. The pool bound is in the condition, so concurrent Lambdas can
 * never exceed it; the share is computed from the read, so fairness is as fresh as the
 * read (a race costs a re-read, not an overdraw of the pool).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type PoolTenantUse, tenantWindowShare } from "../ramp/pool-fairness.js";
import type { AcquireOptions } from "../ramp/ports.js";
import {
  isStaleSlot,
  type RateWindowInput,
  rateWindowConfig,
  slotCapacity,
  slotOf,
  slotStartMs,
  spanSlots,
} from "../ramp/rate-window.js";
import { updateIf } from "./conditional-write.js";
import type { DynamoRateLimiter } from "./rate-limit.js";
import {
  acquireLoop,
  type LimiterTimingDeps,
  RATE_LIMIT_SK,
  recordLockout,
  SLOT_PREFIX,
  slotCounts,
} from "./rate-limit-common.js";

/** Stale entries removed per grant: enough to keep up, few enough to keep the update small. */
const MAX_REMOVALS = 20;

export interface DynamoPoolLimiterDeps extends LimiterTimingDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  pool: string;
  /** The tenant this limiter asks for: its share is computed and counted under this id. */
  tenantId: string;
  limits?: RateWindowInput;
}

interface PoolState {
  counts: Map<number, number>;
  uses: Map<string, PoolTenantUse>;
  /** This tenant's grants in the current slot. */
  mineNow: number;
  /** Attribute keys of `use` and `want` entries too old to matter. */
  staleUse: string[];
  staleWant: string[];
  blockedUntil: number;
  exists: boolean;
}

const useKey = (slot: number, tenant: string) => `${slot}|${tenant}`;

export function createDynamoPoolLimiter(deps: DynamoPoolLimiterDeps): DynamoRateLimiter {
  const cfg = rateWindowConfig(deps.limits);
  const key = { PK: `POOL#${deps.pool}`, SK: RATE_LIMIT_SK };
  const me = deps.tenantId;
  const span = spanSlots(cfg);
  const budget = cfg.limit - cfg.safetyMargin;

  async function read(slot: number): Promise<PoolState> {
    const res = await deps.doc.send(
      new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
    );
    const item = res.Item;
    const counts = slotCounts(item?.slots as Record<string, number> | undefined);
    const uses = new Map<string, PoolTenantUse>();
    const entry = (id: string) => {
      const u = uses.get(id) ?? { inWindow: 0 };
      uses.set(id, u);
      return u;
    };
    let mineNow = 0;
    const staleUse: string[] = [];
    for (const [name, n] of Object.entries((item?.use ?? {}) as Record<string, number>)) {
      const bar = name.indexOf("|");
      const s = Number(name.slice(0, bar));
      const id = name.slice(bar + 1);
      if (s <= slot - span) staleUse.push(name);
      else if (s <= slot) entry(id).inWindow += n;
      if (s === slot && id === me) mineNow = n;
    }
    const staleWant: string[] = [];
    for (const [id, s] of Object.entries((item?.want ?? {}) as Record<string, number>)) {
      if (s <= slot - span) staleWant.push(id);
      else entry(id).refusedSlot = s;
    }
    return {
      counts,
      uses,
      mineNow,
      staleUse,
      staleWant,
      blockedUntil: typeof item?.blockedUntil === "number" ? item.blockedUntil : 0,
      exists: item?.slots !== undefined && item.use !== undefined && item.want !== undefined,
    };
  }

  async function ensureItem(): Promise<void> {
    // Nested paths can only be updated once their maps exist; if_not_exists keeps this idempotent.
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key,
        UpdateExpression:
          "SET slots = if_not_exists(slots, :empty), #use = if_not_exists(#use, :empty), " +
          "want = if_not_exists(want, :empty)",
        ExpressionAttributeNames: { "#use": "use" },
        ExpressionAttributeValues: { ":empty": {} },
      }),
    );
  }

  /** The REMOVE clause for stale entries, at most MAX_REMOVALS of them. */
  function removals(state: PoolState, slot: number, names: Record<string, string>): string {
    const paths: string[] = [];
    const add = (map: string, attr: string) => {
      if (paths.length >= MAX_REMOVALS) return;
      const alias = `#old${paths.length}`;
      names[alias] = attr;
      paths.push(`${map}.${alias}`);
    };
    for (const s of state.counts.keys()) if (isStaleSlot(s, slot, cfg)) add("slots", `${SLOT_PREFIX}${s}`);
    for (const name of state.staleUse) add("#use", name);
    for (const id of state.staleWant) add("want", id);
    return paths.length ? ` REMOVE ${paths.join(", ")}` : "";
  }

  /** `mineCap`: the most the tenant's current-slot count may reach (its share less its earlier slots). */
  async function tryGrant(state: PoolState, slot: number, capacity: number, mineCap: number, now: number) {
    const names: Record<string, string> = {
      "#cur": `${SLOT_PREFIX}${slot}`,
      "#use": "use",
      "#mine": useKey(slot, me),
    };
    const remove = removals(state, slot, names);
    const granted = await updateIf(deps.doc, {
      TableName: deps.tableName,
      Key: key,
      UpdateExpression:
        "SET slots.#cur = if_not_exists(slots.#cur, :zero) + :one, " +
        `#use.#mine = if_not_exists(#use.#mine, :zero) + :one${remove}`,
      ConditionExpression:
        "(attribute_not_exists(blockedUntil) OR blockedUntil <= :now) AND " +
        "(attribute_not_exists(slots.#cur) OR slots.#cur < :cap) AND " +
        "(attribute_not_exists(#use.#mine) OR #use.#mine < :mineCap)",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ":zero": 0,
        ":one": 1,
        ":now": now,
        ":cap": capacity,
        ":mineCap": mineCap,
      },
    });
    return granted.ok;
  }

  /** Tells the other tenants this one is waiting, once per slot, so their next reads leave it a share. */
  async function markHungry(state: PoolState, slot: number): Promise<void> {
    if ((state.uses.get(me)?.refusedSlot ?? Number.NEGATIVE_INFINITY) >= slot) return;
    await updateIf(deps.doc, {
      TableName: deps.tableName,
      Key: key,
      UpdateExpression: "SET want.#me = :slot",
      ConditionExpression: "attribute_not_exists(want.#me) OR want.#me < :slot",
      ExpressionAttributeNames: { "#me": me },
      ExpressionAttributeValues: { ":slot": slot },
    });
  }

  return {
    config: cfg,
    async acquire(opts: AcquireOptions = {}) {
      await acquireLoop(deps, cfg, opts, async (now) => {
        const slot = slotOf(now, cfg);
        const state = await read(slot);
        if (!state.exists) {
          await ensureItem();
          return "again";
        }
        if (state.blockedUntil > now)
          return { waitUntil: state.blockedUntil, blockedUntil: state.blockedUntil };
        const capacity = slotCapacity(state.counts, slot, cfg);
        const share = tenantWindowShare(me, budget, state.uses, slot, span);
        const mineEarlier = (state.uses.get(me)?.inWindow ?? 0) - state.mineNow;
        const mineCap = share - mineEarlier;
        if ((state.counts.get(slot) ?? 0) < capacity && state.mineNow < mineCap) {
          // Refused: another Lambda took it, or a lockout landed meanwhile: look again.
          return (await tryGrant(state, slot, capacity, mineCap, now)) ? "granted" : "again";
        }
        await markHungry(state, slot);
        return { waitUntil: slotStartMs(slot + 1, cfg), blockedUntil: state.blockedUntil };
      });
    },
    async recordLockout(untilMs: number) {
      // The pool shares one IP: a 429 for any of its tenants stops them all.
      await recordLockout(deps.doc, deps.tableName, key, untilMs);
    },
  };
}
