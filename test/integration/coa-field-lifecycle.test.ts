/**
 * A custom field's whole lifecycle through coa-push, against the sandbox over HTTP: a field
 * gone from the ERP is hidden option by option (the default) or deleted, by the tenant's
 * `coa.fieldRemoval`; it comes back under the same Ramp id when the ERP has it again. And tax
 * code options carry their company's entity scope like every other company item. The snapshot of
 * what was pushed lives in the real repository on DynamoDB Local.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SnapshotStore } from "../../lib/coa/push.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { CodingSurface } from "../../lib/erp/port.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { coaPusher } from "../support/coa-pusher.js";
import { freshTable } from "../support/dynamo-client.js";
import { defaults } from "../unit/mapping-fixtures.js";
import { collect, type SandboxRamp, sandboxRamp } from "./coa-harness.js";

function surfaceOf(keys: string[]): CodingSurface {
  return {
    companies: keys.map((key, i) => ({ key, erpId: String(i + 1), name: key, currency: "USD" })),
    glAccounts: keys.flatMap((k) => [
      {
        remoteId: `${k}:6100`,
        companyKey: k,
        code: "6100",
        name: "Travel",
        classification: "EXPENSE",
        active: true,
      },
      {
        remoteId: `${k}:2300`,
        companyKey: k,
        code: "2300",
        name: "Tax payable",
        classification: "LIABILITY",
        active: true,
      },
    ]),
    fields: [
      {
        remoteId: "field:project",
        name: "Project",
        options: keys.flatMap((k) => [
          { remoteId: `${k}:p1`, companyKey: k, value: "Apollo", code: "AP", active: true },
          { remoteId: `${k}:p2`, companyKey: k, value: "Gemini", code: "GE", active: true },
        ]),
      },
    ],
    vendors: [],
    taxRates: keys.map((k) => ({
      remoteId: `${k}:r1`,
      companyKey: k,
      name: `${k} VAT`,
      rate: "0.2",
      glAccountRemoteId: `${k}:2300`,
      active: true,
    })),
    taxCodes: keys.map((k) => ({
      remoteId: `${k}:c1`,
      companyKey: k,
      name: `${k} standard`,
      taxRateRemoteIds: [`${k}:r1`],
      active: true,
    })),
  };
}

describe("coa-push: custom field lifecycle and tax-code scope (sandbox over HTTP)", () => {
  let r: SandboxRamp;
  let surface: CodingSurface;
  let tenant: TenantConfig;
  let snapshots: SnapshotStore;
  const erp = { readSurface: async () => structuredClone(surface) };
  /** One push; the connection id Ramp hands back is kept for the next. */
  const push = async () => {
    const pusher = coaPusher({ client: r.client, erp, snapshots }, tenant);
    const res = await pusher.push();
    tenant = pusher.tenant;
    return res;
  };
  const tenantOf = (keys: string[], fieldRemoval?: "hide-options" | "delete") =>
    parseTenantConfig({
      tenantId: "acme",
      displayName: "Acme",
      ramp: { remoteProviderName: "Acme ERP" },
      erp: { kind: "journal", path: "books.journal" },
      companies: keys.map((key, i) => ({
        key,
        erpCompanyId: String(i + 1),
        currency: "USD",
        defaults: defaults(key),
      })),
      coa: fieldRemoval ? { fieldRemoval } : {},
    });
  const field = async () => (await collect(r.client.listFields())).find((f) => f.id === "field:project");
  const options = async (rampId: string) =>
    (await collect(r.client.listFieldOptions(rampId))).sort((a, b) => a.id.localeCompare(b.id));

  beforeEach(async () => {
    r = await sandboxRamp({ merchants: ["Skyline Air Charter"] });
    const table = await freshTable("coa-lifecycle");
    snapshots = createCoaSnapshots({ doc: table.doc, tableName: table.tableName });
    surface = surfaceOf(["acme"]);
  });
  afterEach(() => r.close());

  it("by default a removed field stays with every option HIDDEN, and comes back VISIBLE under the same ids", async () => {
    tenant = tenantOf(["acme"]);
    expect((await push()).report.failures).toEqual([]);
    const f = await field();
    const before = await options(f!.ramp_id);
    expect(before.map((o) => o.visibility)).toEqual(["VISIBLE", "VISIBLE"]);

    surface.fields = [];
    const removed = await push();
    expect(removed.report.hidden).toBe(2);
    expect((await field())?.is_active).toBe(true);
    expect((await options(f!.ramp_id)).map((o) => [o.id, o.is_active, o.visibility])).toEqual([
      ["acme:p1", true, "HIDDEN"],
      ["acme:p2", true, "HIDDEN"],
    ]);
    expect((await push()).operations).toEqual([]);

    surface = surfaceOf(["acme"]);
    const back = await push();
    expect(back.report.unhidden).toBe(2);
    const again = await options(f!.ramp_id);
    expect(again.map((o) => [o.ramp_id, o.visibility])).toEqual(before.map((o) => [o.ramp_id, "VISIBLE"]));
  });

  it("with fieldRemoval: delete the field is deactivated, and POSTing the same id brings it back", async () => {
    tenant = tenantOf(["acme"], "delete");
    await push();
    const f = await field();
    surface.fields = [];
    expect((await push()).report.deleted).toBe(1);
    expect((await field())?.is_active).toBe(false);
    expect((await push()).operations).toEqual([]);

    surface = surfaceOf(["acme"]);
    const back = await push();
    expect(back.report.failures).toEqual([]);
    const revived = await field();
    expect(revived).toMatchObject({ ramp_id: f!.ramp_id, is_active: true });
    expect((await options(f!.ramp_id)).map((o) => o.id)).toEqual(["acme:p1", "acme:p2"]);
  });

  it("tax code options are scoped to their company's entity on a multi-company tenant", async () => {
    tenant = tenantOf(["us", "uk"]);
    surface = surfaceOf(["us", "uk"]);
    expect((await push()).report.failures).toEqual([]);
    const codes = await collect(r.client.listTaxCodeOptions());
    expect(codes.map((c) => [c.id, c.entity_remote_ids]).sort()).toEqual([
      ["uk:c1", ["uk"]],
      ["us:c1", ["us"]],
    ]);
  });
});
