/**
 * `npm run bench [name-filter]`: runs every bench/*.bench.ts (default export: an async
 * function returning a JSON-able result), one after another so they never compete for
 * the two cores, and writes bench/results/<name>.json plus bench/results/summary.json.
 * Performance is measured here, never asserted in tests.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "results");
const filter = process.argv[2] ?? "";

type Bench = () => Promise<unknown>;

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(here)
    .filter((f) => f.endsWith(".bench.ts") && f.includes(filter))
    .sort();
  const summary: Record<string, unknown> = {};
  let failures = 0;
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, "");
    process.stderr.write(`bench ${name} …\n`);
    const started = Date.now();
    try {
      const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
      const result = await mod.default();
      const record = {
        name,
        ranAt: new Date().toISOString(),
        node: process.version,
        seconds: (Date.now() - started) / 1000,
        result,
      };
      writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
      summary[name] = result;
    } catch (err) {
      failures++;
      summary[name] = { error: err instanceof Error ? err.message : String(err) };
      process.stderr.write(`bench ${name} failed: ${String(err)}\n`);
    }
  }
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (failures) process.exitCode = 1;
}

await main();
