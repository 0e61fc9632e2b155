/**
 * Bundles: every function of the deployment manifest built as the stack deploys it (infra/bundling.ts,
 * the options SyncFunction hands to CDK; test/unit/infra.test.ts pins that both give the same bytes),
 * and per function: the bundle's bytes, its cold import as deployed (no source map), and its cold import
 * with `-c sourceMaps=true` (external map, `NODE_OPTIONS=--enable-source-maps`), so what the opt-in
 * costs a cold start is a number next to the default.
 *
 * A cold import is a fresh `node` per sample that times `await import(index.mjs)` and nothing else
 * (not Node's own start), with the placeholder environment infra/check-bundles.ts loads bundles with.
 * Samples of the two variants alternate, so a busy machine slows both alike. Lambda runs Node 24 on
 * ARM; the figures are from whatever Node runs the bench (detail.node), comparable with each other.
 *
 * `npx tsx bench/suites/bundles.ts [--quick]` runs it alone and prints the figures.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  BUNDLE_FILE,
  BUNDLE_PLACEHOLDER_ENV,
  type BundleSettings,
  bundleEnvironment,
  esbuildOptions,
  MAX_BUNDLE_BYTES,
} from "../../infra/bundling.js";
import { FUNCTION_ENVIRONMENT } from "../../infra/constructs/sync-function.js";
import { type FunctionName, type FunctionSpec, MANIFEST } from "../../infra/functions.js";
import type { BenchContext, Figure, SuiteOutput } from "../schema.js";

const SUITE = "bundles";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The goal for one function's import at cold start (Lambda's init phase, before the handler runs). */
const COLD_IMPORT_GOAL_MS = 100;
const DEPLOYED: BundleSettings = { sourceMaps: false };
const WITH_MAPS: BundleSettings = { sourceMaps: true };

// Runs in the child: the clock starts after Node has booted, so only the bundle's load and its
// module-scope work (SDK clients, env parsing, schemas) are timed — what the bundle adds to init.
// The process's CPU time over the same span goes into detail: on a shared machine it moves far less
// with other load than the wall clock does (it includes V8's background compile threads).
const IMPORT_ONCE = `
const [url, name] = process.argv.slice(1);
const t0 = performance.now();
const c0 = process.cpuUsage();
const mod = await import(url);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
if (typeof mod[name] !== "function") { process.stderr.write("no exported function " + name); process.exit(2); }
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 }));
process.exit(0);
`;

/** A fresh Node importing the bundle with the environment Lambda would give it (no inherited NODE_OPTIONS). */
interface Sample {
  ms: number;
  cpuMs: number;
}

function coldImport(file: string, exportName: string, s: BundleSettings): Promise<Sample> {
  const env = {
    PATH: process.env.PATH ?? "",
    AWS_REGION: "us-east-1",
    // Lambda's Node 24 never prints the SDK's "Node 22 needed from 2027" notice; Node 20 here would.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...FUNCTION_ENVIRONMENT,
    ...BUNDLE_PLACEHOLDER_ENV,
    ...bundleEnvironment(s),
  };
  const args = ["--input-type=module", "-e", IMPORT_ONCE, pathToFileURL(file).href, exportName];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`cold import of ${file} failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout) as Sample);
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Built {
  name: FunctionName;
  spec: FunctionSpec;
  deployedFile: string;
  withMapsFile: string;
  bytes: number;
  mapBytes: number;
  buildMs: number;
  deployedSamples: Sample[];
  withMapsSamples: Sample[];
}

export default async function bundles(ctx: BenchContext): Promise<SuiteOutput> {
  const samples = ctx.quick ? 2 : 5;
  const dir = await mkdtemp(join(tmpdir(), "bench-bundles-"));
  const loadBefore = loadavg()[0];
  try {
    const built: Built[] = [];
    // One build at a time: esbuild uses both cores for each.
    for (const [name, spec] of Object.entries(MANIFEST.functions) as Array<[FunctionName, FunctionSpec]>) {
      const t0 = performance.now();
      const deployed = join(dir, name, "deployed");
      const withMaps = join(dir, name, "source-maps");
      await build(esbuildOptions(`${ROOT}${spec.entry}`, deployed, DEPLOYED));
      await build(esbuildOptions(`${ROOT}${spec.entry}`, withMaps, WITH_MAPS));
      const bytes = (await stat(join(deployed, BUNDLE_FILE))).size;
      const mapBytes = (await stat(join(withMaps, `${BUNDLE_FILE}.map`))).size;
      built.push({
        name,
        spec,
        deployedFile: join(deployed, BUNDLE_FILE),
        withMapsFile: join(withMaps, BUNDLE_FILE),
        bytes,
        mapBytes,
        buildMs: performance.now() - t0,
        deployedSamples: [],
        withMapsSamples: [],
      });
      ctx.log(
        `built ${spec.id}: ${bytes.toLocaleString("en-US")} bytes (map ${mapBytes.toLocaleString("en-US")})`,
      );
    }
    for (let i = 0; i < samples; i++) {
      for (const b of built) {
        // Alternate which variant goes first: neither always runs straight after the other.
        const first = i % 2 === 0;
        if (first) b.deployedSamples.push(await coldImport(b.deployedFile, "handler", DEPLOYED));
        b.withMapsSamples.push(await coldImport(b.withMapsFile, "handler", WITH_MAPS));
        if (!first) b.deployedSamples.push(await coldImport(b.deployedFile, "handler", DEPLOYED));
      }
      ctx.log(`cold import sample ${i + 1}/${samples} done`);
    }

    const figures: Figure[] = [];
    const sampled = `median of ${samples} fresh node ${process.version} processes (Lambda runs Node 24)`;
    for (const b of built) {
      const deployedMs = round(median(b.deployedSamples.map((x) => x.ms)));
      const withMapsMs = round(median(b.withMapsSamples.map((x) => x.ms)));
      const at = `${SUITE}.${b.name}`;
      figures.push(
        {
          id: `${at}.bytes`,
          suite: SUITE,
          label: `${b.spec.id} bundle (${BUNDLE_FILE}) as deployed`,
          value: b.bytes,
          unit: "bytes",
          goal: `≤ ${MAX_BUNDLE_BYTES.toLocaleString("en-US")} bytes`,
          note: "no source map ships by default",
        },
        {
          id: `${at}.coldImportMs`,
          suite: SUITE,
          label: `${b.spec.id} cold import as deployed (no source map)`,
          value: deployedMs,
          unit: "ms",
          goal: `≤ ${COLD_IMPORT_GOAL_MS} ms`,
          note: sampled,
        },
        {
          id: `${at}.coldImportSourceMapsMs`,
          suite: SUITE,
          label: `${b.spec.id} cold import with -c sourceMaps=true (external map, --enable-source-maps)`,
          value: withMapsMs,
          unit: "ms",
          baseline: deployedMs,
          ratio: round(withMapsMs / deployedMs, 2),
          ratioOf: "baseline",
          note: `${sampled}; baseline: the same bundle deployed without its map`,
        },
        {
          id: `${at}.sourceMapBytes`,
          suite: SUITE,
          label: `${b.spec.id} source map shipped with -c sourceMaps=true`,
          value: b.mapBytes,
          unit: "bytes",
          note: "mappings and names only (no sourcesContent); read and parsed at every cold start",
        },
      );
    }
    const detail = {
      node: process.version,
      samples,
      // The machine's 1-minute load around the run: cold imports are wall-clock and move with it.
      loadAverage: { before: round(loadBefore ?? 0, 2), after: round(loadavg()[0] ?? 0, 2) },
      functions: Object.fromEntries(
        built.map((b) => [
          b.name,
          {
            entry: b.spec.entry,
            bytes: b.bytes,
            sourceMapBytes: b.mapBytes,
            buildMs: round(b.buildMs, 0),
            coldImportMs: b.deployedSamples.map((x) => round(x.ms)),
            coldImportSourceMapsMs: b.withMapsSamples.map((x) => round(x.ms)),
            coldImportCpuMs: b.deployedSamples.map((x) => round(x.cpuMs)),
            coldImportSourceMapsCpuMs: b.withMapsSamples.map((x) => round(x.cpuMs)),
          },
        ]),
      ),
    };
    return { figures, detail };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = performance.now();
  const result = await bundles({
    quick: process.argv.includes("--quick"),
    dynamoEndpoint: "",
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bundles: ${round((performance.now() - started) / 1000)} s\n`);
}
