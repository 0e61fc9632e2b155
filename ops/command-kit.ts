/**
 * What every command registration gets (each `*-commands.ts` exports a
 * `register…(program, kit)`): the lazily built context, output, the exit code
 * setter, and the shared options, so every command reads alike — `--json` for
 * one documented JSON document, `--dry-run` on every command that writes.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { OpsContext } from "./context.js";
import { OpsTargetError } from "./target.js";

/** 0 done, 1 failed, 2 refused (a precondition; the message says what to do), 64 usage. */
export const EXIT = { done: 0, failed: 1, refused: 2, usage: 64 } as const;

export interface OpsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now?: () => Date;
}

export interface CommandKit {
  /** Built at the first command that needs it (never for --help). */
  ctx(): OpsContext;
  io: OpsIo;
  exit(code: number): void;
  /** A subcommand with this CLI's output and error handling. */
  sub(parent: Command, name: string, description: string): Command;
}

export const jsonOption = () => new Option("--json", "one JSON document as output (ops/README.md)");
export const dryRunOption = () => new Option("--dry-run", "say what would be done; change nothing");

/** Prints `doc` as the one JSON document (one line), or the readable lines. */
export function emit(io: OpsIo, json: boolean | undefined, doc: unknown, lines: () => string[]): void {
  if (json) io.out(JSON.stringify(doc));
  else for (const l of lines()) io.out(l);
}

/** A positive integer option value, or a usage error naming the option. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

/**
 * A command that could not do its work says so in one place: `<verdict>: <message>` and
 * `hint: <hint>` on stderr, or `{ ok: false, problems, hint }` with --json.
 */
export function reportProblem(
  io: OpsIo,
  json: boolean | undefined,
  verdict: "refused" | "failed",
  message: string,
  hint: string,
): number {
  if (json) io.out(JSON.stringify({ ok: false, problems: [message], hint }));
  else {
    io.err(`${verdict}: ${message}`);
    io.err(`hint: ${hint}`);
  }
  return verdict === "refused" ? EXIT.refused : EXIT.failed;
}

/**
 * A target, outputs file or config that cannot serve the command is refused (exit 2) with its
 * hint; anything else propagates.
 */
export async function refusingTarget(
  io: OpsIo,
  json: boolean | undefined,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof OpsTargetError)) throw e;
    return reportProblem(io, json, "refused", e.message, e.hint);
  }
}
