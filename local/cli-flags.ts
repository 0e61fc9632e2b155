/**
 * Flag parsing shared by the local CLIs (`npm run demo`, `npm run sandbox`): commander
 * with value parsers that name the flag and what it expects, and one way to end on a
 * bad flag — the message on stderr, no stack trace, exit 2 (`--help` exits 0).
 */
import { type Command, CommanderError, InvalidArgumentError } from "commander";

/** A whole number in [min, max] (e.g. `--transactions 3000`, `--port 0`). */
export function wholeNumber(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** A share in [0, 1] (e.g. `--ready-share 0.8`). */
export function share(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

/** A comma-separated list of non-empty items (e.g. `--currencies USD,EUR`). */
export function list(value: string): string[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new InvalidArgumentError(`expected a comma-separated list, got "${value}"`);
  return items;
}

/** Exit codes of the local CLIs: 0 done, 1 failed (e.g. the demo did not reconcile), 2 bad flags. */
export const CLI_EXIT = { done: 0, failed: 1, usage: 2 } as const;

/**
 * Parses argv (without node and the script) into `program`'s options. On `--help` or
 * `--version` exits 0 after commander printed it; on a bad flag exits 2 after commander
 * printed `error: option '--transactions <n>' argument 'abc' is invalid. expected …`.
 */
export function parseFlags<T>(program: Command, argv: readonly string[]): T {
  program.exitOverride().showHelpAfterError("(run with --help for every flag)");
  try {
    program.parse([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      const helped = err.code === "commander.helpDisplayed" || err.code === "commander.version";
      process.exit(helped ? CLI_EXIT.done : CLI_EXIT.usage);
    }
    throw err;
  }
  return program.opts<T & Record<string, unknown>>() as T;
}
