import { describe, expect, it } from "vitest";
import { BaseEnvSchema, EnvError, loadEnv } from "../../../lib/config/env.js";
import { parseTenantConfig } from "../../../lib/config/tenant.js";
import { usJournalTenantInput } from "../../support/us-journal-tenant.js";

const tenant = (ramp: Record<string, unknown>) => usJournalTenantInput("acme", "Acme", ramp);

describe("where the Ramp rate-limit scope is configured", () => {
  it("RAMP_RATE_LIMIT: JSON from the manifest; unset means per tenant app", () => {
    expect(loadEnv(BaseEnvSchema, {}).RAMP_RATE_LIMIT).toBeUndefined();
    expect(
      loadEnv(BaseEnvSchema, { RAMP_RATE_LIMIT: '{"scope":"egress-pool","pool":"nat-a"}' }).RAMP_RATE_LIMIT,
    ).toEqual({
      scope: "egress-pool",
      pool: "nat-a",
    });
    expect(loadEnv(BaseEnvSchema, { RAMP_RATE_LIMIT: "{}" }).RAMP_RATE_LIMIT).toEqual({
      scope: "tenant-app",
      pool: "default",
    });
    for (const bad of ["egress-pool", '{"scope":"per-ip"}', '{"scope":"egress-pool","pool":"a b"}']) {
      let err: unknown;
      try {
        loadEnv(BaseEnvSchema, { RAMP_RATE_LIMIT: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).variables).toEqual(["RAMP_RATE_LIMIT"]);
    }
  });

  it("a tenant may override the scope or the pool; anything else there is refused", () => {
    expect(parseTenantConfig(tenant({})).ramp.rateLimit).toBeUndefined();
    expect(parseTenantConfig(tenant({ rateLimit: { pool: "nat-b" } })).ramp.rateLimit).toEqual({
      pool: "nat-b",
    });
    expect(() => parseTenantConfig(tenant({ rateLimit: { perSecond: 5 } }))).toThrow();
    expect(() => parseTenantConfig(tenant({ rateLimit: { scope: "per-ip" } }))).toThrow();
  });
});
