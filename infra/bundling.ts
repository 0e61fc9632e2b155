/**
 * How a function's Lambda bundle is built, in one place: infra/constructs/sync-function.ts hands it to
 * CDK (`cdkBundling`), bench/suites/bundles.ts to esbuild's API (`esbuildOptions`), so the bench measures
 * the bytes that are deployed. test/unit/infra.test.ts builds one function both ways and compares them
 * byte for byte, which is what keeps the two translations below from drifting apart.
 *
 * Source maps are off unless CDK context `sourceMaps` asks for them (README "Deploy → Context"): a map
 * is only worth anything when Node loads it (`--enable-source-maps`), and loading it is a cold-start
 * cost every invocation after a scale-out pays, for stack traces nobody may read.
 */
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";
import * as z from "zod";

/** The performance issue's cap on one function's bundle (the index.mjs Lambda loads at cold start). */
export const MAX_BUNDLE_BYTES = 1_000_000;

/** What CDK names an ESM bundle (aws-lambda-nodejs); its map, when there is one, is this plus `.map`. */
export const BUNDLE_FILE = "index.mjs";

/** The Node flag that makes a shipped map load; without it the map is dead weight in the zip. */
export const SOURCE_MAPS_FLAG = "--enable-source-maps";

export interface BundleSettings {
  /** Ship an external source map and load it (`--enable-source-maps`) at cold start. */
  sourceMaps: boolean;
}

// The settings both translations share. Everything else CDK adds by itself (`--bundle`,
// `--platform=node`, the outfile) is repeated in `esbuildOptions`, where the comparison test catches it.
const COMMON = {
  target: "node24",
  minify: true,
  mainFields: ["module", "main"],
  // ESM bundles of CommonJS dependencies need `require` in scope.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/** The `bundling` of every NodejsFunction of the service. */
export function cdkBundling(s: BundleSettings): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: COMMON.target,
    minify: COMMON.minify,
    sourceMap: s.sourceMaps,
    // Stack traces need the mappings only: the sources' text (about 2.5 MB of a 4 MB map) would be read
    // and parsed at every cold start for nothing, Lambda's runtime prints no source excerpt.
    ...(s.sourceMaps ? { sourcesContent: false } : {}),
    mainFields: [...COMMON.mainFields],
    // Bundle the AWS SDK too: the versions we test are the versions we run.
    externalModules: [],
    banner: COMMON.banner,
  };
}

/**
 * The same build through esbuild's API, as CDK's local bundling runs it (aws-lambda-nodejs
 * `buildEsbuildArgs`): `entry` absolute, the bundle written to `<outdir>/index.mjs`.
 */
export function esbuildOptions(entry: string, outdir: string, s: BundleSettings): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: COMMON.target,
    outfile: `${outdir}/${BUNDLE_FILE}`,
    minify: COMMON.minify,
    sourcemap: s.sourceMaps,
    ...(s.sourceMaps ? { sourcesContent: false } : {}),
    external: [],
    mainFields: [...COMMON.mainFields],
    banner: { js: COMMON.banner },
    logLevel: "warning",
  };
}

/** The function environment that goes with the bundle: the flag only when a map is shipped. */
export function bundleEnvironment(s: BundleSettings): Record<string, string> {
  return s.sourceMaps ? { NODE_OPTIONS: SOURCE_MAPS_FLAG } : {};
}

/**
 * Placeholder values for what the entries parse from their environment when they are imported (cold
 * start), so a bundle can be loaded outside Lambda: infra/check-bundles.ts and the bundles bench.
 */
export const BUNDLE_PLACEHOLDER_ENV: Readonly<Record<string, string>> = {
  TABLE_NAME: "check",
  POLL_JOBS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
  WORK_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
  PRIORITY_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
  BUTTON_JOBS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
};

// `-c sourceMaps=true` arrives as a string, `"sourceMaps": true` in cdk.json as a boolean. A value that is
// neither (`-c sourceMaps=ture`) fails synth rather than quietly deploying the default.
export const BundleContextSchema = z.strictObject({
  sourceMaps: z.union([z.boolean(), z.stringbool()], { error: "true or false" }).default(false),
});

export function bundleContextFrom(get: (key: string) => unknown): BundleSettings {
  const raw = get("sourceMaps");
  const parsed = BundleContextSchema.safeParse(raw === undefined || raw === "" ? {} : { sourceMaps: raw });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(context)"}: ${i.message}`);
    throw new Error(`CDK context for bundles is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
