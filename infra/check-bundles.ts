/**
 * After `cdk synth`: imports every Lambda bundle the synthesized template deploys
 * and checks its handler export exists and its size is within the cap. Synth only
 * builds the bundles; this proves they load (ESM/CommonJS interop, dynamic requires)
 * before anything is deployed, and that none has grown past what a cold start should load.
 * Each entry parses its environment when it is imported (cold start), so placeholder values are set first.
 *
 * It also says whether each asset carries a source map, and fails when the map and the
 * function's NODE_OPTIONS disagree: a map without `--enable-source-maps` is never read, the flag
 * without a map buys nothing, and either means the one `sourceMaps` setting (infra/bundling.ts) was bypassed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_FILE, BUNDLE_PLACEHOLDER_ENV, MAX_BUNDLE_BYTES, SOURCE_MAPS_FLAG } from "./bundling.js";

const out = process.argv[2] ?? "cdk.out";
interface FunctionProps {
  Handler?: string;
  Code?: { S3Key?: unknown };
  Environment?: { Variables?: Record<string, unknown> };
}
const template = JSON.parse(readFileSync(join(out, "RampErpSync.template.json"), "utf8")) as {
  Resources: Record<string, { Type: string; Properties?: FunctionProps }>;
};
Object.assign(process.env, { AWS_REGION: process.env.AWS_REGION ?? "us-east-1", ...BUNDLE_PLACEHOLDER_ENV });

const bytes = (n: number) => `${n.toLocaleString("en-US")} bytes`;

let failures = 0;
for (const [id, r] of Object.entries(template.Resources)) {
  if (r.Type !== "AWS::Lambda::Function" || !r.Properties?.Handler) continue;
  const key = r.Properties.Code?.S3Key;
  const hash = typeof key === "string" ? key.replace(/\.zip$/, "") : null;
  const file = hash ? join(out, `asset.${hash}`, BUNDLE_FILE) : null;
  const exportName = r.Properties.Handler.split(".").pop() ?? "handler";
  if (!file || !existsSync(file)) {
    // Not one of ours (e.g. a CDK-provided helper function with inline code).
    continue;
  }
  const size = statSync(file).size;
  const mapFile = `${file}.map`;
  const mapBytes = existsSync(mapFile) ? statSync(mapFile).size : null;
  const nodeOptions = r.Properties.Environment?.Variables?.NODE_OPTIONS;
  const loadsMaps = typeof nodeOptions === "string" && nodeOptions.split(/\s+/).includes(SOURCE_MAPS_FLAG);
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof mod[exportName] !== "function") throw new Error(`no exported function "${exportName}"`);
    if (size > MAX_BUNDLE_BYTES) throw new Error(`${bytes(size)}, over the ${bytes(MAX_BUNDLE_BYTES)} cap`);
    if (mapBytes !== null && !loadsMaps) throw new Error(`ships a source map NODE_OPTIONS never loads`);
    if (mapBytes === null && loadsMaps)
      throw new Error(`NODE_OPTIONS has ${SOURCE_MAPS_FLAG} but no map ships`);
    // Node finds an external map through the bundle's trailing comment only.
    if (
      mapBytes !== null &&
      !readFileSync(file, "utf8").trimEnd().endsWith(`sourceMappingURL=${BUNDLE_FILE}.map`)
    )
      throw new Error(`${BUNDLE_FILE} does not reference its source map`);
    const map =
      mapBytes === null
        ? "no source map"
        : `source map ${bytes(mapBytes)}, loaded at cold start (${SOURCE_MAPS_FLAG})`;
    process.stdout.write(`ok   ${id} (${exportName}) ${bytes(size)}; ${map}\n`);
  } catch (err) {
    failures++;
    process.stdout.write(`FAIL ${id}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
process.exitCode = failures ? 1 : 0;
