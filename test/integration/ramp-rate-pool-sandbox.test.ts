/**
 * Two tenants' Ramp clients in one egress pool against the sandbox enforcing Ramp's limit
 * per source address (the per-IP reading: both tenants call from 127.0.0.1): the shared
 * pool on DynamoDB Local keeps them together under the one limit, so the sandbox never
 * answers 429. Each tenant's own per-app window would let them send twice that.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRampClient } from "../../lib/ramp/client.js";
import { createMemoryTokenStore } from "../../lib/ramp/memory.js";
import { createDynamoPoolLimiter } from "../../lib/store/rate-limit-pool.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { type RunningSandbox, startSandbox } from "../../local/ramp-sandbox/server.js";
import { freshTable } from "../support/dynamo-client.js";

/** The sandbox allows 30 per rolling second per source; the limiters budget 28 of them. */
const SANDBOX_LIMIT = {
  enabled: true,
  limit: 30,
  windowMs: 1_000,
  lockoutMs: 60_000,
  keyBy: "source",
} as const;
const LIMITS = { limit: 30, safetyMargin: 2, windowMs: 1_000, slotMs: 250, skewMs: 300 };

describe("egress pool against a sandbox limiting per source address", () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let sb: RunningSandbox;
  beforeAll(async () => {
    table = await freshTable("ratepool-sb");
    sb = await startSandbox({ port: 0, seed: 5, log: () => {}, config: { rateLimit: SANDBOX_LIMIT } });
  });
  afterAll(async () => {
    await sb?.close();
    table?.doc.destroy();
    table?.raw.destroy();
  });

  it("two tenants, three callers each, for 2.5 s: no 429", { timeout: 30_000 }, async () => {
    const second = await sandboxControl(sb.url)<{ client_id: string; client_secret: string }>(
      "POST",
      "/businesses",
      { seed: 99 },
    );
    const apps = [
      { tenantId: "pool-a", clientId: sb.clientId, clientSecret: sb.clientSecret },
      { tenantId: "pool-b", clientId: second.client_id, clientSecret: second.client_secret },
    ];
    const calls: Record<string, number> = {};
    const end = Date.now() + 2_500;
    await Promise.all(
      apps.flatMap((app) => {
        calls[app.tenantId] = 0;
        const client = createRampClient({
          tenantId: app.tenantId,
          baseUrl: sb.url,
          credentials: { get: async () => ({ clientId: app.clientId, clientSecret: app.clientSecret }) },
          tokens: createMemoryTokenStore(),
          limiter: createDynamoPoolLimiter({
            doc: table.doc,
            tableName: table.tableName,
            pool: "egress-1",
            tenantId: app.tenantId,
            limits: LIMITS,
          }),
          // A 429 would be retried after its lockout: one attempt, so it shows as a failure at once.
          retry: { maxAttempts: 1 },
        });
        return Array.from({ length: 3 }, async () => {
          while (Date.now() < end) {
            for await (const _ of client.listEntities()) break;
            calls[app.tenantId] = (calls[app.tenantId] ?? 0) + 1;
          }
        });
      }),
    );
    const stats = await sandboxControl(sb.url)<{ rateLimited: number }>("GET", "/stats");
    expect(stats.rateLimited).toBe(0);
    // Both tenants got through, and together they used the shared limit.
    expect(calls["pool-a"]).toBeGreaterThan(10);
    expect(calls["pool-b"]).toBeGreaterThan(10);
    console.log(JSON.stringify({ sandboxPool: calls, rateLimited: stats.rateLimited }));
  });
});
