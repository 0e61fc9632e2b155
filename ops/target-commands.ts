/**
 * `targets import | show | list`: where commands act (ops/target.ts). `import`
 * turns a deployment's outputs (`cdk deploy --outputs-file`) into a stage of
 * ops.config.json (ops/stack-outputs.ts), so `--stage <name>` works with every
 * command; `show` prints the target the global options resolve to (never a
 * credential); `list` names the stages of the config file. `--stage` and
 * `--config` are the global options, read wherever they stand on the line.
 */
import { randomUUID } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { QUEUE_NAMES } from "../infra/functions.js";
import {
  type CommandKit,
  dryRunOption,
  EXIT,
  emit,
  jsonOption,
  type OpsIo,
  refusingTarget,
  reportProblem,
} from "./command-kit.js";
import { pickStack, targetFromStackOutputs } from "./stack-outputs.js";
import {
  DEFAULT_OPS_CONFIG,
  type OpsTarget,
  OpsTargetError,
  parseTarget,
  readJsonFile,
  readOpsConfig,
} from "./target.js";

interface Globals {
  stage?: string;
  config?: string;
}

/** `targets show --json`: the target without its secrets. */
export interface ShownTarget {
  name: string;
  region: string;
  tableName: string;
  queues: OpsTarget["queues"];
  links: NonNullable<OpsTarget["links"]> | null;
  endpoints: NonNullable<OpsTarget["endpoints"]> | null;
  journalRoot: string | null;
  /** "static (emulator)" when the target carries keys; null: the SDK's own credential chain. */
  credentials: "static (emulator)" | null;
}

export function shownTarget(t: OpsTarget): ShownTarget {
  return {
    name: t.name,
    region: t.region,
    tableName: t.tableName,
    queues: t.queues,
    links: t.links ?? null,
    endpoints: t.endpoints ?? null,
    journalRoot: t.journalRoot ?? null,
    credentials: t.credentials ? "static (emulator)" : null,
  };
}

function targetLines(t: ShownTarget): string[] {
  const queues = QUEUE_NAMES.flatMap((q) => {
    const ref = t.queues[q];
    return ref ? [`  ${q}: ${ref.url}${ref.dlqUrl ? `  (DLQ ${ref.dlqUrl})` : "  (no DLQ)"}`] : [];
  });
  return [
    `target: ${t.name}`,
    `region: ${t.region}`,
    `table: ${t.tableName}`,
    ...(queues.length ? ["queues:", ...queues] : ["queues: (none)"]),
    ...(t.links?.dashboardUrl ? [`dashboard: ${t.links.dashboardUrl}`] : []),
    ...(t.links?.alarmTopicArn ? [`alarm topic: ${t.links.alarmTopicArn}`] : []),
    ...(t.links?.webhookUrl ? [`webhook url: ${t.links.webhookUrl}`] : []),
    ...(t.endpoints
      ? [
          `endpoints: ${Object.entries(t.endpoints)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
        ]
      : []),
    ...(t.journalRoot ? [`journal root: ${t.journalRoot}`] : []),
    `credentials: ${t.credentials ?? "the AWS SDK's own (environment, profile, role)"}`,
  ];
}

/** Written whole or not at all: a temp file beside it, then a rename over it. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: "utf8", flag: "wx" });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export interface ImportOptions {
  outputs: string;
  stage?: string;
  config: string;
  dryRun: boolean;
  json: boolean;
}

/** `targets import --json`: what was (or, dry run, would be) written. */
export interface ImportResult {
  ok: true;
  dryRun: boolean;
  config: string;
  stage: string;
  stackName: string;
  action: "added" | "replaced";
  target: OpsTarget;
}

export async function targetsImport(io: OpsIo, o: ImportOptions): Promise<number> {
  const doc = readJsonFile(o.outputs, { missingOk: true });
  if (doc === undefined)
    throw new OpsTargetError(`cannot read ${o.outputs}: no such file`, {
      hint: "write it with `npx cdk deploy -c stage=<name> --outputs-file cdk-outputs.json`",
    });
  const picked = pickStack(doc, o.stage, o.outputs);
  const target = targetFromStackOutputs(picked.outputs, picked.stage);
  const existing = readOpsConfig(o.config);
  const action = existing?.stages[picked.stage] === undefined ? "added" : "replaced";
  const next = { stages: { ...(existing?.stages ?? {}), [picked.stage]: target } };
  const result: ImportResult = {
    ok: true,
    dryRun: o.dryRun,
    config: o.config,
    stage: picked.stage,
    stackName: picked.stackName,
    action,
    target,
  };
  if (o.dryRun) {
    emit(io, o.json, result, () => [
      `dry run: would write stage ${picked.stage} (stack ${picked.stackName}, ${action}) to ${o.config}; nothing written:`,
      ...JSON.stringify(target, null, 2).split("\n"),
    ]);
    return EXIT.done;
  }
  try {
    await writeAtomically(o.config, `${JSON.stringify(next, null, 2)}\n`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : "error");
    return reportProblem(
      io,
      o.json,
      "failed",
      `cannot write ${o.config} (${code})`,
      "check the path and its permissions",
    );
  }
  emit(io, o.json, result, () => [
    `${action} stage ${picked.stage} (stack ${picked.stackName}) in ${o.config}: table ${target.tableName}, ` +
      `${Object.keys(target.queues).length} queues, region ${target.region}`,
    `use it with --stage ${picked.stage}${o.config === DEFAULT_OPS_CONFIG ? "" : ` --config ${o.config}`}`,
  ]);
  return EXIT.done;
}

/** `targets list --json`: the stages of the config file, and entries that do not parse. */
export interface ListResult {
  config: string;
  stages: Array<{ stage: string; region: string; tableName: string; queues: string[] }>;
  invalid: Array<{ stage: string; error: string }>;
}

export async function targetsList(io: OpsIo, o: { config: string; json: boolean }): Promise<number> {
  const doc = readOpsConfig(o.config);
  if (!doc)
    throw new OpsTargetError(`${o.config} does not exist`, {
      hint: "write a stage with `targets import --outputs cdk-outputs.json --stage <name>`",
    });
  const result: ListResult = { config: o.config, stages: [], invalid: [] };
  for (const [stage, entry] of Object.entries(doc.stages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      const t = parseTarget({ name: stage, ...(entry as object) }, `${o.config} stage ${stage}`);
      result.stages.push({ stage, region: t.region, tableName: t.tableName, queues: Object.keys(t.queues) });
    } catch (e) {
      if (!(e instanceof OpsTargetError)) throw e;
      result.invalid.push({ stage, error: e.message });
    }
  }
  emit(io, o.json, result, () => [
    ...(result.stages.length || result.invalid.length ? [] : [`${o.config}: no stages`]),
    ...result.stages.map((s) => `${s.stage}\t${s.region}\t${s.tableName}\t${s.queues.join(",") || "-"}`),
    ...result.invalid.map((i) => `${i.stage}\tINVALID\t${i.error}`),
  ]);
  return EXIT.done;
}

export function registerTargets(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const globals = (cmd: Command): Globals => cmd.optsWithGlobals<Globals>();
  const targets = sub(
    program,
    "targets",
    "where commands act: import a deployment's outputs into ops.config.json, show, list",
  );
  sub(targets, "import", "write a stage of ops.config.json from `cdk deploy --outputs-file` outputs")
    .requiredOption("--outputs <file>", "the outputs file cdk deploy wrote (e.g. cdk-outputs.json)")
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\n--stage <name> (global) picks the stack RampErpSync-<name> and names the entry; --config <file> (global)\n" +
        `is the file written (default ./${DEFAULT_OPS_CONFIG}; other stages are kept).`,
    )
    .action(async (o: { outputs: string; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const json = o.json === true;
      exit(
        await refusingTarget(io, json, () =>
          targetsImport(io, {
            outputs: o.outputs,
            ...(g.stage ? { stage: g.stage } : {}),
            config: g.config ?? DEFAULT_OPS_CONFIG,
            dryRun: o.dryRun === true,
            json,
          }),
        ),
      );
    });
  sub(targets, "show", "the target the global options resolve to (--local, --stage, or the environment)")
    .addOption(jsonOption())
    .action(async (o: { json?: boolean }) => {
      const json = o.json === true;
      exit(
        await refusingTarget(io, json, async () => {
          const t = shownTarget(kit.ctx().target());
          emit(io, json, t, () => targetLines(t));
          return EXIT.done;
        }),
      );
    });
  sub(targets, "list", `the stages of ops.config.json (--config for another file)`)
    .addOption(jsonOption())
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const json = o.json === true;
      exit(
        await refusingTarget(io, json, () =>
          targetsList(io, { config: globals(cmd).config ?? DEFAULT_OPS_CONFIG, json }),
        ),
      );
    });
}
