/**
 * One tenant's runtime, built the same way for every handler: its config from
 * the store, its Ramp client (credentials from Secrets Manager, token and rate
 * window shared through DynamoDB: tenant-ramp.ts), its ERP adapter (passwords
 * from Secrets Manager) and the coding context read from the ERP. The poller
 * needs only the Ramp client, coa-push the client and the adapter, the syncer
 * and the sweep all of it.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { TenantConfig } from "../config/tenant.js";
import type { RampLogger } from "../domain/logger.js";
import type { ErpCrashHook } from "../erp/crash-points.js";
import { createErp } from "../erp/index.js";
import { codingContextFromSurface } from "../erp/mapping/index.js";
import type { ErpPort } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import type { RampRateLimit } from "../ramp/rate-scope.js";
import type { Tenants } from "../store/tenants.js";
import type { TenantRuntime } from "../sync/process-item.js";
import { createSecretJsonReader } from "./secrets.js";
import { createTenantRampClients } from "./tenant-ramp.js";

/** The coding context only turns tax codes into rates and changes with the chart: re-read every few minutes. */
const RUNTIME_TTL_MS = 5 * 60_000;

export interface TenantRuntimeDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  tenants: Pick<Tenants, "get">;
  secrets: SecretsManagerClient;
  logger?: RampLogger;
  /** Journal tenants' files live under `<journalRoot>/<tenantId>/`; unset = no journal tenants. */
  journalRoot?: string;
  /** Kill tests only (test/chaos): a hook inside the ERP adapters' multi-step writes. */
  erpCrash?: ErpCrashHook;
  /** Tests only (the local stack's `wrapErp`): an ERP stand-in around the real adapter (an outage, a slow ERP). */
  wrapErp?: ErpWrapper;
  now?: () => number;
  /** The deployment's Ramp rate-limit scope (env `RAMP_RATE_LIMIT`); unset = per tenant app. */
  rateLimit?: RampRateLimit;
}

/** Wraps a tenant's ERP adapter (tests: outages and slow postings through the real handlers). */
export type ErpWrapper = (erp: ErpPort, tenant: TenantConfig) => ErpPort;

export interface TenantRuntimes {
  rampFor(tenant: TenantConfig): RampClient;
  erpFor(tenant: TenantConfig): Promise<ErpPort>;
  /** The whole runtime of an enabled tenant (null when unknown or disabled), cached for the warm Lambda. */
  runtimeFor(tenantId: string): Promise<TenantRuntime | null>;
}

function createTenantRuntimes(deps: TenantRuntimeDeps): TenantRuntimes {
  const now = deps.now ?? Date.now;
  const rampFor = createTenantRampClients({
    store: { doc: deps.doc, tableName: deps.tableName },
    secrets: deps.secrets,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.rateLimit ? { rateLimit: deps.rateLimit } : {}),
  });
  const secrets = createSecretJsonReader({ client: deps.secrets });
  const erpFor = async (tenant: TenantConfig) => {
    const erp = await createErp(tenant, {
      readSecret: async (id) => JSON.stringify(await secrets.read(id, z.unknown())),
      ...(deps.erpCrash ? { crash: deps.erpCrash } : {}),
      ...(deps.journalRoot ? { journalRoot: deps.journalRoot } : {}),
    });
    return deps.wrapErp ? deps.wrapErp(erp, tenant) : erp;
  };

  async function build(tenantId: string): Promise<TenantRuntime | null> {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant?.enabled) return null;
    const erp = await erpFor(tenant);
    const coding = codingContextFromSurface(await erp.readSurface());
    const ramp = rampFor(tenant);
    const entityNames = await entityNamesOf(tenant, ramp, deps.logger);
    return { tenant, ramp, erp, coding, ...(entityNames ? { entityNames } : {}) };
  }

  const cache = new Map<string, { at: number; rt: Promise<TenantRuntime | null> }>();
  return {
    rampFor,
    erpFor,
    runtimeFor(tenantId) {
      const hit = cache.get(tenantId);
      if (hit && now() - hit.at < RUNTIME_TTL_MS) return hit.rt;
      const rt = build(tenantId);
      cache.set(tenantId, { at: now(), rt });
      rt.catch(() => cache.delete(tenantId));
      return rt;
    },
  };
}

/**
 * Ramp's entity names, for the message of an unmapped entity's failure: only a tenant with several
 * companies can have one (lib/erp/mapping/company.ts), so only those pay the GET /entities, once per
 * runtime. Best effort: without it the message names the entity id alone, and nothing else waits on it.
 */
export async function entityNamesOf(
  tenant: TenantConfig,
  ramp: Pick<RampClient, "listEntities">,
  log: RampLogger | undefined,
): Promise<Map<string, string> | undefined> {
  if (tenant.companies.length < 2) return undefined;
  try {
    const names = new Map<string, string>();
    for await (const e of ramp.listEntities()) names.set(e.id, e.name);
    return names;
  } catch (err) {
    log?.warn("Ramp entity names not read; unmapped-entity messages name ids only", {
      tenantId: tenant.tenantId,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

/** The runtimes of a handler's parts (its parsed env, AWS clients and logger), as every function builds them. */
export function tenantRuntimesOf(
  parts: {
    env: {
      TABLE_NAME: string;
      JOURNAL_ROOT?: string | undefined;
      RAMP_RATE_LIMIT?: RampRateLimit | undefined;
    };
    aws: { doc: DynamoDBDocumentClient; secrets: SecretsManagerClient };
    obs: { log: RampLogger };
  },
  tenants: Pick<Tenants, "get">,
  extras: { erpCrash?: ErpCrashHook; wrapErp?: ErpWrapper } = {},
): TenantRuntimes {
  return createTenantRuntimes({
    doc: parts.aws.doc,
    tableName: parts.env.TABLE_NAME,
    tenants,
    secrets: parts.aws.secrets,
    logger: parts.obs.log,
    ...(parts.env.JOURNAL_ROOT ? { journalRoot: parts.env.JOURNAL_ROOT } : {}),
    ...(parts.env.RAMP_RATE_LIMIT ? { rateLimit: parts.env.RAMP_RATE_LIMIT } : {}),
    ...extras,
  });
}
