/**
 * A local stack (local/runtime/stack.ts) serving one journal-ERP tenant on a Ramp
 * sandbox, as the ops tests start it: the tenant's journal under its own root, its
 * Ramp credentials seeded, the tenant saved, the chart pushed. Spend is coded by
 * `codeSpend` and known failures are planted with `deactivateAccount`.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import type { TenantConfigInput } from "../../lib/config/tenant.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { contextOnTarget } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";

interface Sandbox {
  sb: { url: string; clientId: string; clientSecret: string };
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export type EntityLink = { rampEntityId: string; companyKey: string };

/** The sandbox's first USD entity → company `demo`, its first EUR entity → `demo-eu`. */
export async function demoEntityLinks(r: Sandbox): Promise<EntityLink[]> {
  const ents = await r.control<Array<{ id: string; currency: string }>>("GET", "/entities");
  return [
    ["USD", "demo"],
    ["EUR", "demo-eu"],
  ].flatMap(([currency, companyKey]) => {
    const e = ents.find((x) => x.currency === currency);
    return e ? [{ rampEntityId: e.id, companyKey: companyKey as string }] : [];
  });
}

export async function startJournalStack(
  r: Sandbox,
  o: { tenantId: string; prefix: string; tenant: Partial<TenantConfigInput>; env?: Record<string, string> },
): Promise<{ stack: LocalStack; journal: string }> {
  const root = await mkdtemp(join(tmpdir(), `${o.prefix}-`));
  await mkdir(join(root, o.tenantId));
  const journal = join(root, o.tenantId, "books.journal");
  await createDemoJournal(journal);
  const stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    env: { JOURNAL_ROOT: root, ...o.env },
  });
  stack.seedSecret(`ramp-erp-sync/${o.tenantId}/ramp`, {
    client_id: r.sb.clientId,
    client_secret: r.sb.clientSecret,
  });
  await stack.saveTenant({
    tenantId: o.tenantId,
    displayName: o.tenantId,
    version: 0,
    ramp: { baseUrl: r.sb.url, remoteProviderName: `Journal (${o.prefix})` },
    erp: { kind: "journal", path: "books.journal" },
    companies: demoCompanies(),
    ...o.tenant,
  });
  await stack.coaPush(o.tenantId);
  return { stack, journal };
}

/** What users do in Ramp's UI: code every ready object against the pushed chart. */
export async function codeSpend(r: Sandbox, links: readonly EntityLink[], seed = 3): Promise<void> {
  await r.control("POST", "/code", {
    seed,
    vendorless_share: 0,
    entity_remote_ids: Object.fromEntries(links.map((l) => [l.rampEntityId, l.companyKey])),
  });
}

export const MEALS = "account demo:Expenses:Meals  ; type: X, code: 6100";

/** A known failure: an account goes inactive in the ERP after spend was coded to it (undo: reactivateAccount). */
export async function deactivateAccount(journal: string, line = MEALS): Promise<void> {
  const text = await readFile(journal, "utf8");
  if (!text.includes(line)) throw new Error(`the demo chart changed: no "${line}"`);
  await writeFile(journal, text.replace(line, `${line}, inactive: true`));
}

export async function reactivateAccount(journal: string, line = MEALS): Promise<void> {
  await writeFile(journal, (await readFile(journal, "utf8")).replace(`${line}, inactive: true`, line));
}

/** One command line through the CLI on the stack, as `npx ramp-erp-sync --local … --json` would run it. */
export async function opsOn(stack: LocalStack, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = contextOnTarget(() => OpsTargetSchema.parse(stack.opsTarget()), silentLogger);
  const code = await runOps(argv, ctx, { out: (l) => out.push(l), err: (l) => err.push(l) });
  ctx.close();
  const json = argv.includes("--json") && out.length ? JSON.parse(out.join("\n")) : undefined;
  return { code, out, err, json };
}
