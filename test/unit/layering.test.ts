/**
 * The layering rule (ARCHITECTURE.md "Layering"), read from the import
 * statements: functions → lib use cases → ports; adapters implement ports;
 * the kernel (lib/domain) imports nothing else of ours; no two lib/ folders
 * import each other, directly or round a longer loop; nothing in lib/ imports
 * functions/, local/, infra/ or test/; the use cases never import the AWS SDK.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return tsFiles(rel);
    return rel.endsWith(".ts") ? [rel] : [];
  });
}

/** Every import/export specifier of a file: relative ones resolved to repo paths, packages as given. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;"']*?from\s*"([^"]+)"/g)) {
    const spec = m[1] as string;
    out.push(spec.startsWith(".") ? normalize(join(dirname(file), spec)) : spec);
  }
  for (const m of text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) {
    const spec = m[1] as string;
    out.push(spec.startsWith(".") ? normalize(join(dirname(file), spec)) : spec);
  }
  return out;
}

const libFiles = tsFiles("lib");
const folderOf = (path: string) => path.split("/")[1] as string;

/** lib folder → lib folders it imports. */
function folderGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const f of libFiles) {
    const from = folderOf(f);
    const edges = g.get(from) ?? new Set<string>();
    g.set(from, edges);
    for (const i of importsOf(f)) if (i.startsWith("lib/") && folderOf(i) !== from) edges.add(folderOf(i));
  }
  return g;
}

/** Folders on a loop (Tarjan's strongly connected components of size > 1). */
function loops(g: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        on.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("layering", () => {
  it("no lib/ folders import each other, directly or round a loop", () => {
    expect(loops(folderGraph())).toEqual([]);
  });

  it("the loop finder finds a loop (so the test above can fail)", () => {
    const g = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(loops(g)).toEqual([["a", "b", "c"]]);
  });

  it("nothing in lib/ imports functions/, local/, infra/ or test/", () => {
    const bad = libFiles.flatMap((f) =>
      importsOf(f)
        .filter((i) => /^(functions|local|infra|test)\//.test(i))
        .map((i) => `${f} → ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it("the kernel (lib/domain) imports nothing else of ours and no package but node's", () => {
    const bad = libFiles
      .filter((f) => f.startsWith("lib/domain/"))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => !i.startsWith("lib/domain/") && !i.startsWith("node:"))
          .map((i) => `${f} → ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it("use cases and domain code never import the AWS SDK, Powertools or middy (adapters do)", () => {
    const pure = [
      "domain",
      "sync",
      "poll",
      "coa",
      "webhook",
      "money",
      "connection",
      "migration",
      "erp",
      "ramp",
      "config",
      "status",
      "reconcile",
    ];
    const bad = libFiles
      .filter((f) => pure.includes(folderOf(f)))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => /^@aws-sdk\/|^@aws-lambda-powertools\/|^@middy\//.test(i))
          .map((i) => `${f} → ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it("functions/ import neither local/ nor test/", () => {
    const bad = tsFiles("functions").flatMap((f) =>
      importsOf(f)
        .filter((i) => /^(local|test)\//.test(i))
        .map((i) => `${f} → ${i}`),
    );
    expect(bad).toEqual([]);
  });
});
