/**
 * A tenant document as an operator writes it: versioned, migrated, and checked
 * strictly. On write (`validateTenantDocument`, the repository's `put`) every
 * key must be one the schema knows — a typo is an error naming the path and the
 * near-miss key — and every problem is one readable line, never a raw ZodError.
 * On read (`readTenantDocument`) unknown keys only warn: a stored tenant never
 * silently stops syncing because a newer or older writer added a field.
 */
import type { z } from "zod";
import { ConfigError } from "./errors.js";
import { MOVED_BY_V2, mergeVendorCreditFlags } from "./migrations/v1-vendor-credits.js";
import { parseTenantConfig, type TenantConfig, TenantConfigSchema, tenantConfigProblems } from "./tenant.js";
import { type UnknownKey, unknownKeys } from "./unknown-keys.js";

/** The document shape this code writes. Older documents are migrated up on read and on write. */
export const TENANT_SCHEMA_VERSION = 2;

/**
 * `MIGRATIONS[n - 1]` takes a version-n document to version n + 1 (renamed or removed keys).
 * Documents without `schemaVersion` are version 1. Each migration lives in its own file.
 * Added keys with a default need no new version: an older document without `timeZone` ("UTC"),
 * `fx` (`erp-rates`) or `defaults.fxGainLoss` (none) reads with the behaviour before them.
 */
const MIGRATIONS: ReadonlyArray<(doc: Record<string, unknown>) => Record<string, unknown>> = [
  mergeVendorCreditFlags,
];

export type TenantDocumentResult =
  | { ok: true; config: TenantConfig; warnings: string[] }
  | { ok: false; problems: string[] };

/** Brings a document to TENANT_SCHEMA_VERSION; refuses one written by a newer version. */
export function migrateTenantDocument(input: unknown): { doc: unknown; problem: string | null } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { doc: input, problem: "a tenant document must be a JSON object" };
  }
  const { schemaVersion, ...rest } = input as Record<string, unknown>;
  const from = schemaVersion === undefined ? 1 : schemaVersion;
  if (typeof from !== "number" || !Number.isInteger(from) || from < 1) {
    return {
      doc: input,
      problem: `schemaVersion: must be a whole number from 1 to ${TENANT_SCHEMA_VERSION}`,
    };
  }
  if (from > TENANT_SCHEMA_VERSION) {
    return {
      doc: input,
      problem: `schemaVersion: ${from} was written by a newer ramp-erp-sync (this one knows ${TENANT_SCHEMA_VERSION}); upgrade before editing it`,
    };
  }
  let doc: Record<string, unknown> = rest;
  for (let v = from; v < TENANT_SCHEMA_VERSION; v++)
    doc = (MIGRATIONS[v - 1] as (d: typeof doc) => typeof doc)(doc);
  return { doc, problem: null };
}

/** Strict: unknown keys, schema violations and cross-field rules, each as one line. */
export function validateTenantDocument(input: unknown): TenantDocumentResult {
  const { doc, problem } = migrateTenantDocument(input);
  if (problem) return { ok: false, problems: [problem] };
  const problems = unknownKeys(TenantConfigSchema, doc).map(describeUnknown);
  const parsed = TenantConfigSchema.safeParse(doc);
  if (!parsed.success) problems.push(...parsed.error.issues.map(describeIssue));
  else problems.push(...tenantConfigProblems(parsed.data));
  if (problems.length) return { ok: false, problems };
  return { ok: true, config: parseTenantConfig(doc), warnings: [] };
}

/** Lenient: a stored document loads whatever extra keys it carries; they come back as warnings. */
export function readTenantDocument(input: unknown): { config: TenantConfig; warnings: string[] } {
  const { doc, problem } = migrateTenantDocument(input);
  if (problem) throw new Error(`invalid tenant document: ${problem}`);
  const warnings = unknownKeys(TenantConfigSchema, doc).map((u) => `${describeUnknown(u)} (ignored)`);
  return { config: parseTenantConfig(doc), warnings };
}

function describeUnknown(u: UnknownKey): string {
  const movedTo = MOVED_BY_V2[u.path];
  if (movedTo) return `${u.path}: "${u.key}" moved to ${movedTo} in schema version 2 — set it there`;
  const hint = u.suggestion ? `did you mean "${u.suggestion}"?` : `expected one of: ${u.known.join(", ")}`;
  return `${u.path}: unknown key "${u.key}" — ${hint}`;
}

function describeIssue(i: z.core.$ZodIssue): string {
  const where = i.path.length ? i.path.map(String).join(".") : "(document)";
  return `${where}: ${i.message}`;
}

/** A tenant document refused on write; `problems` has one readable line each (path, what is wrong, a hint). */
export class TenantDocumentError extends ConfigError {
  override readonly name: string = "TenantDocumentError";
  constructor(
    readonly tenantId: string | null,
    readonly problems: readonly string[],
  ) {
    super(`tenant document${tenantId ? ` ${tenantId}` : ""} refused: ${problems.join("; ")}`);
  }
}

/** validateTenantDocument, throwing TenantDocumentError (the repository's write path). */
export function checkedTenantDocument(input: unknown): TenantConfig {
  const r = validateTenantDocument(input);
  if (r.ok) return r.config;
  const id = (input as { tenantId?: unknown } | null)?.tenantId;
  throw new TenantDocumentError(typeof id === "string" ? id : null, r.problems);
}
