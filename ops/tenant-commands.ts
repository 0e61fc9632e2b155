/**
 * `tenants validate | put | show | list`: tenant documents checked strictly on
 * the way in (lib/config/tenant-document.ts: unknown keys refused with the key
 * they likely meant, one readable line per problem), written with their version
 * (a stale version is refused, never overwritten), read back with secrets named,
 * never printed (a document holds secret ids, not secrets). `show` also lists
 * Ramp's entities beside the entity map (lib/status/entity-map.ts).
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { TenantConfig } from "../lib/config/tenant.js";
import { validateTenantDocument } from "../lib/config/tenant-document.js";
import type { RampEntity } from "../lib/ramp/model.js";
import { entityCompanyText, entityRows } from "../lib/status/entity-map.js";
import type { Tenants } from "../lib/store/tenants.js";
import { type CommandKit, jsonOption, type OpsIo } from "./command-kit.js";
import { aligned } from "./status-lines.js";

export interface Printer {
  io: OpsIo;
  json: boolean;
}

/** One JSON document per command with --json (shape documented in ops/README.md); lines otherwise. */
const emit = (p: Printer, value: unknown, lines: () => string[]) => {
  if (p.json) p.io.out(JSON.stringify(value));
  else for (const l of lines()) p.io.out(l);
};

async function readDocument(file: string): Promise<{ doc: unknown } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    return { problem: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})` };
  }
  try {
    return { doc: JSON.parse(text) };
  } catch (e) {
    return {
      problem: `${file}: not JSON (${e instanceof Error ? e.message.split("\n")[0] : "parse error"})`,
    };
  }
}

export async function tenantsValidate(p: Printer, file: string): Promise<number> {
  const read = await readDocument(file);
  if ("problem" in read) return refuse(p, [read.problem]);
  const r = validateTenantDocument(read.doc);
  if (!r.ok) return refuse(p, r.problems);
  emit(p, { ok: true, tenantId: r.config.tenantId, version: r.config.version }, () => [
    `${file}: valid tenant ${r.config.tenantId} (version ${r.config.version})`,
  ]);
  return 0;
}

export async function tenantsPut(
  p: Printer,
  tenants: Pick<Tenants, "get" | "put">,
  file: string,
  dryRun: boolean,
): Promise<number> {
  const read = await readDocument(file);
  if ("problem" in read) return refuse(p, [read.problem]);
  const r = validateTenantDocument(read.doc);
  if (!r.ok) return refuse(p, r.problems);
  const { tenantId, version } = r.config;
  const stored = await tenants.get(tenantId);
  const storedVersion = stored?.version ?? 0;
  if (storedVersion !== version) {
    return refuse(p, [
      `version: the document is based on version ${version} but tenant ${tenantId} is at version ${storedVersion}; ` +
        "read it again (tenants show --json), apply your change there, then put it",
    ]);
  }
  if (dryRun) {
    emit(p, { ok: true, dryRun: true, tenantId, from: version, to: version + 1 }, () => [
      `dry run: would write tenant ${tenantId} version ${version + 1} (${stored ? "update" : "new tenant"}); nothing written`,
    ]);
    return 0;
  }
  const put = await tenants.put(r.config);
  if (!put.ok) {
    return refuse(p, [
      `version: tenant ${tenantId} changed meanwhile (now version ${put.currentVersion ?? "unknown"}); nothing written`,
    ]);
  }
  emit(p, { ok: true, tenantId, version: put.config.version }, () => [
    `wrote tenant ${tenantId} version ${put.config.version}`,
  ]);
  return 0;
}

/** Ramp's entities of a tenant's business (GET /entities through its own Ramp client). */
export type EntityLister = (tenant: TenantConfig) => AsyncIterable<RampEntity>;

/**
 * The document (as stored: --json prints exactly it, so it can be edited and put back), then in
 * the readable output Ramp's entities beside the entity map: where each one's objects post.
 */
export async function tenantsShow(
  p: Printer,
  tenants: Pick<Tenants, "get">,
  tenantId: string,
  listEntities?: EntityLister,
): Promise<number> {
  const t = await tenants.get(tenantId);
  if (!t) return refuse(p, [`tenant ${tenantId}: not found`]);
  if (p.json || !listEntities) {
    emit(p, t, () => JSON.stringify(t, null, 2).split("\n"));
    return 0;
  }
  for (const l of JSON.stringify(t, null, 2).split("\n")) p.io.out(l);
  for (const l of await entityLines(t, listEntities)) p.io.out(l);
  return 0;
}

async function entityLines(t: TenantConfig, listEntities: EntityLister): Promise<string[]> {
  const listed: RampEntity[] = [];
  try {
    for await (const e of listEntities(t)) listed.push(e);
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return [
      `entities: Ramp could not be read (${why}); the entity map above stands`,
      ...entityRows(t, []).map((r) => `  ${r.entityId}  ${entityCompanyText(r)}`),
    ];
  }
  const rows = entityRows(t, listed);
  if (!rows.length) return ["entities: Ramp lists none; every object posts to the first company"];
  return [
    `entities (Ramp's, beside the entity map; companies: ${t.companies.map((c) => c.key).join(", ")}):`,
    ...aligned([
      ["entity", "name", "currency", "company"],
      ...rows.map((r) => [r.entityId, r.name ?? "-", r.currency ?? "-", entityCompanyText(r)]),
    ]).map((l) => `  ${l}`),
  ];
}

export async function tenantsList(p: Printer, tenants: Pick<Tenants, "listEnabled">): Promise<number> {
  const rows: Array<{ tenantId: string; displayName: string; erp: string; version: number }> = [];
  const invalid: Array<{ tenantId: string; error: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await tenants.listEnabled({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const t of page.tenants)
      rows.push({ tenantId: t.tenantId, displayName: t.displayName, erp: t.erp.kind, version: t.version });
    invalid.push(...page.invalid);
    cursor = page.cursor;
  } while (cursor);
  emit(p, { tenants: rows, invalid }, () => [
    ...rows.map((r) => `${r.tenantId}\t${r.erp}\tv${r.version}\t${r.displayName}`),
    ...invalid.map((i) => `${i.tenantId}\tINVALID\t${i.error}`),
  ]);
  return 0;
}

function refuse(p: Printer, problems: readonly string[]): number {
  if (p.json) p.io.out(JSON.stringify({ ok: false, problems }));
  else for (const l of problems) p.io.err(l);
  return 2;
}

export function registerTenantCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const tenants = sub(program, "tenants", "tenant documents: validate, put, show, list");
  sub(
    tenants,
    "validate",
    "check a tenant document strictly (unknown keys, types, cross-field rules); writes nothing",
  )
    .requiredOption("--file <path>", "the tenant document (JSON)")
    .addOption(jsonOption())
    .action(async (o: { file: string; json?: boolean }) => {
      exit(await tenantsValidate({ io, json: o.json === true }, o.file));
    });
  sub(tenants, "put", "validate and write a tenant document (its version must be the stored one)")
    .requiredOption("--file <path>", "the tenant document (JSON)")
    .option("--dry-run", "say what would be written; write nothing")
    .addOption(jsonOption())
    .action(async (o: { file: string; dryRun?: boolean; json?: boolean }) => {
      exit(await tenantsPut({ io, json: o.json === true }, kit.ctx().tenants(), o.file, o.dryRun === true));
    });
  sub(
    tenants,
    "show",
    "one tenant's configuration (secrets are named, never printed), and Ramp's entities beside its entity map",
  )
    .argument("<tenant>", "tenant id")
    .addOption(jsonOption())
    .action(async (tenant: string, o: { json?: boolean }) => {
      const ctx = kit.ctx();
      exit(
        await tenantsShow({ io, json: o.json === true }, ctx.tenants(), tenant, (t) =>
          ctx.runtimes().rampFor(t).listEntities(),
        ),
      );
    });
  sub(tenants, "list", "enabled tenants, and stored documents that no longer parse")
    .addOption(jsonOption())
    .action(async (o: { json?: boolean }) => {
      exit(await tenantsList({ io, json: o.json === true }, kit.ctx().tenants()));
    });
}
