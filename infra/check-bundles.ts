/**
 * After `cdk synth`: imports every Lambda bundle the synthesized template deploys
 * and checks its handler export exists and its size is within the cap. Synth only
 * builds the bundles; this proves they load (ESM/CommonJS interop, dynamic requires)
 * before anything is deployed, and that none has grown past what a cold start should load.
 * Each entry parses its environment when it is imported (cold start), so placeholder values are set first.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const out = process.argv[2] ?? "cdk.out";
const template = JSON.parse(readFileSync(join(out, "RampErpSync.template.json"), "utf8")) as {
  Resources: Record<string, { Type: string; Properties?: { Handler?: string; Code?: { S3Key?: unknown } } }>;
};
Object.assign(process.env, {
  AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
  TABLE_NAME: "check",
  POLL_JOBS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
  WORK_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
  PRIORITY_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/check",
});

/** The performance issue's cap on one function's bundle (index.mjs; its source map is not loaded at cold start). */
const MAX_BUNDLE_BYTES = 1_000_000;
const bytes = (n: number) => `${n.toLocaleString("en-US")} bytes`;

let failures = 0;
for (const [id, r] of Object.entries(template.Resources)) {
  if (r.Type !== "AWS::Lambda::Function" || !r.Properties?.Handler) continue;
  const key = r.Properties.Code?.S3Key;
  const hash = typeof key === "string" ? key.replace(/\.zip$/, "") : null;
  const file = hash ? join(out, `asset.${hash}`, "index.mjs") : null;
  const exportName = r.Properties.Handler.split(".").pop() ?? "handler";
  if (!file || !existsSync(file)) {
    // Not one of ours (e.g. a CDK-provided helper function with inline code).
    continue;
  }
  const size = statSync(file).size;
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof mod[exportName] !== "function") throw new Error(`no exported function "${exportName}"`);
    if (size > MAX_BUNDLE_BYTES) throw new Error(`${bytes(size)}, over the ${bytes(MAX_BUNDLE_BYTES)} cap`);
    process.stdout.write(`ok   ${id} (${exportName}) ${bytes(size)}\n`);
  } catch (err) {
    failures++;
    process.stdout.write(`FAIL ${id}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
process.exitCode = failures ? 1 : 0;
