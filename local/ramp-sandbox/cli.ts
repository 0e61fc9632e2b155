/**
 * `npm run -s sandbox -- --port 4010 --seed 7 --transactions 200 …` (`--help` lists every flag).
 * Prints exactly one JSON line on stdout when ready: {"url","client_id","client_secret",
 * "business_id"}; everything else (logs) goes to stderr. Stops on SIGINT/SIGTERM.
 * A bad flag is refused before anything starts: its message on stderr, exit 2.
 */
import { Command } from "commander";
import { list, parseFlags, share, wholeNumber } from "../cli-flags.js";
import type { SeedOptions } from "./seed.js";
import { startSandbox } from "./server.js";

/** The seed options a flag can set (entities by count only), and where to listen. */
interface Flags extends Omit<SeedOptions, "entities"> {
  port: number;
  host: string;
  entities?: number;
}

const count = wholeNumber(0, 1_000_000);

function sandboxProgram(): Command {
  return new Command("sandbox")
    .description("A fake Ramp over HTTP (developer API and /sandbox control API), seeded deterministically")
    .option("--port <n>", "port to listen on (0: any free port)", wholeNumber(0, 65_535), 4010)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--seed <n>", "seed of every id, amount and choice", wholeNumber(), 1)
    .option("--name <text>", "business name")
    .option("--transactions <n>", "card transactions (default 50)", count)
    .option("--reimbursements <n>", "reimbursements (default 15)", count)
    .option("--bills <n>", "bills (default 20)", count)
    .option("--transfers <n>", "transfers", count)
    .option("--cashbacks <n>", "cashbacks", count)
    .option("--vendor-credits <n>", "vendor credits", count)
    .option("--entities <n>", "number of entities (currencies cycled)", wholeNumber(1, 100))
    .option("--currencies <list>", "entity and foreign-charge currencies, e.g. USD,EUR", list)
    .option("--merchants <list>", "merchant names", list)
    .option("--departments <list>", "department names", list)
    .option("--ready-share <x>", "share of spend that starts SYNC_READY, 0..1 (default 0.85)", share)
    .option("--client-id <id>", "the first app's client id")
    .option("--client-secret <secret>", "the first app's client secret")
    .option("--scopes <list>", "the first app's scopes (default: all)", list);
}

async function main(): Promise<void> {
  const { port, host, ...seed } = parseFlags<Flags>(sandboxProgram(), process.argv.slice(2));
  const given = Object.fromEntries(Object.entries(seed).filter(([, v]) => v !== undefined));
  const sb = await startSandbox({ ...(given as Partial<SeedOptions>), seed: seed.seed, port, host });
  process.stdout.write(
    `${JSON.stringify({ url: sb.url, client_id: sb.clientId, client_secret: sb.clientSecret, business_id: sb.businessId })}\n`,
  );
  process.stderr.write(
    `ramp sandbox listening on ${sb.url} (control API under ${sb.url}/sandbox/, console at ${sb.url}/console)\n`,
  );
  const stop = () => {
    void sb.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  // A port in use, an address not ours: the message says which; no stack trace for those.
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
