import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitWaitError } from "../../lib/ramp/ports.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createDynamoRateLimiter } from "../../lib/store/rate-limit.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";

/** A stand-in for Ramp's limiter: a rolling 10 s window of accepted requests, 429 once it holds 200. */
function startRollingWindowServer(limit: number, windowMs: number) {
  const accepted: number[] = [];
  const stats = { accepted: 0, rejected: 0, maxInWindow: 0 };
  const server = createServer((req, res) => {
    const now = Date.now();
    while (accepted.length && accepted[0]! <= now - windowMs) accepted.shift();
    if (accepted.length >= limit) {
      stats.rejected++;
      res.writeHead(429, { "content-type": "application/json" }).end("null");
      return;
    }
    accepted.push(now);
    stats.accepted++;
    stats.maxInWindow = Math.max(stats.maxInWindow, accepted.length);
    req.resume();
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  return new Promise<{ server: Server; url: string; stats: typeof stats }>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/`, stats });
    });
  });
}

describe("DynamoDB rate limiter", () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  beforeAll(async () => {
    table = await freshTable("ratelimit");
  });
  afterAll(() => {
    table?.doc.destroy();
    table?.raw.destroy();
  });

  it("keeps 8 independent instances under 200 per rolling 10 s while using the allowance", {
    timeout: 120_000,
  }, async () => {
    const ramp = await startRollingWindowServer(200, 10_000);
    try {
      const tenantId = "tenant-burst";
      const perInstance = 75; // 8 × 75 = 600 requests
      const statuses: number[] = [];
      const instances = Array.from({ length: 8 }, () => {
        // As 8 Lambdas would: nothing shared but DynamoDB Local.
        const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: table.endpoint });
        const limiter = createDynamoRateLimiter({ doc, tableName: table.tableName, tenantId });
        return { doc, limiter };
      });
      await Promise.all(
        instances.map(async ({ limiter }) => {
          for (let i = 0; i < perInstance; i++) {
            await limiter.acquire();
            const res = await fetch(ramp.url);
            await res.arrayBuffer();
            statuses.push(res.status);
          }
        }),
      );
      for (const { doc } of instances) doc.destroy();
      expect(statuses).toHaveLength(600);
      expect(statuses.filter((s) => s === 429)).toHaveLength(0);
      expect(ramp.stats.rejected).toBe(0);
      expect(ramp.stats.accepted).toBe(600);
      expect(ramp.stats.maxInWindow).toBeLessThanOrEqual(200);
      expect(ramp.stats.maxInWindow).toBeGreaterThanOrEqual(150);
      console.log(JSON.stringify({ limiterBurst: ramp.stats }));
    } finally {
      ramp.server.close();
    }
  });

  it("makes every instance wait out a recorded lockout", async () => {
    let now = 1_800_000_000_000;
    const slept: number[] = [];
    const clock = () => now;
    const sleep = async (ms: number) => {
      slept.push(ms);
      now += ms;
    };
    const tenantId = "tenant-lockout";
    const a = createDynamoRateLimiter({ doc: table.doc, tableName: table.tableName, tenantId, clock, sleep });
    const bDoc = createDocumentClient({ ...LOCAL_AWS, endpoint: table.endpoint });
    const b = createDynamoRateLimiter({
      doc: bDoc,
      tableName: table.tableName,
      tenantId,
      clock,
      sleep,
      random: () => 0,
    });
    await a.acquire();
    const until = now + 60_000;
    await a.recordLockout(until);
    // A shorter lockout recorded later never shortens the one in force.
    await b.recordLockout(now + 5_000);

    await expect(b.acquire({ maxWaitMs: 30_000 })).rejects.toBeInstanceOf(RateLimitWaitError);
    expect(now).toBeLessThan(until);
    await b.acquire();
    expect(now).toBeGreaterThanOrEqual(until);
    expect(slept.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(60_000);
    bDoc.destroy();
  });

  it("refuses a slot beyond the budget until the window has moved on", async () => {
    let now = 1_900_000_000_000;
    const clock = () => now;
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    };
    const limiter = createDynamoRateLimiter({
      doc: table.doc,
      tableName: table.tableName,
      tenantId: "tenant-small",
      limits: { limit: 6, safetyMargin: 1, windowMs: 2_000, slotMs: 1_000, skewMs: 0, maxPerSlot: 5 },
      clock,
      sleep,
      random: () => 0,
    });
    // span = 3 slots, budget 5: five grants without waiting, then a wait of at least 3 slots.
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(sleeps).toEqual([]);
    const before = now;
    await limiter.acquire();
    expect(now - before).toBeGreaterThanOrEqual(2_000);
  });
});
