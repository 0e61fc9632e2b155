import { describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "../../lib/ramp/memory.js";
import { rateWindowConfig, slotCapacity, spanSlots } from "../../lib/ramp/rate-window.js";

describe("rate window", () => {
  it("defaults to Ramp's 200 / 10 s with a margin and a 60 s lockout", () => {
    const cfg = rateWindowConfig();
    expect(cfg).toMatchObject({ limit: 200, windowMs: 10_000, lockoutMs: 60_000 });
    expect(spanSlots(cfg)).toBe(12);
    expect(cfg.maxPerSlot).toBe(38);
  });

  it("caps the current slot by every run of slots that contains it", () => {
    const cfg = rateWindowConfig({
      limit: 10,
      safetyMargin: 0,
      windowMs: 3_000,
      slotMs: 1_000,
      skewMs: 0,
      maxPerSlot: 10,
    });
    // span 4: runs containing slot 10 are 7–10 … 10–13
    const counts = new Map([
      [7, 4],
      [9, 3],
      [12, 2],
    ]);
    expect(slotCapacity(counts, 10, cfg)).toBe(3);
    expect(slotCapacity(new Map([[6, 10]]), 10, cfg)).toBe(10);
    expect(slotCapacity(new Map([[13, 11]]), 10, cfg)).toBe(0);
  });

  it("never lets any rolling window exceed the limit under random demand", async () => {
    let now = 1_000_000_000;
    const limiter = createMemoryRateLimiter({
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const sent: number[] = [];
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 3_000; i++) {
      now += Math.floor(rnd() * 40); // bursts of demand
      await limiter.acquire();
      sent.push(now);
    }
    let maxInWindow = 0;
    let lo = 0;
    for (let hi = 0; hi < sent.length; hi++) {
      while (sent[lo]! <= sent[hi]! - 10_000) lo++;
      maxInWindow = Math.max(maxInWindow, hi - lo + 1);
    }
    expect(maxInWindow).toBeLessThanOrEqual(190);
    expect(maxInWindow).toBeGreaterThanOrEqual(150);
  });

  it("honours a lockout and a caller's wait budget", async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    await limiter.recordLockout(60_000);
    await limiter.recordLockout(10_000);
    await expect(limiter.acquire({ maxWaitMs: 1_000 })).rejects.toMatchObject({
      blockedUntil: 60_000,
      retryable: true,
    });
    await limiter.acquire();
    expect(now).toBeGreaterThanOrEqual(60_000);
  });
});
