/**
 * In-memory token store and rate limiter with the same behaviour as the
 * DynamoDB ones, for unit tests and single-process tools (never for Lambdas:
 * they would not share the limit).
 */

import { type Clock, type Sleep, systemClock, sleep as timerSleep } from "../domain/time.js";
import {
  type AcquireOptions,
  type CachedToken,
  type RateLimiter,
  RateLimitWaitError,
  type TokenStore,
} from "./ports.js";
import { type RateWindowInput, rateWindowConfig, slotCapacity, slotOf, slotStartMs } from "./rate-window.js";

export function createMemoryTokenStore(): TokenStore & { tokens: Map<string, CachedToken> } {
  const tokens = new Map<string, CachedToken>();
  return {
    tokens,
    async get(tenantId) {
      return tokens.get(tenantId) ?? null;
    },
    async put(tenantId, token) {
      tokens.set(tenantId, token);
    },
  };
}

export interface MemoryRateLimiter extends RateLimiter {
  readonly blockedUntil: number;
  readonly granted: number;
}

export function createMemoryRateLimiter(
  options: RateWindowInput & { clock?: Clock; sleep?: Sleep } = {},
): MemoryRateLimiter {
  const cfg = rateWindowConfig(options);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? timerSleep;
  const counts = new Map<number, number>();
  let blockedUntil = 0;
  let granted = 0;
  return {
    get blockedUntil() {
      return blockedUntil;
    },
    get granted() {
      return granted;
    },
    async acquire(opts: AcquireOptions = {}) {
      const started = clock();
      for (;;) {
        const now = clock();
        let waitUntil = 0;
        if (blockedUntil > now) {
          waitUntil = blockedUntil;
        } else {
          const slot = slotOf(now, cfg);
          if ((counts.get(slot) ?? 0) < slotCapacity(counts, slot, cfg)) {
            counts.set(slot, (counts.get(slot) ?? 0) + 1);
            granted++;
            return;
          }
          waitUntil = slotStartMs(slot + 1, cfg);
        }
        if (opts.maxWaitMs !== undefined && waitUntil - started > opts.maxWaitMs) {
          throw new RateLimitWaitError(waitUntil - now, blockedUntil > now ? blockedUntil : null);
        }
        await sleep(waitUntil - now);
      }
    },
    async recordLockout(untilMs) {
      blockedUntil = Math.max(blockedUntil, untilMs);
    },
  };
}
