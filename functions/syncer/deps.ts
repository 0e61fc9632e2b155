/**
 * The syncer's dependencies from the validated environment: the store, and per
 * tenant a runtime (config, Ramp client, ERP adapter, coding context) cached for
 * the warm Lambda. The coding context is re-read from the ERP at most every
 * few minutes — it only turns tax codes into rates and changes with the chart.
 */

import { randomUUID } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { createSecretJsonReader } from "../../lib/aws/secrets.js";
import { createTenantRampClients } from "../../lib/aws/tenant-ramp.js";
import type { SyncerEnv } from "../../lib/config/env.js";
import type { ErpCrashHook } from "../../lib/erp/crash-points.js";
import { createErp } from "../../lib/erp/index.js";
import { codingContextFromSurface } from "../../lib/erp/mapping/index.js";
import type { RampLogger } from "../../lib/ramp/index.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore, type Store } from "../../lib/store/index.js";
import type { TenantRuntime } from "../../lib/sync/process-item.js";

const RUNTIME_TTL_MS = 5 * 60_000;

export interface SyncerRuntimeDeps {
  store: Store;
  runtimeFor(tenantId: string): Promise<TenantRuntime | null>;
  /** A fresh lease owner per invocation. */
  newOwner(requestId?: string): string;
}

export interface SyncerBuildOptions {
  /** Kill tests only (test/chaos): a hook inside the ERP adapters' multi-step writes. */
  erpCrash?: ErpCrashHook;
}

export function buildSyncerDeps(
  env: SyncerEnv,
  logger?: RampLogger,
  options: SyncerBuildOptions = {},
): SyncerRuntimeDeps {
  const doc = createDocumentClient({ region: env.AWS_REGION });
  const tableDeps = { doc, tableName: env.TABLE_NAME };
  const store = createStore(tableDeps);
  const secretsClient = new SecretsManagerClient({ region: env.AWS_REGION });
  const secrets = createSecretJsonReader({ client: secretsClient });
  const rampFor = createTenantRampClients({
    store: tableDeps,
    secrets: secretsClient,
    ...(logger ? { logger } : {}),
  });
  const cache = new Map<string, { at: number; rt: Promise<TenantRuntime | null> }>();

  async function build(tenantId: string): Promise<TenantRuntime | null> {
    const tenant = await store.tenants.get(tenantId);
    if (!tenant?.enabled) return null;
    const ramp = rampFor(tenant);
    const erp = await createErp(tenant, {
      readSecret: async (id) => JSON.stringify(await secrets.read(id, z.unknown())),
      ...(options.erpCrash ? { crash: options.erpCrash } : {}),
      ...(env.JOURNAL_ROOT ? { journalRoot: env.JOURNAL_ROOT } : {}),
    });
    const coding = codingContextFromSurface(await erp.readSurface());
    return { tenant, ramp, erp, coding };
  }

  return {
    store,
    runtimeFor(tenantId) {
      const hit = cache.get(tenantId);
      if (hit && Date.now() - hit.at < RUNTIME_TTL_MS) return hit.rt;
      const rt = build(tenantId);
      cache.set(tenantId, { at: Date.now(), rt });
      rt.catch(() => cache.delete(tenantId));
      return rt;
    },
    newOwner: (requestId) => `${requestId ?? "local"}:${randomUUID().slice(0, 8)}`,
  };
}
