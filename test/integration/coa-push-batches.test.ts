/**
 * coa-push against the sandbox from an ERP whose surface the test controls (a
 * stand-in for the port: remote ids stay stable across renames, as in Tryton),
 * for what a demo journal cannot show: renames, 2,000 options, a 500-item batch
 * with one bad item, a push cut off half-way.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pushCoa } from "../../lib/coa/push.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { CodingSurface, ErpGlAccount, ErpVendor } from "../../lib/erp/port.js";
import { collect, type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const gl = (n: number, name = `Account ${n}`): ErpGlAccount => ({
  remoteId: `acme:${n}`,
  companyKey: "acme",
  code: String(n),
  name,
  classification: "EXPENSE",
  active: true,
});
const vendor = (n: number, name = `Vendor ${n}`): ErpVendor => ({
  remoteId: `acme:v${n}`,
  companyKey: "acme",
  name,
  code: null,
  active: true,
});

function baseSurface(): CodingSurface {
  return {
    companies: [{ key: "acme", erpId: "1", name: "Acme", currency: "USD" }],
    glAccounts: [gl(6100, "Travel"), gl(6200, "Meals"), gl(2300, "Sales tax payable")],
    fields: [
      {
        remoteId: "field:dept",
        name: "Department",
        options: [
          { remoteId: "acme:d1", companyKey: "acme", value: "Engineering", code: "ENG", active: true },
          { remoteId: "acme:d2", companyKey: "acme", value: "Sales", code: "SAL", active: true },
        ],
      },
    ],
    vendors: [vendor(1, "Skyline Air Charter"), vendor(2, "pinecrest  lodge")],
    taxRates: [
      {
        remoteId: "acme:r1",
        companyKey: "acme",
        name: "Sales tax",
        rate: "0.0825",
        glAccountRemoteId: "acme:2300",
        active: true,
      },
    ],
    taxCodes: [
      { remoteId: "acme:c1", companyKey: "acme", name: "TX", taxRateRemoteIds: ["acme:r1"], active: true },
    ],
  };
}

describe("coa-push batches, renames, isolation and resume (sandbox over HTTP)", () => {
  let r: SandboxRamp;
  let surface: CodingSurface;
  let tenant: TenantConfig;
  const erp = { readSurface: async () => structuredClone(surface) };
  const push = (extra: Partial<Parameters<typeof pushCoa>[1]> = {}, client = r.client) =>
    pushCoa(
      {
        client,
        erp,
        onConnectionId: async (id) => {
          tenant = { ...tenant, ramp: { ...tenant.ramp, connectionId: id } };
        },
      },
      { tenant, ...extra },
    );

  beforeEach(async () => {
    r = await sandboxRamp({ merchants: ["Skyline Air Charter", "Pinecrest Lodge"] });
    surface = baseSurface();
    tenant = parseTenantConfig({
      tenantId: "acme",
      displayName: "Acme",
      ramp: { remoteProviderName: "Acme ERP" },
      erp: { kind: "journal", path: "books.journal" },
      companies: [
        {
          key: "acme",
          erpCompanyId: "1",
          currency: "USD",
          defaults: {
            cardLiability: "acme:2000",
            accountsPayable: "acme:2100",
            bank: "acme:1000",
            reimbursementsPayable: "acme:2200",
            cashbackIncome: "acme:4900",
            defaultExpense: "acme:6100",
          },
        },
      ],
    });
  });
  afterEach(() => r.close());

  it("renames (PATCH, same Ramp id), links Ramp vendors, and a single company is not entity-scoped", async () => {
    const first = await push();
    expect(first.report.failures).toEqual([]);
    expect(first.report.linked).toBe(2);
    const before = await r.client.getGlAccount(await firstRampId(r, "acme:6200"));
    expect(before.entity_remote_ids ?? null).toBeNull();

    surface.glAccounts[1] = gl(6200, "Meals & Entertainment");
    surface.fields[0]!.name = "Cost Center";
    surface.fields[0]!.options[0]!.value = "R&D";
    surface.vendors[0] = { ...vendor(1, "Skyline Air"), code: "SKY" };
    surface.taxRates[0]!.rate = "0.0850";
    await r.resetCounters();
    const res = await push();
    expect(res.report.failures).toEqual([]);
    expect(res.report.updated).toBe(5);
    expect(await r.writeCalls()).toEqual({
      "PATCH /developer/v1/accounting/accounts/{gl_account_id}": 1,
      "PATCH /developer/v1/accounting/fields/{field_id}": 1,
      "PATCH /developer/v1/accounting/field-options/{field_option_id}": 1,
      "PATCH /developer/v1/accounting/vendors/{vendor_id}": 1,
      "PATCH /developer/v1/accounting/tax/rates/{tax_rate_id}": 1,
    });
    const after = await r.client.getGlAccount(before.ramp_id);
    expect(after).toMatchObject({ ramp_id: before.ramp_id, name: "Meals & Entertainment" });
    const vendors = await collect(r.client.listAccountingVendors({ remoteId: "acme:v1" }));
    expect(vendors[0]).toMatchObject({ name: "Skyline Air", code: "SKY" });
    // Ramp vendors stay linked to the accounting vendor by remote id across the rename.
    const links = await collect(r.client.listVendors());
    expect(links.map((v) => v.accounting_vendor_remote_id).sort()).toEqual(["acme:v1", "acme:v2"]);
    await r.resetCounters();
    expect((await push()).operations).toEqual([]);
    expect(await r.writeCalls()).toEqual({});
  });

  it("2,000 new options go up in exactly 4 upload calls", async () => {
    await push();
    surface.fields[0]!.options = Array.from({ length: 2_000 }, (_, i) => ({
      remoteId: `acme:opt${i}`,
      companyKey: "acme",
      value: `Project ${i}`,
      code: `P${i}`,
      active: true,
    }));
    await r.resetCounters();
    const res = await push({ optionRemoval: "delete" });
    expect(res.report.created.field_options).toBe(2_000);
    const writes = await r.writeCalls();
    expect(writes["POST /developer/v1/accounting/field-options"]).toBe(4);
    // The two options no longer in the ERP were deleted on request (not hidden).
    expect(writes["DELETE /developer/v1/accounting/field-options/{field_option_id}"]).toBe(2);
    const field = (await collect(r.client.listFields()))[0]!;
    const options = await collect(r.client.listFieldOptions(field.ramp_id, { isActive: true }));
    expect(options).toHaveLength(2_000);
  });

  it("one item Ramp refuses in a 500-item batch: 499 land, the bad one is reported with Ramp's reason", async () => {
    await push();
    // The ERP holds two vendors under one remote id: Ramp refuses the repeat.
    const batch = Array.from({ length: 500 }, (_, i) => vendor(1000 + i));
    batch[317] = { ...vendor(1000 + 42), name: "Duplicate of 42" };
    surface.vendors = [...surface.vendors, ...batch];
    await r.resetCounters();
    const res = await push();
    expect(res.report.created.vendors).toBe(499);
    expect(res.report.failures).toEqual([
      expect.objectContaining({
        list: "vendors",
        op: "create_vendors",
        remoteId: "acme:v1042",
        code: "DEVELOPER_7001",
        reason: expect.stringMatching(/already exists/),
      }),
    ]);
    const landed = await collect(r.client.listAccountingVendors());
    expect(landed).toHaveLength(2 + 499);
    expect(landed.find((v) => v.id === "acme:v1042")?.name).toBe("Vendor 1042");
    // Isolated around the item Ramp named: the full batch, the part before, the item, the part after.
    expect((await r.writeCalls())["POST /developer/v1/accounting/vendors"]).toBe(4);
  });

  it("an item our own schema refuses is reported and never sent; the other 499 land in one call", async () => {
    await push();
    const batch = Array.from({ length: 500 }, (_, i) => gl(7000 + i));
    batch[10] = { ...gl(7010), name: "" };
    surface.glAccounts = [...surface.glAccounts, ...batch];
    await r.resetCounters();
    const res = await push();
    expect(res.report.created.gl_accounts).toBe(499);
    expect(res.report.failures).toEqual([
      expect.objectContaining({ list: "gl_accounts", remoteId: "acme:7010", code: null }),
    ]);
    expect((await r.writeCalls())["POST /developer/v1/accounting/accounts"]).toBe(1);
  });

  it("a push cut off half-way resumes on the next run without duplicates", async () => {
    surface.vendors = Array.from({ length: 1_200 }, (_, i) => vendor(i));
    // The "Lambda" dies at its third vendor upload: two chunks of 500 landed.
    let vendorPosts = 0;
    const dying: typeof fetch = async (input, init) => {
      const method = (init?.method ?? "GET").toUpperCase();
      if (method === "POST" && String(input).endsWith("/accounting/vendors") && ++vendorPosts > 2)
        throw new Error("Task timed out after 900.00 seconds");
      return fetch(input, init);
    };
    await expect(push({}, r.clientWith(dying))).rejects.toThrow();
    const partial = await collect(r.client.listAccountingVendors());
    expect(partial).toHaveLength(1_000);

    const res = await push();
    expect(res.report.failures).toEqual([]);
    expect(res.report.created.vendors).toBe(1_200 - partial.length);
    const all = await collect(r.client.listAccountingVendors());
    expect(all).toHaveLength(1_200);
    expect(new Set(all.map((v) => v.id)).size).toBe(1_200);
  });

  it("a clean stop before the deadline leaves the rest for the next run", async () => {
    let asked = 0;
    const res = await push({ shouldStop: () => ++asked > 2 });
    expect(res.report.complete).toBe(false);
    const next = await push();
    expect(next.report.complete).toBe(true);
    await r.resetCounters();
    expect((await push()).operations).toEqual([]);
  });
});

async function firstRampId(r: SandboxRamp, remoteId: string): Promise<string> {
  const [row] = await collect(r.client.listGlAccounts({ remoteId }));
  if (!row) throw new Error(`${remoteId} not in Ramp`);
  return row.ramp_id;
}
