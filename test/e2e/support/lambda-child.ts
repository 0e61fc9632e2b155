/**
 * What the kill tests share: a child script (one real Lambda on one SQS record, armed to
 * freeze at a crash point) bundled once with esbuild, the local stack's AWS endpoints as the
 * child's environment, and a spawn whose first fd-3 line ("window" or "done") or exit the test
 * awaits before it SIGKILLs. The children: deadline-child.ts, receipts-child.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { build } from "esbuild";
import type { LocalStack } from "../../../local/runtime/stack.js";

/** Bundles `entry` (a path relative to this folder) to a temp `.mjs`; returns its path. */
export async function buildChild(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "lambda-child-"));
  const outfile = join(dir, "child.mjs");
  await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "error",
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}

/** The stack's AWS endpoints and table, as a deployed function's environment carries them. */
export function stackEnv(stack: LocalStack): Record<string, string> {
  const t = stack.opsTarget();
  return {
    AWS_REGION: t.region ?? "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: t.endpoints?.dynamodb ?? "",
    AWS_ENDPOINT_URL_SQS: t.endpoints?.sqs ?? "",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: t.endpoints?.secretsManager ?? "",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    TABLE_NAME: stack.tableName,
    LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
}

/** Runs the child with its config in `configVar`; resolves with the first event it reports (or its exit). */
export function runChild(
  file: string,
  configVar: string,
  config: unknown,
): { proc: ChildProcess; first: Promise<string> } {
  const proc = spawn(process.execPath, [file], {
    env: { ...process.env, [configVar]: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  const first = new Promise<string>((resolve) => {
    const fd3 = proc.stdio[3] as NodeJS.ReadableStream;
    createInterface({ input: fd3 }).on("line", (line) => resolve(String(JSON.parse(line).event)));
    proc.on("exit", (code) => resolve(`exit ${code}`));
  });
  return { proc, first };
}
