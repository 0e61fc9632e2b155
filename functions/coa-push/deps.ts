/**
 * Builds coa-push's dependencies from the validated environment: DynamoDB
 * repositories (tenants, CoA snapshots, tokens, per-tenant rate limiter),
 * Secrets Manager (Ramp app credentials, ERP passwords), and per tenant a Ramp
 * client and an ERP adapter. Shared by the Lambda handler and the ops CLI.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { createSecretJsonReader, createSecretsCredentialsProvider } from "../../lib/aws/secrets.js";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import type { CoaPushEnv } from "../../lib/config/env.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import { createErp } from "../../lib/erp/index.js";
import { createRampClient, type RampClient, type RampLogger } from "../../lib/ramp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createDynamoRateLimiter } from "../../lib/store/rate-limit.js";
import { createTenants } from "../../lib/store/tenants.js";
import { createDynamoTokenStore } from "../../lib/store/tokens.js";

export function buildCoaDeps(env: CoaPushEnv, logger?: RampLogger): TenantPushDeps {
  const doc = createDocumentClient({ region: env.AWS_REGION });
  const store = { doc, tableName: env.TABLE_NAME };
  const tenants = createTenants(store);
  const secretsClient = new SecretsManagerClient({ region: env.AWS_REGION });
  const secrets = createSecretJsonReader({ client: secretsClient });
  // The credentials provider looks the secret id up in the tenant config it was built for.
  const secretIds = new Map<string, string>();
  const credentials = createSecretsCredentialsProvider({
    client: secretsClient,
    secretIdFor: (tenantId) => {
      const id = secretIds.get(tenantId);
      if (!id) throw new Error(`no credentials secret known for tenant ${tenantId}`);
      return id;
    },
  });
  const tokens = createDynamoTokenStore(store);
  const clients = new Map<string, RampClient>();
  return {
    tenants,
    snapshots: createCoaSnapshots(store),
    logger,
    rampFor(tenant: TenantConfig) {
      secretIds.set(tenant.tenantId, tenant.ramp.credentialsSecretId);
      const key = `${tenant.tenantId}|${tenant.ramp.baseUrl}`;
      let client = clients.get(key);
      if (!client) {
        client = createRampClient({
          tenantId: tenant.tenantId,
          baseUrl: tenant.ramp.baseUrl,
          credentials,
          tokens,
          limiter: createDynamoRateLimiter({ ...store, tenantId: tenant.tenantId }),
          scopes: tenant.ramp.scopes,
          logger,
        });
        clients.set(key, client);
      }
      return client;
    },
    erpFor: (tenant) =>
      createErp(tenant, {
        readSecret: async (id) => JSON.stringify(await secrets.read(id, z.unknown())),
      }),
  };
}
