import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTenantConfig, type TenantConfigInput } from "../../lib/config/tenant.js";
import { createErp, JournalErp } from "../../lib/erp/index.js";
import { demoCompanies } from "../../local/demo-journal.js";

const base: Omit<TenantConfigInput, "erp"> = {
  tenantId: "demo",
  displayName: "Demo",
  ramp: { remoteProviderName: "ERP" },
  companies: demoCompanies(),
};

describe("createErp", () => {
  it("builds the journal adapter for a journal tenant, inside <JOURNAL_ROOT>/<tenant>/", async () => {
    const journalRoot = await mkdtemp(join(tmpdir(), "journals-"));
    const erp = await createErp(parseTenantConfig({ ...base, erp: { kind: "journal", path: "x.journal" } }), {
      journalRoot,
    });
    expect(erp).toBeInstanceOf(JournalErp);
    expect(erp.type).toBe("journal");
  });

  it("reads the Tryton password from the secret and refuses without a secret reader", async () => {
    const cfg = parseTenantConfig({
      ...base,
      companies: demoCompanies().map((c, i) => ({ ...c, erpCompanyId: String(i + 1) })),
      erp: {
        kind: "tryton",
        url: "http://127.0.0.1:8000",
        database: "tryton",
        username: "admin",
      },
    });
    await expect(createErp(cfg)).rejects.toThrow(/secret reader/);
    const asked: string[] = [];
    const erp = await createErp(cfg, {
      readSecret: async (id) => {
        asked.push(id);
        return JSON.stringify({ password: "admin" });
      },
    });
    expect(erp.type).toBe("tryton");
    // The tenant's own ERP secret, named after it (lib/config/tenant-secrets.ts).
    expect(asked).toEqual(["ramp-erp-sync/demo/erp"]);
  });
});
