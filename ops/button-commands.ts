/**
 * `button enable` / `button disable`: Ramp's Sync Button for one tenant and
 * kind, opted into only when the tenant's measured posting pace fits Ramp's
 * 5-minute window (lib/operate/sync-button.ts, the estimate in
 * lib/operate/button-readiness.ts). Never writes into the customer's ERP:
 * postings are measured from the ledger, the chart is read once, read only.
 *
 *   button enable  --tenant T --kind transactions|reimbursements [--rows N] [--force] [--dry-run] [--json]
 *   button disable --tenant T --kind transactions|reimbursements [--dry-run] [--json]
 *
 * Exit codes as ops/program.ts EXIT: 0 done, 1 failed, 2 refused (the message
 * and its hint say what to do), 64 usage.
 */
import { type Command, Option } from "commander";
import type { TenantConfig } from "../lib/config/tenant.js";
import { DEFAULT_ROWS, type Readiness } from "../lib/operate/button-readiness.js";
import {
  BUTTON_KINDS,
  type ButtonDeps,
  type ButtonKind,
  type ButtonResult,
  disableButton,
  enableButton,
  type SampleRead,
} from "../lib/operate/sync-button.js";
import { readPostedRows } from "../lib/store/ledger-postings.js";
import { subscribeTenant } from "../lib/webhook/subscribe.js";
import {
  type CommandKit,
  dryRunOption,
  EXIT,
  emit,
  jsonOption,
  positiveInt,
  reportProblem,
} from "./command-kit.js";
import type { OpsContext } from "./context.js";

const kindOption = () =>
  new Option("--kind <kind>", "which button").choices(BUTTON_KINDS).makeOptionMandatory();

function buttonDeps(ctx: OpsContext, tenant: TenantConfig, timeoutMs?: number): ButtonDeps {
  const ramp = ctx.runtimes().rampFor(tenant);
  return {
    tenants: ctx.tenants(),
    ramp,
    subscribe: (opts) => {
      const w = ctx.webhooks();
      return subscribeTenant(
        { ramp, secrets: w.secrets, challenges: w.challenges, tenants: ctx.tenants(), log: ctx.logger },
        tenant.tenantId,
        { ...opts, ...(timeoutMs !== undefined ? { challengeTimeoutMs: timeoutMs } : {}) },
      );
    },
    postedRows: (q) => readPostedRows({ doc: ctx.aws().doc, tableName: ctx.target().tableName }, q),
    openErp: (t) => ctx.runtimes().erpFor(t),
    now: ctx.now,
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The numbers the decision rests on, one line each. */
export function readinessLines(r: Readiness, sample: SampleRead | null): string[] {
  const lines: string[] = [];
  const m = r.measured;
  const read = sample
    ? ` (the newest ${sample.kept} of ${sample.postedRows} posted rows; ${sample.rowsRead} ledger rows read` +
      `${sample.truncated ? ", the read stopped at its bound" : ""}, changed since ${sample.since})`
    : "";
  lines.push(
    m
      ? `  measured: ${m.postings} postings${read}: busy ${s(m.busyMs)} → ${m.perPostingMs.toFixed(0)} ms per posting, ` +
          `${m.postingsPerSecond === null ? "∞" : m.postingsPerSecond.toFixed(2)} postings/s`
      : `  measured: no posting${read}`,
  );
  lines.push(`  chart read: ${r.chartReadMs} ms (opening the adapter and readSurface, read only)`);
  lines.push(
    `  concurrency: ${r.concurrency.effective} (tenant sync.erpConcurrency ${r.concurrency.tenant}, ` +
      `adapter maxConcurrency ${r.concurrency.adapter})`,
  );
  const e = r.estimate;
  const budget = `budget ${s(r.budgetMs)} (${s(r.windowMs)} window − ${s(r.marginMs)} margin)`;
  lines.push(
    e
      ? `  estimate for ${r.rows} rows: ${s(e.postingMs)} postings + ${s(e.chartReadMs)} chart read + ` +
          `${s(e.rampMs)} Ramp (${e.listCalls} list calls + ${e.reportCalls} reports) = ${s(e.totalMs)}; ${budget}`
      : `  estimate for ${r.rows} rows: none (nothing measured); ${budget}`,
  );
  return lines;
}

function resultLines(r: ButtonResult): string[] {
  const lines = [`Sync Button ${r.kind}, tenant ${r.tenantId}${r.dryRun ? " (dry run)" : ""}`];
  if (r.readiness) lines.push(...readinessLines(r.readiness, r.sample));
  const sub = r.subscription;
  if (sub.outcome === "kept") lines.push("  subscription: left as it is");
  else if (sub.outcome !== "not-reached")
    lines.push(
      `  subscription: ${sub.outcome} ${sub.subscriptionId} → ${sub.endpointUrl} [${sub.eventTypes.join(", ")}]`,
    );
  const flag = r.kind === "transactions" ? "transaction" : "reimbursement";
  lines.push(`  config ${flag}SyncButton: ${r.config}; Ramp ${flag}_sync_button_enabled: ${r.ramp}`);
  if (r.ok) lines.push(r.message);
  return lines;
}

function print(kit: CommandKit, json: boolean, r: ButtonResult): number {
  const { io } = kit;
  emit(io, json, r, () => resultLines(r));
  if (!json) {
    for (const w of r.warnings) io.err(`WARNING: ${w}`);
    if (!r.ok) {
      io.err(`${r.outcome}: ${r.message}`);
      if (r.hint) io.err(`hint: ${r.hint}`);
    }
  }
  if (r.ok) return EXIT.done;
  return r.outcome === "refused" ? EXIT.refused : EXIT.failed;
}

export function registerButtonCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;

  async function tenantOr2(tenantId: string, json: boolean): Promise<TenantConfig | null> {
    const tenant = await kit.ctx().tenants().get(tenantId);
    if (tenant) return tenant;
    exit(reportProblem(io, json, "refused", `unknown tenant ${tenantId}`, "ramp-erp-sync tenants list"));
    return null;
  }

  const button = sub(
    program,
    "button",
    "Ramp's Sync Button: enable it once the tenant's measured pace fits the 5-minute window, or disable it",
  );
  sub(
    button,
    "enable",
    "measure (ledger postings + a read-only chart read), then subscribe to *.sync_requested and set the flags",
  )
    .requiredOption("--tenant <id>", "tenant id")
    .addOption(kindOption())
    .option(
      "--rows <n>",
      "the click to size for: rows one Sync All asks for",
      positiveInt("--rows"),
      DEFAULT_ROWS,
    )
    .option("--force", "enable although no posting was ever measured (warns; never overrides a measurement)")
    .option(
      "--timeout-ms <n>",
      "how long to wait for a new subscription's verification",
      positiveInt("--timeout-ms"),
    )
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(
      async (o: {
        tenant: string;
        kind: ButtonKind;
        rows: number;
        force?: boolean;
        timeoutMs?: number;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const json = o.json === true;
        const tenant = await tenantOr2(o.tenant, json);
        if (!tenant) return;
        const r = await enableButton(buttonDeps(kit.ctx(), tenant, o.timeoutMs), {
          tenant,
          kind: o.kind,
          rows: o.rows,
          force: o.force === true,
          dryRun: o.dryRun === true,
        });
        exit(print(kit, json, r));
      },
    );
  sub(button, "disable", "clear Ramp's flag, then the tenant config's (the subscription is left as it is)")
    .requiredOption("--tenant <id>", "tenant id")
    .addOption(kindOption())
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(async (o: { tenant: string; kind: ButtonKind; dryRun?: boolean; json?: boolean }) => {
      const json = o.json === true;
      const tenant = await tenantOr2(o.tenant, json);
      if (!tenant) return;
      const r = await disableButton(buttonDeps(kit.ctx(), tenant), {
        tenant,
        kind: o.kind,
        dryRun: o.dryRun === true,
      });
      exit(print(kit, json, r));
    });
}
