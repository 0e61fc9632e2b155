/**
 * The operator CLI: `npx ramp-erp-sync <command>` (package.json `bin`) or
 * `npm run -s ops -- <command>`. Commands in ./program.ts; `--help` anywhere
 * needs no AWS or environment. Against AWS it needs TABLE_NAME (and the usual
 * AWS credentials and AWS_REGION); against emulators, AWS_ENDPOINT_URL_*.
 * Errors are one line plus a hint; `--debug` adds the stack.
 */
import { contextFor } from "./context.js";
import { EXIT, runOps } from "./program.js";

const argv = process.argv.slice(2);
const debug = argv.includes("--debug");
const args = argv.filter((a) => a !== "--debug");
const logger = {
  debug: () => {},
  info: () => {},
  warn: (m: string, d?: Record<string, unknown>) =>
    process.stderr.write(`warn: ${m} ${JSON.stringify(d ?? {})}\n`),
  error: (m: string, d?: Record<string, unknown>) =>
    process.stderr.write(`error: ${m} ${JSON.stringify(d ?? {})}\n`),
};
const io = {
  out: (l: string) => process.stdout.write(`${l}\n`),
  err: (l: string) => process.stderr.write(`${l}\n`),
};
try {
  process.exitCode = await runOps(
    args.length ? args : ["--help"],
    (choice) => contextFor(choice, logger),
    io,
  );
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  io.err(`error: ${message.split("\n")[0]}`);
  const hint = e instanceof Error && "hint" in e && typeof e.hint === "string" ? e.hint : undefined;
  io.err(`hint: ${hint ?? "run again with --debug for details"}`);
  if (debug && e instanceof Error && e.stack) io.err(e.stack);
  process.exitCode = EXIT.failed;
}
