/**
 * `npm run -s sandbox -- --port 4010 --seed 7 --transactions 200 …`
 * Prints exactly one JSON line on stdout when ready: {"url","client_id","client_secret",
 * "business_id"}; everything else (logs) goes to stderr. Stops on SIGINT/SIGTERM.
 */
import { seedOptionsFrom } from "./control.js";
import { startSandbox } from "./server.js";

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        out[a.slice(2)] = next;
        i++;
      } else out[a.slice(2)] = "true";
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const snake = Object.fromEntries(Object.entries(args).map(([k, v]) => [k.replace(/-/g, "_"), v]));
  const seed = seedOptionsFrom(snake, 1);
  const sb = await startSandbox({
    ...Object.fromEntries(Object.entries(seed).filter(([, v]) => v !== undefined)),
    seed: seed.seed,
    port: args.port ? Number(args.port) : 4010,
    host: args.host ?? "127.0.0.1",
  });
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
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
