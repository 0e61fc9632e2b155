/**
 * Two tenants' Ramp clients, built as every handler builds them (lib/aws/tenant-ramp.ts:
 * credentials from the local Secrets Manager, limiter on DynamoDB Local), in the
 * deployment's egress pool, against the sandbox enforcing Ramp's limit per source address
 * (the per-IP reading: both tenants call from 127.0.0.1). The shared pool keeps them
 * together under the one limit, so the sandbox never answers 429; each tenant's own
 * per-app window would let them send twice that.
 */

import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantRampClients } from "../../lib/aws/tenant-ramp.js";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import { tenantSecretId } from "../../lib/config/tenant-secrets.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { type RunningSandbox, startSandbox } from "../../local/ramp-sandbox/server.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";
import { usJournalTenantInput } from "../support/us-journal-tenant.js";

/** The sandbox allows 30 per rolling second per source; the limiters budget 28 of them. */
const SANDBOX_LIMIT = {
  enabled: true,
  limit: 30,
  windowMs: 1_000,
  lockoutMs: 60_000,
  keyBy: "source",
} as const;
const CALLS_PER_CALLER = 15;
const LIMITS = { limit: 30, safetyMargin: 2, windowMs: 1_000, slotMs: 250, skewMs: 300 };

describe("egress pool against a sandbox limiting per source address", () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let sb: RunningSandbox;
  let sm: LocalSecretsManager;
  let secrets: SecretsManagerClient;
  beforeAll(async () => {
    table = await freshTable("ratepool-sb");
    sb = await startSandbox({ port: 0, seed: 5, log: () => {}, config: { rateLimit: SANDBOX_LIMIT } });
    sm = await startLocalSecretsManager();
    secrets = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: sm.endpoint });
  });
  afterAll(async () => {
    secrets?.destroy();
    await sm?.stop();
    await sb?.close();
    table?.doc.destroy();
    table?.raw.destroy();
  });

  it("two tenants, three callers each, 15 calls per caller (3× the per-second limit): no 429", {
    timeout: 30_000,
  }, async () => {
    const second = await sandboxControl(sb.url)<{ client_id: string; client_secret: string }>(
      "POST",
      "/businesses",
      { seed: 99 },
    );
    const apps = [
      { tenantId: "pool-a", clientId: sb.clientId, clientSecret: sb.clientSecret },
      { tenantId: "pool-b", clientId: second.client_id, clientSecret: second.client_secret },
    ];
    const rampFor = createTenantRampClients({
      store: { doc: table.doc, tableName: table.tableName },
      secrets,
      rateLimit: { scope: "egress-pool", pool: "egress-1" },
      limits: LIMITS,
    });
    const calls: Record<string, number> = {};
    // A fixed amount of work, not a time: on a loaded machine a timed loop can end before the
    // pool is ever contended. 90 calls against 30 per second means three windows' worth, which
    // two per-app limiters (28 each) would overrun at once.
    await Promise.all(
      apps.flatMap((app) => {
        calls[app.tenantId] = 0;
        sm.seed(
          tenantSecretId(app.tenantId, "ramp"),
          JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret }),
        );
        const client = rampFor(tenant(app.tenantId, sb.url));
        return Array.from({ length: 3 }, async () => {
          for (let i = 0; i < CALLS_PER_CALLER; i++) {
            for await (const _ of client.listEntities()) break;
            calls[app.tenantId] = (calls[app.tenantId] ?? 0) + 1;
          }
        });
      }),
    );
    const stats = await sandboxControl(sb.url)<{ rateLimited: number }>("GET", "/stats");
    expect(stats.rateLimited).toBe(0);
    // Every call of both tenants got through.
    expect(calls).toEqual({ "pool-a": 3 * CALLS_PER_CALLER, "pool-b": 3 * CALLS_PER_CALLER });
    console.log(JSON.stringify({ sandboxPool: calls, rateLimited: stats.rateLimited }));
  });
});

function tenant(tenantId: string, baseUrl: string) {
  return parseTenantConfig(usJournalTenantInput(tenantId, tenantId, { baseUrl }));
}
