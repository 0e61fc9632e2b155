/**
 * One chart-of-accounts push for one tenant: make sure the API connection is
 * there (or stop, writing nothing, when a direct integration is active), read
 * the ERP's coding surface through the port, read Ramp's current surface and the
 * last snapshot, plan the difference, execute it, store the new snapshot.
 *
 * Everything is recomputed from Ramp's lists on each run, so a push that was cut
 * off (Lambda timeout, crash) simply resumes on the next run without duplicates,
 * and a push with no change makes list calls only.
 */
import type { TenantConfig } from "../config/tenant.js";
import { type EnsureConnectionResult, ensureConnection } from "../connection/connection.js";
import { rampSettingsOf } from "../connection/settings.js";
import type { RampLogger } from "../domain/logger.js";
import type { ErpPort } from "../erp/port.js";
import { COA_UPLOAD_MAX, type RampClient } from "../ramp/client.js";
import { readRampSurface } from "./current.js";
import { desiredFromSurface, snapshotOf } from "./desired.js";
import { type ExecuteReport, executePlan } from "./execute.js";
import { planCoaPush } from "./plan.js";
import { PushSnapshotSchema, snapshotScope, withoutFailedCreations } from "./snapshot.js";
import type { CoaOperation, DesiredSurface, ManualVendorLink, PushSnapshot, RampSurface } from "./types.js";
import { matchVendors, type UnlinkedVendor } from "./vendor-match.js";

/** What coa-push needs of the snapshot repository (lib/store/coa-snapshots.ts). */
export interface SnapshotStore {
  get<T>(tenantId: string, scope: string, schema: import("zod").ZodType<T>): Promise<T | undefined>;
  put(tenantId: string, scope: string, snapshot: unknown): Promise<unknown>;
}

/** The manual vendor links (lib/store/vendor-links.ts): coa-push lists them, `ops vendors link` puts one. */
export interface ManualVendorLinkStore {
  list(tenantId: string): Promise<ManualVendorLink[]>;
  put(tenantId: string, link: ManualVendorLink & { decidedBy: string }): Promise<unknown>;
}

export interface CoaPushDeps {
  client: RampClient;
  erp: Pick<ErpPort, "readSurface">;
  snapshots?: SnapshotStore;
  /** Links decided with `ops vendors link`; absent = none. */
  vendorLinks?: ManualVendorLinkStore;
  logger?: RampLogger;
  /** Called when the connection id differs from the one in the tenant config (store it). */
  onConnectionId?: (connectionId: string) => Promise<void>;
}

export interface CoaPushInput {
  tenant: TenantConfig;
  /**
   * The migration tool's preload: write into this inactive API connection (every
   * upload carries `accounting_connection_id`), leave the active connection and
   * Ramp vendors alone.
   */
  targetConnectionId?: string;
  /** Overrides the tenant's `coa.optionRemoval` for this run. */
  optionRemoval?: "hide" | "delete";
  shouldStop?: () => boolean;
}

export interface CoaPushResult {
  connectionId: string;
  connection: EnsureConnectionResult | null;
  operations: CoaOperation[];
  report: ExecuteReport;
  snapshotSaved: boolean;
  /** Ramp vendors this push could not link, and why (`ops vendors unlinked` lists them). */
  unlinkedVendors: UnlinkedVendor[];
}

export async function pushCoa(deps: CoaPushDeps, input: CoaPushInput): Promise<CoaPushResult> {
  const { tenant } = input;
  const { client } = deps;
  let connection: EnsureConnectionResult | null = null;
  let connectionId: string;
  if (input.targetConnectionId) {
    connectionId = input.targetConnectionId;
  } else {
    connection = await ensureConnection(client, {
      remoteProviderName: tenant.ramp.remoteProviderName,
      settings: rampSettingsOf(tenant),
      knownConnectionId: tenant.ramp.connectionId,
    });
    connectionId = connection.connection.id;
    if (connectionId !== tenant.ramp.connectionId) await deps.onConnectionId?.(connectionId);
  }

  const erpSurface = await deps.erp.readSurface();
  const desired = scopeDesired(
    desiredFromSurface(erpSurface, { scopeToEntities: tenant.companies.length > 1 }),
    tenant,
  );
  const scope = snapshotScope(connectionId);
  const snapshot: PushSnapshot | null =
    (await deps.snapshots?.get(tenant.tenantId, scope, PushSnapshotSchema)) ?? null;
  const current = scopeCurrent(
    await readRampSurface(client, {
      connectionId: input.targetConnectionId,
      // The options of fields we pushed before are read too: a field gone from the ERP has them hidden.
      fieldRemoteIds: [
        ...desired.fields.map((f) => f.remoteId),
        ...Object.keys(snapshot?.fieldOptions ?? {}),
      ],
      rampVendors: !input.targetConnectionId && tenant.coa.pushVendors,
    }),
    tenant,
  );

  const linkVendors = !input.targetConnectionId && tenant.coa.pushVendors;
  const manualVendorLinks = linkVendors ? ((await deps.vendorLinks?.list(tenant.tenantId)) ?? []) : [];
  const operations = planCoaPush({
    desired,
    current,
    snapshot,
    manualVendorLinks,
    ownedPrefixes: tenant.companies.map((c) => `${c.key}:`),
    options: {
      optionRemoval: input.optionRemoval ?? tenant.coa.optionRemoval,
      fieldRemoval: tenant.coa.fieldRemoval,
      chunkSize: COA_UPLOAD_MAX,
    },
  });
  const report = await executePlan(client, operations, current, {
    connectionId: input.targetConnectionId,
    shouldStop: input.shouldStop,
  });

  let snapshotSaved = false;
  if (deps.snapshots && report.complete && (operations.length > 0 || snapshot === null)) {
    await deps.snapshots.put(
      tenant.tenantId,
      scope,
      withoutFailedCreations(snapshotOf(desired), report.failures),
    );
    snapshotSaved = true;
  }
  // The planner linked what it could; the rest would fail later as bills with a coding error: say so now.
  const { unlinked: unlinkedVendors } = matchVendors({
    rampVendors: current.rampVendors,
    accountingVendors: desired.vendors,
    manualLinks: manualVendorLinks,
  });
  if (unlinkedVendors.length > 0) {
    deps.logger?.warn("ramp vendors left unlinked", {
      tenantId: tenant.tenantId,
      count: unlinkedVendors.length,
      ambiguous: unlinkedVendors.filter((u) => u.reason !== "no-candidate").length,
      hint: `ops vendors unlinked --tenant ${tenant.tenantId}`,
    });
  }
  deps.logger?.info("coa push done", {
    tenantId: tenant.tenantId,
    connectionId,
    operations: operations.length,
    writeCalls: report.writeCalls,
    failures: report.failures.length,
    complete: report.complete,
  });
  for (const f of report.failures) deps.logger?.warn("coa item refused", { tenantId: tenant.tenantId, ...f });
  return { connectionId, connection, operations, report, snapshotSaved, unlinkedVendors };
}

/** Vendors and tax are pushed only when the tenant asks for them; otherwise left as Ramp has them. */
function scopeDesired(d: DesiredSurface, tenant: TenantConfig): DesiredSurface {
  return {
    ...d,
    vendors: tenant.coa.pushVendors ? d.vendors : [],
    taxRates: tenant.coa.pushTax ? d.taxRates : [],
    taxCodes: tenant.coa.pushTax ? d.taxCodes : [],
  };
}

function scopeCurrent(c: RampSurface, tenant: TenantConfig): RampSurface {
  return {
    ...c,
    vendors: tenant.coa.pushVendors ? c.vendors : [],
    rampVendors: tenant.coa.pushVendors ? c.rampVendors : [],
    taxRates: tenant.coa.pushTax ? c.taxRates : [],
    taxCodeOptions: tenant.coa.pushTax ? c.taxCodeOptions : [],
  };
}
