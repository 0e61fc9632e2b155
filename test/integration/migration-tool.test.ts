/**
 * The migration tool end to end on the sandbox over HTTP, with the journal ERP
 * as the chart source: refused preconditions, a full run with backup and
 * preload, the customer's switch, and a rerun after a crash.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pushCoa } from "../../lib/coa/push.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import { createJournalErp, type JournalErp } from "../../lib/erp/index.js";
import { type ChartBackup, MigrationRefusedError, runMigration } from "../../lib/migration/index.js";
import type { RampClient } from "../../lib/ramp/index.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { collect, type SandboxRamp, sandboxRamp, total } from "./coa-harness.js";
import { uploadLegacyChart } from "./migration-fixtures.js";

describe("migration tool (sandbox over HTTP, journal ERP)", () => {
  let r: SandboxRamp;
  let dir: string;
  let erp: JournalErp;
  let tenant: TenantConfig;
  const deps = (client: RampClient = r.client) => ({
    client,
    erp,
    saveBackup: async (b: ChartBackup) => {
      const file = join(dir, "backup.json");
      await writeFile(file, JSON.stringify(b, null, 2));
      return file;
    },
  });

  const start = async (readyShare: number) => {
    r = await sandboxRamp({ transactions: 6, readyShare });
    dir = await mkdtemp(join(tmpdir(), "migration-"));
    await createDemoJournal(join(dir, "books.journal"));
    erp = createJournalErp(join(dir, "books.journal"));
    tenant = parseTenantConfig({
      tenantId: "demo",
      displayName: "Demo",
      ramp: { remoteProviderName: "Demo Journal" },
      erp: { kind: "journal", path: "books.journal" },
      companies: demoCompanies(),
      // One setting: it also turns vendor_credits_enabled on for the connection (tenant schema v2).
      objectTypes: { vendorCredits: true },
    });
  };
  beforeEach(() => {
    dir = "";
  });
  afterEach(() => r.close());

  it("refuses while objects are still ready to sync, writing nothing; --force goes on", async () => {
    await start(1);
    await uploadLegacyChart(r.client);
    await r.resetCounters();
    const err = await runMigration(deps(), { tenant }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationRefusedError);
    expect((err as MigrationRefusedError).step).toBe("preflight");
    expect((err as Error).message).toMatch(
      /6 objects are still ready to sync on the old connection \(6 transactions\)/,
    );
    expect((err as Error).message).toMatch(/--force/);
    expect(await r.writeCalls()).toEqual({});

    const forced = await runMigration(deps(), { tenant, force: true });
    expect(forced.steps[0]).toEqual({ step: "preflight", outcome: "forced past 6 ready objects" });
    expect((await r.client.getConnection(forced.connectionId)).is_ready_to_migrate).toBe(true);
  });

  it("refuses with no connection to migrate from, and explains another migration in progress", async () => {
    await start(0);
    const none = await runMigration(deps(), { tenant }).catch((e: unknown) => e);
    expect((none as MigrationRefusedError).problems[0]).toMatch(/nothing to migrate from/);

    await uploadLegacyChart(r.client);
    const other = await r.client.createConnection({
      remote_provider_name: "Other Integrator",
      is_active: false,
    });
    await r.client.markReadyToMigrate(other.id);
    const err = await runMigration(deps(), { tenant }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationRefusedError);
    expect((err as MigrationRefusedError).step).toBe("preconditions");
    expect((err as MigrationRefusedError).problems).toEqual([
      expect.stringMatching(/Another ERP migration is already in progress \(connection .*Other Integrator\)/),
    ]);
  });

  it("runs end to end: backup, inactive connection, full preload, ready; the switch; then a push has no chart left to upload", async () => {
    await start(0);
    const legacy = await uploadLegacyChart(r.client);
    const res = await runMigration(deps(), { tenant });
    expect(res.steps.map((s) => s.step)).toEqual([
      "preflight",
      "backup",
      "connection",
      "preload",
      "preconditions",
      "ready",
    ]);
    expect(res.preload?.failures).toEqual([]);
    expect(res.nextStep).toMatch(/Switch Providers, pick "Demo Journal"/);

    const backup = JSON.parse(await readFile(res.backupLocation ?? "", "utf8")) as ChartBackup;
    expect(backup.connection?.id).toBe(legacy.connectionId);
    expect((backup.glAccounts as { id: string }[]).map((a) => a.id).sort()).toEqual(["L-6100", "L-6200"]);
    expect(backup.fields[0]?.options).toHaveLength(2);
    expect(backup.vendors).toHaveLength(1);

    const target = await r.client.getConnection(res.connectionId);
    expect(target).toMatchObject({ is_active: false, connection_type: "API", is_ready_to_migrate: true });
    expect(target.settings?.vendor_credits_enabled).toBe(true);
    const on = { accountingConnectionId: res.connectionId };
    const surface = await erp.readSurface();
    expect((await collect(r.client.listGlAccounts(on))).map((a) => a.id).sort()).toEqual(
      surface.glAccounts
        .filter((a) => a.active)
        .map((a) => a.remoteId)
        .sort(),
    );
    expect(await collect(r.client.listAccountingVendors(on))).toHaveLength(surface.vendors.length);
    expect(await collect(r.client.listTaxRates(res.connectionId))).toHaveLength(2);
    expect(await collect(r.client.listTaxCodeOptions(on))).toHaveLength(2);
    // The old, still-active connection's chart is untouched.
    expect((await collect(r.client.listGlAccounts())).map((a) => a.id).sort()).toEqual(["L-6100", "L-6200"]);

    // A rerun after success changes nothing.
    await r.resetCounters();
    const again = await runMigration(deps(), { tenant });
    expect(again.steps).toEqual([{ step: "ready", outcome: expect.stringMatching(/already marked ready/) }]);
    expect(await r.writeCalls()).toEqual({});

    // The customer switches providers in Ramp's UI; our connection is now the active one.
    await r.control("POST", `/connections/${res.connectionId}/switch`);
    await r.resetCounters();
    const push = await pushCoa(
      { client: r.client, erp },
      { tenant: { ...tenant, ramp: { ...tenant.ramp, connectionId: res.connectionId } } },
    );
    expect(push.connection?.action).toBe("existing");
    // Only Ramp-vendor links may remain to do: the chart itself was preloaded.
    expect(push.operations.filter((o) => o.op !== "link_vendor")).toEqual([]);
  });

  it("resumes after a crash mid-preload: same connection, no duplicates, then ready", async () => {
    await start(0);
    await r.control("POST", "/direct-connection", { name: "QuickBooks Online" });
    let vendorPosts = 0;
    const dying: typeof fetch = async (input, init) => {
      if (
        (init?.method ?? "GET") === "POST" &&
        String(input).endsWith("/accounting/vendors") &&
        ++vendorPosts >= 1
      )
        throw new Error("process killed");
      return fetch(input, init);
    };
    await expect(runMigration(deps(r.clientWith(dying)), { tenant })).rejects.toThrow();
    const afterCrash = await r.client.allConnections();
    const inactive = afterCrash.filter((c) => !c.is_active);
    expect(inactive).toHaveLength(1);
    const id = inactive[0]?.id ?? "";
    const glBefore = await collect(r.client.listGlAccounts({ accountingConnectionId: id }));
    expect(glBefore.length).toBeGreaterThan(0);
    expect(await collect(r.client.listAccountingVendors({ accountingConnectionId: id }))).toHaveLength(0);

    const res = await runMigration(deps(), { tenant });
    expect(res.connectionId).toBe(id);
    expect(res.steps.find((s) => s.step === "connection")?.outcome).toMatch(/reusing inactive connection/);
    expect(res.preload?.created.gl_accounts).toBe(0);
    expect(res.preload?.created.vendors).toBe(9);
    const all = await r.client.allConnections();
    expect(all.filter((c) => !c.is_active)).toHaveLength(1);
    expect(all.find((c) => c.is_active)?.connection_type).toBe("DIRECT");
    const gl = await collect(r.client.listGlAccounts({ accountingConnectionId: id }));
    expect(new Set(gl.map((a) => a.id)).size).toBe(gl.length);
    expect(gl).toHaveLength(glBefore.length);
    expect((await r.client.getConnection(id)).is_ready_to_migrate).toBe(true);
    expect(total(await r.writeCalls())).toBeGreaterThan(0);
  });
});
