/**
 * The operator commands, separated from process wiring so tests can run them
 * with their own dependencies:
 *
 *   coa-push   --tenant T [--delete-removed-options] --in-process   (here and now)
 *
 * `coa-push --tenant T` and `--all` without --in-process enqueue (ops/coa-enqueue.ts).
 *   migrate    --tenant T [--force] [--backup FILE]
 *   disconnect --tenant T --confirm
 *
 * Exit codes: 0 done, 1 failed, 2 refused (a precondition or a missing flag;
 * the message says what to do), 64 usage error.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Command } from "commander";
import { loadTenant, pushTenant, storeConnectionId, type TenantPushDeps } from "../lib/coa/run.js";
import { ConnectionError, disconnect } from "../lib/connection/index.js";
import { MigrationRefusedError, runMigration } from "../lib/migration/index.js";
import { enqueueCoaPushes } from "./coa-enqueue.js";
import { type CommandKit, dryRunOption, EXIT, jsonOption, type OpsIo, positiveInt } from "./command-kit.js";

export type { OpsIo };

export const USAGE = `usage:
  ops coa-push   --tenant <id> [--delete-removed-options]
  ops migrate    --tenant <id> [--force] [--backup <file>]
  ops disconnect --tenant <id> --confirm`;

export async function runOpsCommand(
  argv: readonly string[],
  deps: TenantPushDeps,
  io: OpsIo,
): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: {
        tenant: { type: "string" },
        force: { type: "boolean", default: false },
        backup: { type: "string" },
        confirm: { type: "boolean", default: false },
        "delete-removed-options": { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 64;
  }
  const tenantId = typeof values.tenant === "string" ? values.tenant : undefined;
  if (!command || !tenantId) {
    io.err(USAGE);
    return 64;
  }
  try {
    switch (command) {
      case "coa-push": {
        const r = await pushTenant(deps, tenantId, {
          optionRemoval: values["delete-removed-options"] ? "delete" : undefined,
        });
        io.out(
          `coa-push ${tenantId}: connection ${r.connectionId}, ${r.operations.length} operations, ` +
            `${r.report.writeCalls} write calls${r.report.complete ? "" : " (stopped early; run again)"}`,
        );
        for (const f of r.report.failures) io.out(`  refused ${f.list} ${f.remoteId}: ${f.reason}`);
        return 0;
      }
      case "migrate": {
        const tenant = await loadTenant(deps, tenantId);
        const erp = await deps.erpFor(tenant);
        try {
          const now = (io.now ?? (() => new Date()))();
          const file =
            typeof values.backup === "string"
              ? values.backup
              : `backup-${tenantId}-${now.toISOString().replace(/[:.]/g, "-")}.json`;
          const res = await runMigration(
            {
              client: await deps.rampFor(tenant),
              erp,
              snapshots: deps.snapshots,
              logger: deps.logger,
              saveBackup: async (b) => {
                await writeFile(file, `${JSON.stringify(b, null, 2)}\n`);
                return file;
              },
            },
            { tenant, force: values.force === true },
          );
          for (const s of res.steps) io.out(`  ${s.step}: ${s.outcome}`);
          io.out(`migration ${tenantId}: connection ${res.connectionId} is ready to migrate.`);
          io.out(res.nextStep);
          return 0;
        } finally {
          await erp.close();
        }
      }
      case "disconnect": {
        const tenant = await loadTenant(deps, tenantId);
        const res = await disconnect(await deps.rampFor(tenant), {
          confirm: values.confirm === true,
          expectedConnectionId: tenant.ramp.connectionId,
        });
        await storeConnectionId(deps.tenants, tenantId, null);
        io.out(`disconnected ${tenantId}: connection ${res.disconnected.id} is now inactive.`);
        return 0;
      }
      default:
        io.err(`unknown command ${command}\n${USAGE}`);
        return 64;
    }
  } catch (e) {
    if (e instanceof MigrationRefusedError) {
      io.err(`migration refused at ${e.step}:`);
      for (const p of e.problems) io.err(`  - ${p}`);
      return 2;
    }
    if (e instanceof ConnectionError) {
      io.err(e.message);
      return 2;
    }
    io.err(`${command} ${tenantId} failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

export function registerCoaCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  sub(
    program,
    "coa-push",
    "push the ERP's chart of accounts to the tenants' Ramp connections (through the coa-request queue)",
  )
    .option("--tenant <id>", "one tenant, at once")
    .option("--all", "every enabled tenant (bulk onboarding), due at random over --window")
    .option("--window <seconds>", "spread --all over this many seconds", positiveInt("--window"), 1800)
    .option(
      "--delete-removed-options",
      "delete options gone from the ERP instead of hiding them (this run only)",
    )
    .option("--in-process", "push the one --tenant here and now and print its report, not through the queue")
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(
      async (o: {
        tenant?: string;
        all?: boolean;
        window: number;
        deleteRemovedOptions?: boolean;
        inProcess?: boolean;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        if (Boolean(o.tenant) === Boolean(o.all) || (o.inProcess && !o.tenant)) {
          io.err("coa-push: give --tenant <id> or --all (--in-process only with --tenant)");
          return exit(EXIT.usage);
        }
        if (o.inProcess) {
          const argv = [
            "coa-push",
            "--tenant",
            o.tenant as string,
            ...(o.deleteRemovedOptions ? ["--delete-removed-options"] : []),
          ];
          return exit(await runOpsCommand(argv, kit.ctx().coa(), io));
        }
        exit(
          await enqueueCoaPushes(kit.ctx(), io, {
            ...(o.tenant ? { tenant: o.tenant } : {}),
            all: o.all === true,
            windowS: o.window,
            ...(o.deleteRemovedOptions ? { optionRemoval: "delete" as const } : {}),
            dryRun: o.dryRun === true,
            json: o.json === true,
          }),
        );
      },
    );
  sub(program, "migrate", "move the tenant from another accounting connection with Ramp's migration tool")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--force", "go on although objects are still ready to sync on the old connection")
    .option("--backup <file>", "where to save the old connection's chart")
    .action(async (o: { tenant: string; force?: boolean; backup?: string }) => {
      const argv = [
        "migrate",
        "--tenant",
        o.tenant,
        ...(o.force ? ["--force"] : []),
        ...(o.backup ? ["--backup", o.backup] : []),
      ];
      exit(await runOpsCommand(argv, kit.ctx().coa(), io));
    });
  sub(program, "disconnect", "deactivate the tenant's Ramp accounting connection")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--confirm", "required: disconnecting stops every sync for the tenant")
    .action(async (o: { tenant: string; confirm?: boolean }) => {
      exit(
        await runOpsCommand(
          ["disconnect", "--tenant", o.tenant, ...(o.confirm ? ["--confirm"] : [])],
          kit.ctx().coa(),
          io,
        ),
      );
    });
}
