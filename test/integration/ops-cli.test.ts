/**
 * The operator CLI (ops/): commands run in-process against DynamoDB Local
 * (tenants validate / put / show / list, --dry-run, --json, exit codes), and the
 * real entry spawned with an empty environment: --help needs no AWS or env, and
 * an error is one line plus a hint, never a stack trace.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../lib/domain/logger.js";
import { demoCompanies } from "../../local/demo-journal.js";
import { contextOnTarget, type OpsContext } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";
import { freshTable } from "../support/dynamo-client.js";

const run = promisify(execFile);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function contextWithTable(): Promise<OpsContext> {
  const { endpoint, tableName } = await freshTable("ops");
  return contextOnTarget(
    () =>
      OpsTargetSchema.parse({
        name: "test",
        tableName,
        endpoints: { dynamodb: endpoint },
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    silentLogger,
  );
}

async function documentFile(body: unknown): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "ops-")), "tenant.json");
  await writeFile(file, JSON.stringify(body));
  return file;
}

const tenantDoc = (over: Record<string, unknown> = {}) => ({
  tenantId: "acme",
  displayName: "Acme",
  ramp: { remoteProviderName: "Journal" },
  erp: { kind: "journal", path: "books.journal" },
  companies: demoCompanies(),
  ...over,
});

describe("ops tenants", () => {
  it("validate refuses a typo with its path and the near-miss key (exit 2), and passes a good document", async () => {
    const ctx = await contextWithTable();
    const bad = capture();
    const file = await documentFile(tenantDoc({ objectTypes: { trasactions: false } }));
    expect(await runOps(["tenants", "validate", "--file", file], ctx, bad.io)).toBe(2);
    expect(bad.err).toEqual([
      'objectTypes.trasactions: unknown key "trasactions" — did you mean "transactions"?',
    ]);
    const good = capture();
    expect(
      await runOps(
        ["tenants", "validate", "--file", await documentFile(tenantDoc()), "--json"],
        ctx,
        good.io,
      ),
    ).toBe(0);
    expect(JSON.parse(good.out[0] as string)).toEqual({ ok: true, tenantId: "acme", version: 0 });
  });

  it("put --dry-run writes nothing; put writes version 1; a stale document is refused; show and list read it back", async () => {
    const ctx = await contextWithTable();
    const file = await documentFile(tenantDoc());
    const dry = capture();
    expect(await runOps(["tenants", "put", "--file", file, "--dry-run"], ctx, dry.io)).toBe(0);
    expect(dry.out[0]).toMatch(
      /^dry run: would write tenant acme version 1 \(new tenant\); nothing written$/,
    );
    expect(await ctx.tenants().get("acme")).toBeUndefined();

    const put = capture();
    expect(await runOps(["tenants", "put", "--file", file, "--json"], ctx, put.io)).toBe(0);
    expect(JSON.parse(put.out[0] as string)).toEqual({ ok: true, tenantId: "acme", version: 1 });

    const stale = capture();
    expect(await runOps(["tenants", "put", "--file", file], ctx, stale.io)).toBe(2);
    expect(stale.err[0]).toMatch(/based on version 0 but tenant acme is at version 1/);

    const show = capture();
    expect(await runOps(["tenants", "show", "acme", "--json"], ctx, show.io)).toBe(0);
    const shown = JSON.parse(show.out[0] as string);
    expect(shown).toMatchObject({
      tenantId: "acme",
      version: 1,
      ramp: { credentialsSecretId: "ramp-erp-sync/acme/ramp" },
    });

    const list = capture();
    expect(await runOps(["tenants", "list", "--json"], ctx, list.io)).toBe(0);
    expect(JSON.parse(list.out[0] as string).tenants).toEqual([
      { tenantId: "acme", displayName: "Acme", erp: "journal", version: 1 },
    ]);
    const missing = capture();
    expect(await runOps(["tenants", "show", "nobody"], ctx, missing.io)).toBe(2);
  });

  it.each([
    [
      "a typo'd key",
      { objectTypes: { trasactions: false } },
      /^objectTypes\.trasactions: unknown key "trasactions" — did you mean "transactions"\?$/,
    ],
    ["a wrong type", { cadence: { weekdayHours: "2" } }, /^cadence\.weekdayHours: .*expected number/],
    ["an unknown ERP kind", { erp: { kind: "sap", path: "x" } }, /^erp(\.kind)?: /],
    [
      "an entity mapped to a missing company",
      { entities: [{ rampEntityId: "ent-1", companyKey: "nowhere" }] },
      /^entities\.0\.companyKey: .*nowhere/,
    ],
  ])(
    "put refuses %s with one line naming the path (exit 2) and writes nothing",
    async (_what, over, line) => {
      const ctx = await contextWithTable();
      const c = capture();
      expect(await runOps(["tenants", "put", "--file", await documentFile(tenantDoc(over))], ctx, c.io)).toBe(
        2,
      );
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).toMatch(line);
      expect(await ctx.tenants().get("acme")).toBeUndefined();
    },
  );

  it("the README's example tenant document is accepted", async () => {
    const readme = await readFile(join(process.cwd(), "README.md"), "utf8");
    const block = /### Tenant configuration[^\n]*\n+```jsonc\n([\s\S]*?)\n```/.exec(readme)?.[1];
    if (!block) throw new Error("README has no tenant example");
    // jsonc → JSON: drop comments (a "//" after whitespace, never the one in "https://").
    const json = block.replace(/(^|\s)\/\/.*$/gm, "$1");
    const c = capture();
    const code = await runOps(
      ["tenants", "validate", "--file", await documentFile(JSON.parse(json))],
      await contextWithTable(),
      c.io,
    );
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
  });

  it("usage errors exit 64, help exits 0", async () => {
    const ctx = await contextWithTable();
    const c = capture();
    expect(await runOps(["tenants", "put"], ctx, c.io)).toBe(64);
    expect(c.err.join("\n")).toMatch(/required option '--file <path>'/);
    expect(await runOps(["nope"], ctx, capture().io)).toBe(64);
    const help = capture();
    expect(await runOps(["tenants", "--help"], ctx, help.io)).toBe(0);
    expect(help.out.join("\n")).toMatch(/validate[\s\S]*put[\s\S]*show[\s\S]*list/);
    // `vendors link` takes its two ids as arguments; one missing is a usage error.
    expect(await runOps(["vendors", "link", "--tenant", "acme", "rv-1"], ctx, capture().io)).toBe(64);
    const vendorHelp = capture();
    expect(await runOps(["vendors", "link", "--help"], ctx, vendorHelp.io)).toBe(0);
    expect(vendorHelp.out.join("\n")).toMatch(/<rampVendorId> <accountingVendorRemoteId>/);
  });
});

describe("the ops entry, spawned with an empty environment", () => {
  const bin = join(process.cwd(), "ops", "bin.mjs");
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };

  it("--help needs no AWS or environment", async () => {
    const r = await run(process.execPath, [bin, "--help"], { env });
    expect(r.stdout).toMatch(/^Usage: ramp-erp-sync/);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]);
    for (const command of [
      "tenants",
      "status",
      "failed",
      "show",
      "retry",
      "sync-now",
      "mark-synced",
      "dlq",
      "reconcile",
      "coa-push",
      "migrate",
      "disconnect",
      "vendors",
      "webhooks",
      "receipts",
    ])
      expect(listed).toContain(command);
    for (const sub of [
      "tenants validate",
      "dlq list",
      "dlq redrive",
      "webhooks subscribe",
      "receipts retry",
      "reconcile",
      "status",
      "mark-synced",
    ]) {
      const h = await run(process.execPath, [bin, ...sub.split(" "), "--help"], { env });
      expect(h.stdout).toMatch(new RegExp(`^Usage: ramp-erp-sync ${sub}`));
    }
    const sub = await run(process.execPath, [bin, "coa-push", "--help"], { env });
    expect(sub.stdout).toMatch(/--tenant <id>/);
  });

  it("a missing TABLE_NAME is one line and a hint, not a stack trace (exit 1)", async () => {
    const r = await run(process.execPath, [bin, "tenants", "show", "acme"], { env }).catch(
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect((r as { code: number }).code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      "error: TABLE_NAME is not set",
      "hint: set TABLE_NAME (and AWS credentials / AWS_REGION), or use --local <file> or --stage <name>",
    ]);
  });
});
