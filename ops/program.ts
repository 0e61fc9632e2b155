/**
 * The operator CLI's commands (commander: per-command --help, subcommands,
 * typed options). Exit codes: 0 done, 1 failed, 2 refused (a precondition; the
 * message says what to do), 64 usage. Dependencies come from `OpsContext`,
 * built only when a command runs, so `--help` anywhere needs no AWS or env.
 */
import { Command, CommanderError, Option } from "commander";
import { type OpsIo, runOpsCommand } from "./coa-commands.js";
import type { OpsContext } from "./context.js";
import { tenantsList, tenantsPut, tenantsShow, tenantsValidate } from "./tenant-commands.js";
import { runWebhookCommand } from "./webhook-commands.js";

export const EXIT = { done: 0, failed: 1, refused: 2, usage: 64 } as const;

export async function runOps(argv: readonly string[], ctx: OpsContext, io: OpsIo): Promise<number> {
  let code: number = EXIT.done;
  const program = buildProgram(ctx, io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; anything else commander refuses is a usage error.
      return e.code === "commander.helpDisplayed" ||
        e.code === "commander.help" ||
        e.code === "commander.version"
        ? EXIT.done
        : EXIT.usage;
    }
    throw e;
  }
  return code;
}

function buildProgram(ctx: OpsContext, io: OpsIo, exit: (code: number) => void): Command {
  const program = new Command("ramp-erp-sync")
    .description("Operate ramp-erp-sync: tenants, chart of accounts, migration, webhooks")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError("(add --help for usage)");
  const json = new Option("--json", "one JSON document as output (ops/README.md)");
  const sub = (parent: Command, name: string, description: string) =>
    parent
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({
        writeOut: (s) => io.out(s.trimEnd()),
        writeErr: (s) => io.err(s.trimEnd()),
      });

  const tenants = sub(program, "tenants", "tenant documents: validate, put, show, list");
  sub(
    tenants,
    "validate",
    "check a tenant document strictly (unknown keys, types, cross-field rules); writes nothing",
  )
    .requiredOption("--file <path>", "the tenant document (JSON)")
    .addOption(json)
    .action(async (o: { file: string; json?: boolean }) => {
      exit(await tenantsValidate({ io, json: o.json === true }, o.file));
    });
  sub(tenants, "put", "validate and write a tenant document (its version must be the stored one)")
    .requiredOption("--file <path>", "the tenant document (JSON)")
    .option("--dry-run", "say what would be written; write nothing")
    .addOption(json)
    .action(async (o: { file: string; dryRun?: boolean; json?: boolean }) => {
      exit(await tenantsPut({ io, json: o.json === true }, ctx.tenants(), o.file, o.dryRun === true));
    });
  sub(tenants, "show", "one tenant's configuration (secrets are named, never printed)")
    .argument("<tenant>", "tenant id")
    .addOption(json)
    .action(async (tenant: string, o: { json?: boolean }) => {
      exit(await tenantsShow({ io, json: o.json === true }, ctx.tenants(), tenant));
    });
  sub(tenants, "list", "enabled tenants, and stored documents that no longer parse")
    .addOption(json)
    .action(async (o: { json?: boolean }) => {
      exit(await tenantsList({ io, json: o.json === true }, ctx.tenants()));
    });

  sub(program, "coa-push", "push the ERP's chart of accounts to the tenant's Ramp connection")
    .requiredOption("--tenant <id>", "tenant id")
    .option(
      "--delete-removed-options",
      "delete options gone from the ERP instead of hiding them (this run only)",
    )
    .action(async (o: { tenant: string; deleteRemovedOptions?: boolean }) => {
      const argv = [
        "coa-push",
        "--tenant",
        o.tenant,
        ...(o.deleteRemovedOptions ? ["--delete-removed-options"] : []),
      ];
      exit(await runOpsCommand(argv, ctx.coa(), io));
    });
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
      exit(await runOpsCommand(argv, ctx.coa(), io));
    });
  sub(program, "disconnect", "deactivate the tenant's Ramp accounting connection")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--confirm", "required: disconnecting stops every sync for the tenant")
    .action(async (o: { tenant: string; confirm?: boolean }) => {
      exit(
        await runOpsCommand(
          ["disconnect", "--tenant", o.tenant, ...(o.confirm ? ["--confirm"] : [])],
          ctx.coa(),
          io,
        ),
      );
    });

  const webhooks = sub(program, "webhooks", "the tenant's Ramp webhook subscription");
  sub(webhooks, "subscribe", "create or repair the subscription and complete its verification")
    .requiredOption("--tenant <id>", "tenant id")
    .requiredOption("--endpoint <url>", "the deployed webhook API (stack output WebhookUrl without the path)")
    .option("--no-ready-to-sync", "subscribe to Sync Button events only")
    .option("--timeout-ms <n>", "how long to wait for the verification challenge")
    .action(async (o: { tenant: string; endpoint: string; readyToSync: boolean; timeoutMs?: string }) => {
      const argv = [
        "subscribe",
        "--tenant",
        o.tenant,
        "--endpoint",
        o.endpoint,
        ...(o.readyToSync ? [] : ["--no-ready-to-sync"]),
        ...(o.timeoutMs ? ["--timeout-ms", o.timeoutMs] : []),
      ];
      exit(await runWebhookCommand(argv, ctx.webhooks(), io));
    });
  sub(webhooks, "list", "the tenant's subscriptions in Ramp")
    .requiredOption("--tenant <id>", "tenant id")
    .action(async (o: { tenant: string }) => {
      exit(await runWebhookCommand(["list", "--tenant", o.tenant], ctx.webhooks(), io));
    });
  sub(webhooks, "parked", "signed deliveries that could not be acted on (kept 30 days)")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--limit <n>", "how many")
    .action(async (o: { tenant: string; limit?: string }) => {
      const argv = ["parked", "--tenant", o.tenant, ...(o.limit ? ["--limit", o.limit] : [])];
      exit(await runWebhookCommand(argv, ctx.webhooks(), io));
    });
  return program;
}
