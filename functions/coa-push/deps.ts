/**
 * Builds coa-push's dependencies from the validated environment: DynamoDB
 * repositories (tenants, CoA snapshots, tokens, per-tenant rate limiter),
 * Secrets Manager (Ramp app credentials, ERP passwords), and per tenant a Ramp
 * client and an ERP adapter. Shared by the Lambda handler and the ops CLI.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { createSecretJsonReader } from "../../lib/aws/secrets.js";
import { createTenantRampClients } from "../../lib/aws/tenant-ramp.js";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import type { CoaPushEnv } from "../../lib/config/env.js";
import { createErp } from "../../lib/erp/index.js";
import type { RampLogger } from "../../lib/ramp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createTenants } from "../../lib/store/tenants.js";

export function buildCoaDeps(env: CoaPushEnv, logger?: RampLogger): TenantPushDeps {
  const doc = createDocumentClient({ region: env.AWS_REGION });
  const store = { doc, tableName: env.TABLE_NAME };
  const tenants = createTenants(store);
  const secretsClient = new SecretsManagerClient({ region: env.AWS_REGION });
  const secrets = createSecretJsonReader({ client: secretsClient });
  const rampFor = createTenantRampClients({ store, secrets: secretsClient, ...(logger ? { logger } : {}) });
  return {
    tenants,
    snapshots: createCoaSnapshots(store),
    logger,
    rampFor,
    erpFor: (tenant) =>
      createErp(tenant, {
        readSecret: async (id) => JSON.stringify(await secrets.read(id, z.unknown())),
        ...(env.JOURNAL_ROOT ? { journalRoot: env.JOURNAL_ROOT } : {}),
      }),
  };
}
