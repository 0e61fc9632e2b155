/**
 * The migration tool (the guide's "Migration tool" walkthrough, docs/ramp-api.md, Guide "Migration tool"): move a customer
 * from the connection they have (usually a Ramp-managed direct integration) onto
 * our API connection without losing historical codings.
 *
 *   preflight → backup → inactive API connection (verified unlinked, type API)
 *   → preload the whole chart into it → check the ready-to-migrate preconditions
 *   → mark ready → the customer switches providers in Ramp's UI.
 *
 * Every step looks before it writes, so the tool is safe to rerun: after a crash
 * it finds its inactive connection again (by provider name), the preload resumes
 * from Ramp's lists without duplicates, and a connection already marked ready is
 * left as it is.
 */

import type { ExecuteReport } from "../coa/execute.js";
import { pushCoa, type SnapshotStore } from "../coa/push.js";
import type { TenantConfig } from "../config/tenant.js";
import { statusIs, typeIs } from "../connection/connection.js";
import { rampSettingsOf } from "../connection/settings.js";
import { ServiceError } from "../domain/errors.js";
import type { RampLogger } from "../domain/logger.js";
import type { ErpPort } from "../erp/port.js";
import type { Connection, RampClient } from "../ramp/index.js";
import { backupChart, type ChartBackup } from "./backup.js";
import { countReadyToSync, describeCounts, type ReadyCounts } from "./preflight.js";

export type MigrationStep = "preflight" | "backup" | "connection" | "preload" | "preconditions" | "ready";

export class MigrationRefusedError extends ServiceError {
  override readonly name: string = "MigrationRefusedError";
  constructor(
    readonly step: MigrationStep,
    /** One plain-language explanation per failed check. */
    readonly problems: string[],
  ) {
    super(`migration refused at ${step}: ${problems.join(" ")}`);
  }
}

export interface MigrationDeps {
  client: RampClient;
  erp: Pick<ErpPort, "readSurface">;
  /** Stores the backup (the ops CLI writes a JSON file) and says where it went. */
  saveBackup: (backup: ChartBackup) => Promise<string>;
  snapshots?: SnapshotStore;
  logger?: RampLogger;
}

export interface MigrationInput {
  tenant: TenantConfig;
  /** Go on although ready-to-sync objects remain on the old connection (they will not survive the switch). */
  force?: boolean;
}

export interface MigrationResult {
  connectionId: string;
  providerName: string;
  /** What each step did on this run. */
  steps: Array<{ step: MigrationStep; outcome: string }>;
  ready: ReadyCounts | null;
  backupLocation: string | null;
  preload: ExecuteReport | null;
  nextStep: string;
}

export function nextStepText(providerName: string): string {
  return (
    `Next step for the customer: in Ramp open Accounting → Settings → Danger Zone → Switch Providers, ` +
    `pick "${providerName}", map the fields of the old connection onto the new one and confirm. ` +
    "Then recreate the accounting rules and automations noted before the cutover."
  );
}

const sameName = (a: string | null | undefined, b: string) =>
  (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

/** The inactive API connection an earlier run created for this provider name (the newest, if several). */
export function findTargetConnection(all: readonly Connection[], providerName: string): Connection | null {
  const candidates = all
    .filter((c) => !c.is_active && typeIs(c, "API") && sameName(c.remote_provider_name, providerName))
    .sort((a, b) => String(b.created_at ?? "").localeCompare(String(a.created_at ?? "")));
  return candidates.find((c) => c.is_ready_to_migrate) ?? candidates[0] ?? null;
}

/** The guide's four preconditions of ready-to-migrate (docs/ramp-api.md, Guide "Migration tool"), each failed one explained. */
export function readyToMigrateProblems(all: readonly Connection[], targetId: string): string[] {
  const problems: string[] = [];
  const target = all.find((c) => c.id === targetId);
  if (!target) return [`Connection ${targetId} does not exist in Ramp.`];
  if (!typeIs(target, "API") || target.is_active) {
    problems.push(
      `Connection ${targetId} must be an inactive API connection (it is ${target.is_active ? "active" : "inactive"}, type ${target.connection_type ?? "unknown"}).`,
    );
  }
  const active = all.find((c) => c.is_active);
  if (!active || active.id === targetId) {
    problems.push(
      "The customer has no separate active accounting connection to migrate from: connect the API connection directly instead (ops coa-push).",
    );
  }
  if (target.is_ready_to_migrate) problems.push(`Connection ${targetId} is already marked ready to migrate.`);
  const other = all.find((c) => c.id !== targetId && c.is_ready_to_migrate);
  if (other) {
    problems.push(
      `Another ERP migration is already in progress (connection ${other.id}, ${other.remote_provider_name ?? "unnamed"}): the customer must finish or cancel it first.`,
    );
  }
  return problems;
}

export async function runMigration(deps: MigrationDeps, input: MigrationInput): Promise<MigrationResult> {
  const { client } = deps;
  const { tenant } = input;
  const providerName = tenant.ramp.remoteProviderName;
  const steps: MigrationResult["steps"] = [];
  const note = (step: MigrationStep, outcome: string) => {
    steps.push({ step, outcome });
    deps.logger?.info("migration step", { tenantId: tenant.tenantId, step, outcome });
  };

  let all = await client.allConnections();
  const existing = findTargetConnection(all, providerName);
  if (existing?.is_ready_to_migrate) {
    // A previous run finished: nothing left to do but the customer's switch.
    note("ready", `connection ${existing.id} is already marked ready to migrate`);
    return {
      connectionId: existing.id,
      providerName,
      steps,
      ready: null,
      backupLocation: null,
      preload: null,
      nextStep: nextStepText(providerName),
    };
  }
  const active = all.find((c) => c.is_active);
  if (!active) {
    throw new MigrationRefusedError("preflight", [
      "No accounting connection is active in Ramp, so there is nothing to migrate from: connect the API connection directly instead (ops coa-push).",
    ]);
  }

  // 1. Preflight: the old connection must be drained.
  const ready = await countReadyToSync(client);
  if (ready.total > 0 && !input.force) {
    throw new MigrationRefusedError("preflight", [
      `${ready.total} objects are still ready to sync on the old connection (${describeCounts(ready)}); ` +
        "sync them first (anything left ready does not survive the switch), or rerun with --force.",
    ]);
  }
  note("preflight", ready.total > 0 ? `forced past ${ready.total} ready objects` : "old connection drained");

  // 2. Backup of the old connection's chart.
  const backupLocation = await deps.saveBackup(await backupChart(client));
  note("backup", `chart of ${active.remote_provider_name ?? active.id} saved to ${backupLocation}`);

  // 3. The inactive API connection, created once and verified.
  const target = await ensureTargetConnection(client, tenant, existing, note);

  // 4. Preload the whole surface (GL, fields, options, vendors, tax) into it.
  const preload = await pushCoa(
    { client, erp: deps.erp, snapshots: deps.snapshots, logger: deps.logger },
    { tenant, targetConnectionId: target.id },
  );
  note(
    "preload",
    `${preload.operations.length} operations, ${preload.report.writeCalls} write calls, ${preload.report.failures.length} items refused`,
  );

  // 5. Preconditions, each failed one explained; 6. mark ready.
  all = await client.allConnections();
  const problems = readyToMigrateProblems(all, target.id);
  if (problems.length) throw new MigrationRefusedError("preconditions", problems);
  note("preconditions", "all four hold");
  const marked = await client.markReadyToMigrate(target.id);
  note("ready", `connection ${marked.id} marked ready to migrate`);

  return {
    connectionId: target.id,
    providerName,
    steps,
    ready,
    backupLocation,
    preload: preload.report,
    nextStep: nextStepText(providerName),
  };
}

/** The inactive API connection to migrate into: created once (or reused from an earlier run) and read back. */
async function ensureTargetConnection(
  client: MigrationDeps["client"],
  tenant: MigrationInput["tenant"],
  existing: Connection | null,
  note: (step: MigrationStep, outcome: string) => void,
): Promise<Connection> {
  let target = existing;
  if (!target) {
    target = await client.createConnection({
      remote_provider_name: tenant.ramp.remoteProviderName,
      is_active: false,
      settings: rampSettingsOf(tenant),
    });
    note("connection", `created inactive connection ${target.id}`);
  } else {
    note("connection", `reusing inactive connection ${target.id} from an earlier run`);
  }
  const readBack = await client.getConnection(target.id);
  const wrong: string[] = [];
  if (!statusIs(readBack, "unlinked"))
    wrong.push(`status is ${readBack.status ?? "missing"}, expected UNLINKED`);
  if (!typeIs(readBack, "API")) wrong.push(`type is ${readBack.connection_type ?? "missing"}, expected API`);
  if (readBack.is_active) wrong.push("it is active");
  if (wrong.length) {
    throw new MigrationRefusedError("connection", [
      `Connection ${target.id} is not usable for migration: ${wrong.join("; ")}.`,
    ]);
  }
  return target;
}
