/**
 * The operator CLI's commands (commander: per-command --help, subcommands,
 * typed options). Exit codes: 0 done, 1 failed, 2 refused (a precondition; the
 * message says what to do), 64 usage. The context is built only when a
 * command runs, for the target the global options chose (ops/target.ts), so
 * `--help` anywhere needs no AWS, environment or target file.
 */
import { Command, CommanderError } from "commander";
import { registerActCommands } from "./act-commands.js";
import { registerButtonCommands } from "./button-commands.js";
import { registerCoaCommands } from "./coa-commands.js";
import { type CommandKit, EXIT, type OpsIo } from "./command-kit.js";
import type { ContextFactory, OpsContext } from "./context.js";
import { registerDlqCommands } from "./dlq-commands.js";
import { registerReceiptsCommands } from "./receipts-commands.js";
import { registerReconcileCommands } from "./reconcile-commands.js";
import { registerStatusCommands } from "./status-commands.js";
import { registerTargets } from "./target-commands.js";
import { registerTenantCommands } from "./tenant-commands.js";
import { registerVendorCommands } from "./vendor-commands.js";
import { registerWebhookCommands } from "./webhook-commands.js";

export { EXIT };

/** Command groups in the order `--help` lists them. */
const REGISTRATIONS: ReadonlyArray<(program: Command, kit: CommandKit) => void> = [
  registerTenantCommands,
  registerActCommands,
  registerCoaCommands,
  registerVendorCommands,
  registerWebhookCommands,
  registerButtonCommands,
  registerDlqCommands,
  registerStatusCommands,
  registerReconcileCommands,
  registerReceiptsCommands,
  registerTargets,
];

/**
 * Runs one command line. `context` is a built context (tests) or a factory
 * called with the global target options (--local, --stage, --config).
 */
export async function runOps(
  argv: readonly string[],
  context: OpsContext | ContextFactory,
  io: OpsIo,
): Promise<number> {
  let code: number = EXIT.done;
  let built: OpsContext | undefined;
  const program = new Command("ramp-erp-sync");
  const kit: CommandKit = {
    ctx: () => {
      if (!built) {
        const o = program.opts<{ local?: string; stage?: string; config?: string }>();
        built =
          typeof context === "function"
            ? context({
                ...(o.local ? { local: o.local } : {}),
                ...(o.stage ? { stage: o.stage } : {}),
                ...(o.config ? { configFile: o.config } : {}),
              })
            : context;
      }
      return built;
    },
    io,
    exit: (c) => {
      code = c;
    },
    sub: (parent, name, description) =>
      parent
        .command(name)
        .description(description)
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) }),
  };
  program
    .description(
      "Operate ramp-erp-sync: tenants, status, failures, retries, DLQs, reconciliation, chart of accounts, webhooks, the Sync Button",
    )
    .option("--local <file>", "act on a local stack (the JSON the demo's --keep writes; ops/README.md)")
    .option("--stage <name>", "act on a deployed stage named in ops.config.json")
    .option("--config <file>", "where --stage looks (default ./ops.config.json)")
    .option("--debug", "on an error, print its stack too")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError("(add --help for usage)");
  for (const register of REGISTRATIONS) register(program, kit);
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
  } finally {
    if (built && typeof context === "function") built.close();
  }
  return code;
}
