/**
 * What the ops commands run on, built only when a command needs it: `--help`
 * and `tenants validate` never touch AWS or the environment. From the
 * environment (TABLE_NAME, AWS_REGION, credentials, AWS_ENDPOINT_URL_* for
 * emulators) the same way the Lambdas build theirs.
 */
import { z } from "zod";
import { tenantPushDeps } from "../functions/coa-push/deps.js";
import { type AwsClients, createAwsClients } from "../lib/aws/clients.js";
import type { TenantPushDeps } from "../lib/coa/run.js";
import { BaseEnvSchema, loadEnv } from "../lib/config/env.js";
import type { RampLogger } from "../lib/domain/logger.js";
import { createTenants, type Tenants } from "../lib/store/tenants.js";
import { buildWebhookOpsDeps, type WebhookOpsDeps } from "./webhook-commands.js";

export interface OpsContext {
  tenants(): Pick<Tenants, "get" | "put" | "listEnabled">;
  coa(): TenantPushDeps;
  webhooks(): WebhookOpsDeps;
}

const OpsEnvSchema = BaseEnvSchema.extend({ TABLE_NAME: z.string().trim().min(1) });

export function contextFromEnv(
  logger: RampLogger,
  env: Record<string, string | undefined> = process.env,
): OpsContext {
  let parts: { env: z.infer<typeof OpsEnvSchema>; aws: AwsClients } | undefined;
  const get = () => {
    if (!parts) {
      const e = loadEnv(OpsEnvSchema, env);
      parts = { env: e, aws: createAwsClients({ region: e.AWS_REGION }) };
    }
    return parts;
  };
  return {
    tenants: () => createTenants({ doc: get().aws.doc, tableName: get().env.TABLE_NAME }),
    coa: () => tenantPushDeps({ ...get(), obs: { log: logger } }),
    webhooks: () => buildWebhookOpsDeps(get().env, get().aws, logger),
  };
}
