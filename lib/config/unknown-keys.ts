/**
 * Keys a document carries that its zod schema does not know, found by walking
 * the document alongside the schema (objects, arrays, defaults, optionals,
 * pipes, discriminated unions). zod's own objects strip unknown keys silently,
 * so a typo such as `objectTypes: { trasactions: false }` would be dropped and
 * the tenant would go on syncing transactions: on write that is an error with
 * a suggestion, on read a warning (the document still loads).
 */
import type { z } from "zod";

export interface UnknownKey {
  /** Where the key sits, e.g. `objectTypes.trasactions` or `companies.0.defaults.bnk`. */
  path: string;
  key: string;
  /** The keys allowed there. */
  known: string[];
  /** The known key it most likely meant (a near miss), if any. */
  suggestion: string | null;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

export function unknownKeys(
  schema: z.ZodType,
  value: unknown,
  path: readonly (string | number)[] = [],
): UnknownKey[] {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return unknownKeys(def.innerType, value, path);
  if (def.type === "pipe" && def.in) return unknownKeys(def.in, value, path);
  if (def.type === "array" && def.element && Array.isArray(value)) {
    return value.flatMap((v, i) => unknownKeys(def.element as z.ZodType, v, [...path, i]));
  }
  if (def.type === "union" && def.options && def.discriminator && isRecord(value)) {
    const tag = value[def.discriminator];
    const branch = def.options.find((o) => {
      const lit = defOf(o).shape?.[def.discriminator as string];
      return lit && (defOf(lit) as unknown as { values?: unknown[] }).values?.includes(tag);
    });
    return branch ? unknownKeys(branch, value, path) : [];
  }
  if (def.type !== "object" || !def.shape || !isRecord(value)) return [];
  const known = Object.keys(def.shape);
  const out: UnknownKey[] = [];
  for (const [key, v] of Object.entries(value)) {
    const inner = def.shape[key];
    if (!inner) {
      out.push({ path: [...path, key].join("."), key, known, suggestion: nearMiss(key, known) });
      continue;
    }
    out.push(...unknownKeys(inner, v, [...path, key]));
  }
  return out;
}

/** The known key within two edits (or differing only in case), if exactly one is closest. */
export function nearMiss(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= 2 ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
