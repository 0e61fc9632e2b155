/**
 * `npm run bench [-- --quick] [name-filter]`: one DynamoDB Local, every suite in
 * bench/suites/ (a module default-exporting a Suite, bench/schema.ts) run one after
 * another so they never compete for the two cores, one bench/results.json, and a plain
 * table of every figure on stdout (progress goes to stderr).
 *
 * `--quick` or BENCH_QUICK=1 is the CI variant (small N, a few minutes). A suite that
 * throws is recorded with its error and the run goes on; the exit code is then 1. No
 * figure is ever judged here: performance is measured, never asserted.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as z from "zod";
import { startDynamoLocal } from "../local/runtime/dynamo-local.js";
import {
  type BenchContext,
  type Figure,
  FigureSchema,
  type Results,
  ResultsSchema,
  type Suite,
  type SuiteRecord,
} from "./schema.js";
import { formatTable } from "./table.js";

const here = dirname(fileURLToPath(import.meta.url));
const suitesDir = join(here, "suites");
const resultsPath = join(here, "results.json");

const args = process.argv.slice(2);
const quick = args.includes("--quick") || process.env.BENCH_QUICK === "1";
const filter = args.find((a) => !a.startsWith("--")) ?? "";

const log = (line: string) => process.stderr.write(`${line}\n`);

function suiteNames(): string[] {
  return readdirSync(suitesDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => f.replace(/\.ts$/, ""))
    .filter((name) => name.includes(filter))
    .sort();
}

async function runSuite(
  name: string,
  ctx: BenchContext,
): Promise<{ record: SuiteRecord; figures: Figure[] }> {
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  try {
    const mod = (await import(pathToFileURL(join(suitesDir, `${name}.ts`)).href)) as { default: Suite };
    const out = await mod.default(ctx);
    // A figure the schema refuses (NaN, a missing unit) fails its suite, not the whole file.
    const figures = z.array(FigureSchema).parse(out.figures);
    return { record: { seconds: seconds(), detail: out.detail ?? null }, figures };
  } catch (err) {
    log(`bench ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const message =
      err instanceof z.ZodError
        ? `figures refused: ${z.prettifyError(err)}`
        : err instanceof Error
          ? err.message
          : String(err);
    // One line in the file and the table; the stack went to stderr above.
    const error = message.replace(/\s+/g, " ").trim().slice(0, 500);
    return { record: { seconds: seconds(), detail: null, error }, figures: [] };
  }
}

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const started = performance.now();
  const ranAt = new Date().toISOString();
  const names = suiteNames();
  if (names.length === 0) {
    log(`no suite in bench/suites/ matches "${filter}"`);
    return 1;
  }
  log(`bench (${quick ? "quick" : "full"}): ${names.join(", ")}`);
  const dynamo = await startDynamoLocal();
  const figures: Figure[] = [];
  const suites: Record<string, SuiteRecord> = {};
  try {
    for (const name of names) {
      log(`bench ${name} …`);
      const ctx: BenchContext = {
        quick,
        dynamoEndpoint: dynamo.endpoint,
        log: (line) => log(`  ${name}: ${line}`),
      };
      const r = await runSuite(name, ctx);
      suites[name] = r.record;
      figures.push(...r.figures);
      log(`bench ${name}: ${r.record.seconds.toFixed(1)} s${r.record.error ? " (failed)" : ""}`);
    }
  } finally {
    await dynamo.stop();
  }
  const cpu = cpus();
  const results: Results = ResultsSchema.parse({
    schema: 1,
    ranAt,
    node: process.version,
    machine: {
      cpus: cpu.length,
      model: cpu[0]?.model ?? "unknown",
      totalMemMb: Math.round(totalmem() / 1024 / 1024),
    },
    mode: quick ? "quick" : "full",
    seconds: Math.round(performance.now() - started) / 1000,
    figures,
    suites,
  });
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

  process.stdout.write(`${formatTable(figures)}\n\n`);
  const failed = Object.entries(suites).filter(([, s]) => s.error);
  for (const [name, s] of failed) process.stdout.write(`suite ${name} failed: ${s.error}\n`);
  for (const [name, s] of Object.entries(suites)) {
    const skipped = (s.detail as { skipped?: unknown } | null)?.skipped;
    if (typeof skipped === "string") process.stdout.write(`suite ${name} skipped: ${skipped}\n`);
  }
  process.stdout.write(
    `${names.length} suites (${quick ? "quick" : "full"}), ${failed.length} failed, ` +
      `${results.seconds.toFixed(1)} s in all; results in bench/results.json\n`,
  );
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
