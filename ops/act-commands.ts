/**
 * `retry`, `sync-now`, `mark-synced`: acting on objects through the normal
 * exactly-once path (lib/operate). Every one has `--dry-run` (reads, decides,
 * writes nothing) and `--json`; operator steps are recorded in the ledger row's
 * history with who (`ops:<user>:<run>`) and why.
 */
import { type Command, InvalidArgumentError } from "commander";
import { sendAllOrThrow } from "../lib/aws/sqs.js";
import { KINDS, type Kind } from "../lib/domain/kinds.js";
import { markSynced } from "../lib/operate/mark-synced.js";
import { failedObjects, type RetryOutcome, retryObjects } from "../lib/operate/retry.js";
import { syncNow } from "../lib/operate/sync-now.js";
import { createOperatorLedger } from "../lib/store/ledger-operator.js";
import { noMetrics } from "../lib/sync/metrics.js";
import { flushReports } from "../lib/sync/reporter.js";
import { type CommandKit, dryRunOption, EXIT, emit, jsonOption } from "./command-kit.js";
import type { OpsContext } from "./context.js";

function parseKind(value: string): Kind {
  if ((KINDS as readonly string[]).includes(value)) return value as Kind;
  throw new InvalidArgumentError(`expected one of ${KINDS.join(", ")}`);
}

const kindOption = () => ["--kind <kind>", `one of ${KINDS.join(", ")}`, parseKind] as const;

async function tenantOrRefuse(kit: CommandKit, tenantId: string) {
  const tenant = await kit.ctx().tenants().get(tenantId);
  if (!tenant) {
    kit.io.err(`unknown tenant ${tenantId}`);
    kit.io.err("hint: ramp-erp-sync tenants list");
  }
  return tenant;
}

const operatorLedger = (ctx: OpsContext) =>
  createOperatorLedger({ doc: ctx.aws().doc, tableName: ctx.target().tableName });

export function registerActCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;

  sub(
    program,
    "retry",
    "re-queue failed objects through the normal exactly-once path (never a second ERP posting)",
  )
    .requiredOption("--tenant <id>", "tenant id")
    .argument("[rampIds...]", "Ramp ids of the objects to retry")
    .option("--failed", "every FAILED object of the tenant (with --kind: of that kind)")
    .option(...kindOption())
    .option("--reason <text>", "why, for the audit record", "operator retry")
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(
      async (
        rampIds: string[],
        o: {
          tenant: string;
          failed?: boolean;
          kind?: Kind;
          reason: string;
          dryRun?: boolean;
          json?: boolean;
        },
      ) => {
        if (!o.failed && rampIds.length === 0) {
          io.err("give Ramp ids or --failed");
          return exit(EXIT.usage);
        }
        if (!(await tenantOrRefuse(kit, o.tenant))) return exit(EXIT.refused);
        const ctx = kit.ctx();
        const ledger = ctx.store().ledger;
        const deps = {
          ledger,
          operator: operatorLedger(ctx),
          sendWork: async (m: Parameters<typeof sendAllOrThrow>[2]) => {
            await sendAllOrThrow(ctx.aws().sqs, ctx.queue("work").url, m);
          },
          now: ctx.now,
        };
        const request = { tenantId: o.tenant, by: ctx.actor(), reason: o.reason, dryRun: o.dryRun === true };
        // --failed names rows, kind and all: a bill whose payment failed retries the payment, not the bill.
        const batches: Array<{ kind?: Kind; rampIds: string[] }> = [];
        if (o.failed) {
          const byKind = new Map<Kind, string[]>();
          for (const t of await failedObjects(ledger, o.tenant, o.kind))
            byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t.rampId]);
          for (const [kind, ids] of byKind) batches.push({ kind, rampIds: ids });
        } else batches.push({ ...(o.kind ? { kind: o.kind } : {}), rampIds: [...new Set(rampIds)] });
        const outcomes: RetryOutcome[] = [];
        for (const b of batches) outcomes.push(...(await retryObjects(deps, { ...request, ...b })));
        const refused = outcomes.filter((r) => r.outcome === "refused").length;
        emit(io, o.json, { tenantId: o.tenant, dryRun: o.dryRun === true, outcomes }, () => [
          ...outcomes.map(
            (r) => `${r.outcome.padEnd(11)} ${(r.kind ?? "?").padEnd(14)} ${r.rampId}  ${r.message}`,
          ),
          o.dryRun
            ? `dry run: ${outcomes.length - refused} would be queued, ${refused} refused; nothing written`
            : `${outcomes.length - refused} queued, ${refused} refused`,
        ]);
        exit(refused ? EXIT.refused : EXIT.done);
      },
    );

  sub(program, "sync-now", "enqueue a poll job for the tenant at once (optionally one kind)")
    .requiredOption("--tenant <id>", "tenant id")
    .option(...kindOption())
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(async (o: { tenant: string; kind?: Kind; dryRun?: boolean; json?: boolean }) => {
      if (!(await tenantOrRefuse(kit, o.tenant))) return exit(EXIT.refused);
      const ctx = kit.ctx();
      const r = await syncNow(
        {
          sendJob: async (m) => {
            await sendAllOrThrow(ctx.aws().sqs, ctx.queue("pollJobs").url, m);
          },
          now: ctx.now,
        },
        { tenantId: o.tenant, ...(o.kind ? { kinds: [o.kind] } : {}), dryRun: o.dryRun === true },
      );
      const what =
        r.job.type === "poll" && r.job.sources ? r.job.sources.join(", ") : "every enabled listing";
      emit(io, o.json, { tenantId: o.tenant, dryRun: o.dryRun === true, sent: r.sent, job: r.job }, () => [
        r.sent
          ? `poll job queued for ${o.tenant} (${what})`
          : `dry run: would queue a poll job for ${o.tenant} (${what}); nothing sent`,
      ]);
      exit(EXIT.done);
    });

  sub(program, "mark-synced", "record an object the operator posted by hand, and tell Ramp (audited)")
    .requiredOption("--tenant <id>", "tenant id")
    .argument("<rampId>", "the Ramp id of the object")
    .requiredOption(
      "--erp-id <id>",
      "the ERP's id of the record posted by hand (what Ramp shows as reference)",
    )
    .requiredOption("--reason <text>", "why, for the audit record")
    .option(...kindOption())
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(
      async (
        rampId: string,
        o: { tenant: string; erpId: string; reason: string; kind?: Kind; dryRun?: boolean; json?: boolean },
      ) => {
        const tenant = await tenantOrRefuse(kit, o.tenant);
        if (!tenant) return exit(EXIT.refused);
        const ctx = kit.ctx();
        const r = await markSynced(
          {
            ledger: ctx.store().ledger,
            operator: operatorLedger(ctx),
            report: (tenantId, syncType, syncRequestId) =>
              flushReports(
                {
                  store: ctx.store(),
                  ramp: ctx.runtimes().rampFor(tenant),
                  owner: ctx.actor(),
                  clock: ctx.now,
                  logger: ctx.logger,
                  metrics: noMetrics,
                },
                { tenantId, syncType, syncRequestId },
                { force: true },
              ),
            now: ctx.now,
          },
          {
            tenantId: o.tenant,
            rampId,
            ...(o.kind ? { kind: o.kind } : {}),
            erpRef: o.erpId,
            by: ctx.actor(),
            reason: o.reason,
            dryRun: o.dryRun === true,
          },
        );
        emit(io, o.json, { tenantId: o.tenant, dryRun: o.dryRun === true, ...r }, () => [
          `${r.outcome} ${r.kind ?? "?"} ${r.rampId}: ${r.message}`,
        ]);
        exit(r.outcome === "refused" ? EXIT.refused : EXIT.done);
      },
    );
}
