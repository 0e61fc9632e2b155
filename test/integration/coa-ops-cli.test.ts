/**
 * The ops commands (ops/coa-commands.ts) against real parts: tenant config in DynamoDB
 * Local, the Ramp sandbox over HTTP, a journal ERP.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import { createJournalErp } from "../../lib/erp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createTenants } from "../../lib/store/tenants.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { runOpsCommand } from "../../ops/coa-commands.js";
import { freshTable } from "../support/dynamo-client.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

describe("ops commands", () => {
  let r: SandboxRamp;
  let deps: TenantPushDeps;
  let dir: string;
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runOpsCommand(argv, deps, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  beforeAll(async () => {
    r = await sandboxRamp({ transactions: 3, readyShare: 1 });
    dir = await mkdtemp(join(tmpdir(), "ops-"));
    const path = join(dir, "books.journal");
    await createDemoJournal(path);
    const table = await freshTable("ops");
    const tenants = createTenants({ doc: table.doc, tableName: table.tableName });
    for (const [id, name] of [
      ["acme", "Acme Journal"],
      ["next", "Next Journal"],
    ] as const) {
      await tenants.put({
        tenantId: id,
        displayName: id,
        ramp: { baseUrl: r.sb.url, remoteProviderName: name },
        erp: { kind: "journal", path: "books.journal" },
        companies: demoCompanies(),
      });
    }
    deps = {
      tenants,
      snapshots: createCoaSnapshots({ doc: table.doc, tableName: table.tableName }),
      rampFor: () => r.client,
      erpFor: async () => createJournalErp(path),
    };
  });
  afterAll(() => r.close());

  it("answers a usage error with the usage", async () => {
    expect(await run("coa-push")).toMatchObject({ code: 64, err: expect.stringMatching(/usage:/) });
    expect((await run("explode", "--tenant", "acme")).code).toBe(64);
    expect((await run("coa-push", "--tenant", "acme", "--bogus")).code).toBe(64);
  });

  it("coa-push --tenant pushes and stores the connection id", async () => {
    const res = await run("coa-push", "--tenant", "acme");
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^coa-push acme: connection [0-9a-f-]{36}, \d+ operations, \d+ write calls$/);
    expect((await deps.tenants.get("acme"))?.ramp.connectionId).toMatch(/[0-9a-f-]{36}/);
    expect((await run("coa-push", "--tenant", "acme")).out).toMatch(/0 operations, 0 write calls/);
  });

  it("migrate refuses while objects are ready, then --force migrates and writes the backup file", async () => {
    const refused = await run("migrate", "--tenant", "next");
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/migration refused at preflight:\n {2}- 3 objects are still ready to sync/);
    const backup = join(dir, "next-backup.json");
    const done = await run("migrate", "--tenant", "next", "--force", "--backup", backup);
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/is ready to migrate\./);
    expect(done.out).toMatch(/Switch Providers, pick "Next Journal"/);
    const saved = JSON.parse(await readFile(backup, "utf8")) as {
      connection: { remote_provider_name: string };
    };
    expect(saved.connection.remote_provider_name).toBe("Acme Journal");
  });

  it("disconnect needs --confirm, then disconnects and clears the stored id", async () => {
    const refused = await run("disconnect", "--tenant", "acme");
    expect(refused).toMatchObject({ code: 2, err: expect.stringMatching(/pass --confirm/) });
    const done = await run("disconnect", "--tenant", "acme", "--confirm");
    expect(done.code).toBe(0);
    expect((await deps.tenants.get("acme"))?.ramp.connectionId).toBeNull();
    expect((await r.client.allConnections()).every((c) => !c.is_active)).toBe(true);
  });
});
