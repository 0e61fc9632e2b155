/**
 * Ops commands for Ramp vendor ↔ accounting vendor links (lib/coa/vendor-match.ts decides
 * them on every coa-push; these show what it left and let a person decide):
 *
 *   vendors unlinked --tenant T [--json]
 *   vendors link     --tenant T <ramp vendor id> <accounting vendor remote id> [--dry-run] [--json]
 *
 * `link` stores the decision (remembered across pushes) and links the vendor in Ramp now.
 * An accounting vendor already linked to another Ramp vendor is refused (exit 2): Ramp
 * allows one, and moving it would re-code the other vendor's bills.
 * Exit codes: 0 done, 1 failed, 2 refused, 64 usage error.
 */
import { parseArgs } from "node:util";
import type { Command } from "commander";
import type { TenantPushDeps } from "../lib/coa/run.js";
import { loadTenant } from "../lib/coa/run.js";
import { linkVendorByHand, type UnlinkedVendorRow, unlinkedVendors } from "../lib/coa/vendor-review.js";
import { type CommandKit, EXIT, emit, type OpsIo, reportProblem } from "./command-kit.js";

export const VENDORS_USAGE = `usage:
  ops vendors unlinked --tenant <id> [--json]
  ops vendors link     --tenant <id> <ramp vendor id> <accounting vendor remote id> [--dry-run] [--json]`;

/** `argv` starts after `vendors`: `[subcommand, ...flags and ids]`. */
export async function runVendorCommand(
  argv: readonly string[],
  deps: TenantPushDeps,
  io: OpsIo,
  actor = "ops",
): Promise<number> {
  const [command, ...rest] = argv;
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      options: {
        tenant: { type: "string" },
        json: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n${VENDORS_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const tenantId = typeof values.tenant === "string" ? values.tenant : undefined;
  const json = values.json === true;
  const wantIds = command === "link" ? 2 : 0;
  if (!tenantId || (command !== "unlinked" && command !== "link") || positionals.length !== wantIds) {
    io.err(VENDORS_USAGE);
    return EXIT.usage;
  }
  let tenant: Awaited<ReturnType<typeof loadTenant>>;
  try {
    tenant = await loadTenant(deps, tenantId);
  } catch (e) {
    return reportProblem(io, json, "refused", String(e instanceof Error ? e.message : e), "ops tenants list");
  }
  const erp = await deps.erpFor(tenant);
  try {
    const client = await deps.rampFor(tenant);
    if (command === "unlinked") {
      const rows = await unlinkedVendors({ client, erp, vendorLinks: deps.vendorLinks }, tenant);
      emit(io, json, { tenantId, unlinked: rows }, () => unlinkedTable(rows));
      return EXIT.done;
    }
    if (!deps.vendorLinks) throw new Error("no manual vendor link store configured");
    const [rampVendorId = "", accountingVendorRemoteId = ""] = positionals;
    const dryRun = values["dry-run"] === true;
    const res = await linkVendorByHand({ client, erp, vendorLinks: deps.vendorLinks }, tenant, {
      rampVendorId,
      accountingVendorRemoteId,
      decidedBy: actor,
      dryRun,
    });
    if (!res.ok) return reportProblem(io, json, "refused", res.problem, res.hint);
    emit(
      io,
      json,
      { ok: true, tenantId, dryRun, rampVendorId, accountingVendorRemoteId, previous: res.previous },
      () => [
        `${dryRun ? "would link" : "linked"} Ramp vendor ${rampVendorId} (${res.rampVendor.name}) → ` +
          `${accountingVendorRemoteId} (${res.accountingVendor.name})` +
          (res.previous ? `, was ${res.previous}` : "") +
          (dryRun ? "" : "; remembered for every push"),
      ],
    );
    return EXIT.done;
  } catch (e) {
    return reportProblem(
      io,
      json,
      "failed",
      `vendors ${command} ${tenantId}: ${e instanceof Error ? e.message : String(e)}`,
      "run it again; --debug shows the stack",
    );
  } finally {
    await erp.close();
  }
}

/** One line per unlinked Ramp vendor, columns padded; candidates as `remote id (name)`. */
function unlinkedTable(rows: readonly UnlinkedVendorRow[]): string[] {
  if (rows.length === 0) return ["every active Ramp vendor is linked to an accounting vendor"];
  const cells = rows.map((r) => [
    r.rampVendorId,
    r.name,
    r.nameLegal ?? "",
    r.reason,
    [
      ...r.candidates.map((c) => `${c.remoteId} (${c.name}${c.linkedTo ? `, linked to ${c.linkedTo}` : ""})`),
      ...(r.rivals.length ? [`also claimed by ${r.rivals.join(", ")}`] : []),
    ].join("; ") || "-",
  ]);
  const table = [["RAMP VENDOR", "NAME", "NAME_LEGAL", "REASON", "CANDIDATES"], ...cells];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

export function registerVendorCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const vendors = sub(program, "vendors", "Ramp vendors ↔ accounting vendors: what coa-push could not link");
  sub(vendors, "unlinked", "list the Ramp vendors left unlinked, with the reason and their candidates")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--json", "one JSON document as output (ops/README.md)")
    .action(async (o: { tenant: string; json?: boolean }) => {
      const argv = ["unlinked", "--tenant", o.tenant, ...(o.json ? ["--json"] : [])];
      exit(await runVendorCommand(argv, kit.ctx().coa(), io));
    });
  sub(vendors, "link", "link a Ramp vendor to an accounting vendor by hand (remembered across pushes)")
    .argument("<rampVendorId>", "the Ramp vendor (an id `vendors unlinked` lists)")
    .argument("<accountingVendorRemoteId>", "the accounting vendor's remote id (the ERP's)")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--dry-run", "say what would be done; change nothing")
    .option("--json", "one JSON document as output (ops/README.md)")
    .action(
      async (
        rampVendorId: string,
        remoteId: string,
        o: { tenant: string; dryRun?: boolean; json?: boolean },
      ) => {
        const argv = [
          "link",
          "--tenant",
          o.tenant,
          ...(o.dryRun ? ["--dry-run"] : []),
          ...(o.json ? ["--json"] : []),
          rampVendorId,
          remoteId,
        ];
        exit(await runVendorCommand(argv, kit.ctx().coa(), io, kit.ctx().actor()));
      },
    );
}
