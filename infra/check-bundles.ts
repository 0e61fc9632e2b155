/**
 * After `cdk synth`: imports every Lambda bundle the synthesized template deploys
 * and checks its handler export exists. Synth only builds the bundles; this proves
 * they load (ESM/CommonJS interop, dynamic requires) before anything is deployed.
 * Each entry parses its environment when it is imported (cold start), so placeholder values are set first.
 */
import { existsSync, readFileSync } from "node:fs";
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
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof mod[exportName] !== "function") throw new Error(`no exported function "${exportName}"`);
    process.stdout.write(`ok   ${id} (${exportName})\n`);
  } catch (err) {
    failures++;
    process.stdout.write(`FAIL ${id}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
process.exitCode = failures ? 1 : 0;
