/**
 * Ramp clients for tenants, built the same way by every handler: credentials from
 * the tenant's Secrets Manager secret (`ramp.credentialsSecretId`), the access token
 * and the rate-limit window shared with every other Lambda through DynamoDB. One
 * client per tenant, base URL and scopes, reused across warm invocations.
 *
 * The window is the tenant's own (`tenant-app` scope) or its egress pool's, shared
 * fairly with the pool's other tenants (`egress-pool`): the deployment's
 * `ramp.rateLimit`, overridden by the tenant's (lib/ramp/rate-scope.ts says why both exist).
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { TenantConfig } from "../config/tenant.js";
import { assertTenantSecretId } from "../config/tenant-secrets.js";
import type { RampLogger } from "../domain/logger.js";
import { createRampClient, type RampClient } from "../ramp/client.js";
import { type RampRateLimit, rateLimitKeyFor } from "../ramp/rate-scope.js";
import type { RateWindowInput } from "../ramp/rate-window.js";
import type { StoreDeps } from "../store/ledger.js";
import { createDynamoRateLimiter, type DynamoRateLimiter } from "../store/rate-limit.js";
import { createDynamoPoolLimiter } from "../store/rate-limit-pool.js";
import { createDynamoTokenStore } from "../store/tokens.js";
import { createSecretsCredentialsProvider } from "./secrets.js";

export function createTenantRampClients(deps: {
  store: Pick<StoreDeps, "doc" | "tableName">;
  secrets: SecretsManagerClient;
  logger?: RampLogger;
  /** The deployment's rate-limit scope (default: per tenant app). */
  rateLimit?: RampRateLimit;
  /** Ramp's window figures, if not the defaults (tests against a sandbox with a smaller limit). */
  limits?: RateWindowInput;
}): (tenant: TenantConfig) => RampClient {
  // The provider is asked by tenant id; the secret id comes from the config the client was built for.
  const secretIds = new Map<string, string>();
  const credentials = createSecretsCredentialsProvider({
    client: deps.secrets,
    secretIdFor: (tenantId) => {
      const id = secretIds.get(tenantId);
      if (!id) throw new Error(`no credentials secret known for tenant ${tenantId}`);
      return id;
    },
  });
  const tokens = createDynamoTokenStore(deps.store);
  const clients = new Map<string, RampClient>();
  const limiterFor = (tenant: TenantConfig): DynamoRateLimiter => {
    const where = rateLimitKeyFor(tenant.tenantId, deps.rateLimit, tenant.ramp.rateLimit);
    const common = {
      ...deps.store,
      tenantId: tenant.tenantId,
      ...(deps.limits ? { limits: deps.limits } : {}),
    };
    return where.scope === "tenant-app"
      ? createDynamoRateLimiter(common)
      : createDynamoPoolLimiter({ ...common, pool: where.pool });
  };
  return (tenant) => {
    // One function serves every tenant and IAM lets it read every tenant's Ramp secret: the
    // tenant must name its own (the schema derives it; this holds for configs built in code too).
    secretIds.set(
      tenant.tenantId,
      assertTenantSecretId(tenant.tenantId, "ramp", tenant.ramp.credentialsSecretId),
    );
    const key = JSON.stringify([
      tenant.tenantId,
      tenant.ramp.baseUrl,
      tenant.ramp.scopes,
      tenant.ramp.rateLimit ?? null,
    ]);
    let client = clients.get(key);
    if (!client) {
      client = createRampClient({
        tenantId: tenant.tenantId,
        baseUrl: tenant.ramp.baseUrl,
        credentials,
        tokens,
        limiter: limiterFor(tenant),
        scopes: tenant.ramp.scopes,
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };
}
