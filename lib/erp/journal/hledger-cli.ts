/**
 * The real hledger, for validating a journal and reading balances independently
 * of our own parser (tests, the local demo's "check my books"). Needs `hledger`
 * on PATH (Debian package hledger).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fromMajor } from "../../money/index.js";

const run = promisify(execFile);

/** `hledger check -s payees`: parses, balanced, declared accounts/commodities/payees. Throws with hledger's message. */
export async function hledgerCheck(path: string, bin = "hledger"): Promise<void> {
  await run(bin, ["-f", path, "check", "-s", "payees"]);
}

export type JournalCheck =
  | { status: "passed" }
  | { status: "unavailable" }
  | { status: "failed"; line: number | null };

/**
 * The same check for the adapter, as an outcome: "unavailable" when hledger is
 * not installed, and for a failure only the line it names — hledger's message
 * quotes the offending line, which is user text.
 */
export async function checkJournal(path: string, bin = "hledger"): Promise<JournalCheck> {
  try {
    await run(bin, ["-f", path, "check", "-s", "payees"], { timeout: 120_000 });
    return { status: "passed" };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") return { status: "unavailable" };
    // `hledger: /path:55:50:` (parse errors) or `hledger: "/path" (lines 6-8)` (unbalanced)
    const at = /^"?(?::(\d+)| \(lines? (\d+))/.exec(String(err.stderr ?? "").split(path)[1] ?? "");
    const line = at?.[1] ?? at?.[2];
    return { status: "failed", line: line ? Number(line) : null };
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Balance of one account (and its subaccounts) at cost, in minor units of
 * `currency`, debit positive. Foreign postings count at their `@@` cost.
 */
export async function hledgerBalance(
  path: string,
  account: string,
  currency: string,
  bin = "hledger",
): Promise<number> {
  const { stdout } = await run(bin, [
    "-f",
    path,
    "balance",
    "-B",
    "--flat",
    "--no-total",
    "-O",
    "csv",
    `acct:^${escapeRegex(account)}(:|$)`,
  ]);
  let minor = 0;
  for (const row of stdout.trim().split("\n").slice(1)) {
    const cell = /^"[^"]*","(.*)"$/.exec(row)?.[1] ?? "";
    for (const part of cell.split(",")) {
      const m = /^\s*(-?[\d.]+)\s+([A-Z]{3})\s*$/.exec(part);
      if (m?.[2] === currency) minor += fromMajor(m[1] ?? "0", currency).minor;
      else if (part.trim() && part.trim() !== "0")
        throw new Error(`unexpected balance "${part}" for ${account}`);
    }
  }
  return minor;
}
