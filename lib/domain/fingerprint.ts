/**
 * A stable fingerprint of a Ramp object as listed, so the ledger can tell
 * whether a user-actionable failure could have been fixed: such an item is
 * claimable again only once the object changed in Ramp (or a cool-down passed).
 * Pure.
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so key order never changes the hash. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * sha256 (first 32 hex digits) of the object without the fields named in
 * `ignore` (top level) — e.g. `syncStatus`, which changes when we report the
 * object and must not count as "the user changed it".
 */
export function fingerprintOf(value: unknown, ignore: readonly string[] = []): string {
  let v = value;
  if (ignore.length && v && typeof v === "object" && !Array.isArray(v)) {
    v = Object.fromEntries(Object.entries(v).filter(([k]) => !ignore.includes(k)));
  }
  return createHash("sha256").update(canonicalJson(v)).digest("hex").slice(0, 32);
}
