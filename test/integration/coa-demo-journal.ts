/**
 * The demo journal as the coa-push suites against the journal ERP use it: a fresh copy per
 * suite or test (they edit it, the way a customer changes the chart), the demo tenant that
 * reads it, and the edit itself.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { parseTenantConfig, type TenantConfig, type TenantConfigInput } from "../../lib/config/tenant.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";

/** A new demo journal in its own temporary folder; `prefix` names the folder after the suite. */
export async function freshDemoJournal(prefix: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), prefix)), "books.journal");
  await createDemoJournal(path);
  return path;
}

/** The demo tenant on the journal ERP; `extra` adds what a suite sets (entities, coa policy). */
export function demoJournalTenant(extra: Partial<TenantConfigInput> = {}): TenantConfig {
  return parseTenantConfig({
    tenantId: "demo",
    displayName: "Demo",
    ramp: { remoteProviderName: "Demo Journal" },
    erp: { kind: "journal", path: "books.journal" },
    companies: demoCompanies(),
    ...extra,
  });
}

/** Replaces `from` with `to` in the journal; fails when nothing matched, so a stale edit cannot pass silently. */
export async function editJournal(path: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(path, "utf8");
  const changed = text.replace(from, to);
  expect(changed).not.toBe(text);
  await writeFile(path, changed);
}
