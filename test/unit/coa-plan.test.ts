import { describe, expect, it } from "vitest";
import { desiredFromSurface } from "../../lib/coa/desired.js";
import { planCoaPush } from "../../lib/coa/plan.js";
import type { DesiredSurface, PushSnapshot, RampCoaItem, RampSurface } from "../../lib/coa/types.js";
import type { CodingSurface } from "../../lib/erp/port.js";

const OPTS: { optionRemoval: "hide" | "delete"; chunkSize: number } = {
  optionRemoval: "hide",
  chunkSize: 500,
};

function erp(overrides: Partial<CodingSurface> = {}): CodingSurface {
  return {
    companies: [{ key: "us", erpId: "1", name: "Acme", currency: "USD" }],
    glAccounts: [
      {
        remoteId: "us:10",
        companyKey: "us",
        code: "6100",
        name: "Travel",
        classification: "EXPENSE",
        active: true,
      },
      {
        remoteId: "us:11",
        companyKey: "us",
        code: "6200",
        name: "Meals",
        classification: "EXPENSE",
        active: true,
      },
    ],
    fields: [
      {
        remoteId: "field:DEPT",
        name: "Department",
        options: [
          { remoteId: "us:2", companyKey: "us", value: "Engineering", code: "ENG", active: true },
          { remoteId: "us:3", companyKey: "us", value: "Sales", code: "SALES", active: true },
        ],
      },
    ],
    vendors: [{ remoteId: "us:p3", companyKey: "us", name: "Delta Air Lines", code: null, active: true }],
    taxRates: [
      {
        remoteId: "us:t1",
        companyKey: "us",
        name: "Purchase 10%",
        rate: "0.10",
        glAccountRemoteId: "us:20",
        active: true,
      },
    ],
    taxCodes: [
      {
        remoteId: "us:t1",
        companyKey: "us",
        name: "Purchase 10%",
        taxRateRemoteIds: ["us:t1"],
        active: true,
      },
    ],
    ...overrides,
  };
}

const item = (
  remoteId: string,
  name: string,
  code: string | null,
  extra: Partial<RampCoaItem> = {},
): RampCoaItem => ({
  rampId: `r-${remoteId}`,
  remoteId,
  name,
  code,
  isActive: true,
  ...extra,
});

/** Ramp holding exactly what `desired` says, as the previous push left it. */
function mirror(d: DesiredSurface): RampSurface {
  return {
    glAccounts: d.glAccounts.map((a) => item(a.remoteId, a.name, a.code)),
    fields: d.fields.map((f) => ({
      rampId: `r-${f.remoteId}`,
      remoteId: f.remoteId,
      name: f.name,
      isActive: true,
      options: f.options.map((o) => item(o.remoteId, o.value, o.code, { visibility: "VISIBLE" })),
    })),
    vendors: d.vendors.map((v) => item(v.remoteId, v.name, v.code)),
    taxRates: d.taxRates.map((r) => item(r.remoteId, r.name, null, { rate: r.rate })),
    taxCodeField: d.taxCodes.length ? { name: d.taxCodeFieldName } : null,
    taxCodeOptions: d.taxCodes.map((c) =>
      item(c.remoteId, c.name, null, { taxRateRemoteIds: c.taxRateRemoteIds }),
    ),
    rampVendors: [],
  };
}

const empty: RampSurface = {
  glAccounts: [],
  fields: [],
  vendors: [],
  taxRates: [],
  taxCodeField: null,
  taxCodeOptions: [],
  rampVendors: [],
};

const plan = (desired: DesiredSurface, current: RampSurface, options = OPTS) =>
  planCoaPush({ desired, current, snapshot: null, ownedPrefixes: ["us:"], options });

describe("planCoaPush", () => {
  it("creates everything on the first push, tax strictly rates → field → options", () => {
    const ops = plan(desiredFromSurface(erp(), { scopeToEntities: false }), empty);
    expect(ops.map((o) => o.op)).toEqual([
      "create_gl_accounts",
      "create_field",
      "create_field_options",
      "create_vendors",
      "create_tax_rates",
      "create_tax_code_field",
      "create_tax_code_options",
    ]);
  });

  it("plans nothing when Ramp already matches the ERP", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: false });
    expect(plan(desired, mirror(desired))).toEqual([]);
  });

  it("renames and re-codes with a PATCH of only what changed", () => {
    const before = desiredFromSurface(erp(), { scopeToEntities: false });
    const surface = erp();
    surface.glAccounts[0] = { ...surface.glAccounts[0]!, name: "Travel & Lodging" };
    surface.fields[0]!.options[1] = { ...surface.fields[0]!.options[1]!, code: "SLS" };
    const ops = plan(desiredFromSurface(surface, { scopeToEntities: false }), mirror(before));
    expect(ops).toEqual([
      {
        op: "update",
        list: "gl_accounts",
        rampId: "r-us:10",
        remoteId: "us:10",
        patch: { name: "Travel & Lodging" },
      },
      { op: "update", list: "field_options", rampId: "r-us:3", remoteId: "us:3", patch: { code: "SLS" } },
    ]);
  });

  it("deletes a deactivated GL account but hides a removed option by default", () => {
    const before = desiredFromSurface(erp(), { scopeToEntities: false });
    const surface = erp();
    surface.glAccounts[1] = { ...surface.glAccounts[1]!, active: false };
    surface.fields[0]!.options.pop();
    const ops = plan(desiredFromSurface(surface, { scopeToEntities: false }), mirror(before));
    expect(ops).toEqual([
      { op: "delete", list: "gl_accounts", rampId: "r-us:11", remoteId: "us:11" },
      { op: "set_visibility", rampId: "r-us:3", remoteId: "us:3", visibility: "HIDDEN" },
    ]);
  });

  it("deletes a removed option when the tenant asks for deletion", () => {
    const before = desiredFromSurface(erp(), { scopeToEntities: false });
    const surface = erp();
    surface.fields[0]!.options.pop();
    const ops = plan(desiredFromSurface(surface, { scopeToEntities: false }), mirror(before), {
      ...OPTS,
      optionRemoval: "delete",
    });
    expect(ops).toEqual([{ op: "delete", list: "field_options", rampId: "r-us:3", remoteId: "us:3" }]);
  });

  it("reactivates what returns and unhides a hidden option", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: false });
    const current = mirror(desired);
    current.glAccounts[0] = { ...current.glAccounts[0]!, isActive: false };
    current.fields[0]!.options[0] = { ...current.fields[0]!.options[0]!, visibility: "HIDDEN" };
    current.fields[0]!.isActive = false;
    expect(plan(desired, current)).toEqual([
      { op: "reactivate", list: "gl_accounts", rampId: "r-us:10", remoteId: "us:10" },
      { op: "set_visibility", rampId: "r-us:2", remoteId: "us:2", visibility: "VISIBLE" },
      { op: "create_field", field: { remoteId: "field:DEPT", name: "Department" } },
    ]);
  });

  describe("a custom field gone from the ERP", () => {
    const before = desiredFromSurface(erp(), { scopeToEntities: false });
    const gone = desiredFromSurface(erp({ fields: [] }), { scopeToEntities: false });
    const snapshot: PushSnapshot = {
      glAccounts: [],
      fieldOptions: { "field:DEPT": ["us:2", "us:3"] },
      vendors: [],
      taxRates: [],
      taxCodes: [],
    };
    const planWith = (current: RampSurface, fieldRemoval?: "hide-options" | "delete", snap = snapshot) =>
      planCoaPush({
        desired: gone,
        current,
        snapshot: snap,
        ownedPrefixes: [],
        options: { ...OPTS, fieldRemoval },
      });

    it("keeps the field with every option hidden by default (history still syncs)", () => {
      expect(planWith(mirror(before))).toEqual([
        { op: "set_visibility", rampId: "r-us:2", remoteId: "us:2", visibility: "HIDDEN" },
        { op: "set_visibility", rampId: "r-us:3", remoteId: "us:3", visibility: "HIDDEN" },
      ]);
    });

    it("deletes the field (is_active: false) when the tenant's policy says delete", () => {
      expect(planWith(mirror(before), "delete")).toEqual([
        { op: "delete", list: "fields", rampId: "r-field:DEPT", remoteId: "field:DEPT" },
      ]);
    });

    it("plans nothing more once the removal has landed", () => {
      const hidden = mirror(before);
      for (const o of hidden.fields[0]!.options) o.visibility = "HIDDEN";
      expect(planWith(hidden)).toEqual([]);
      const deleted = mirror(before);
      deleted.fields[0]!.isActive = false;
      expect(planWith(deleted, "delete")).toEqual([]);
    });

    it("leaves a field we never pushed alone", () => {
      expect(planWith(mirror(before), "delete", { ...snapshot, fieldOptions: {} })).toEqual([]);
    });

    it("comes back with the same id: options unhidden, or the field POSTed again", () => {
      const hidden = mirror(before);
      for (const o of hidden.fields[0]!.options) o.visibility = "HIDDEN";
      expect(
        plan(before, hidden).map((o) => (o.op === "set_visibility" ? [o.remoteId, o.visibility] : o.op)),
      ).toEqual([
        ["us:2", "VISIBLE"],
        ["us:3", "VISIBLE"],
      ]);
      const deleted = mirror(before);
      deleted.fields[0]!.isActive = false;
      expect(plan(before, deleted)).toEqual([
        { op: "create_field", field: { remoteId: "field:DEPT", name: "Department" } },
      ]);
    });
  });

  it("never removes items another integration owns", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: false });
    const current = mirror(desired);
    current.glAccounts.push(item("qbo-77", "Imported by someone else", null));
    expect(plan(desired, current)).toEqual([]);
  });

  it("chunks 2,000 options into exactly 4 upload calls of 500", () => {
    const options = Array.from({ length: 2000 }, (_, i) => ({
      remoteId: `us:o${i}`,
      companyKey: "us",
      value: `Option ${i}`,
      code: null,
      active: true,
    }));
    const surface = erp({ fields: [{ remoteId: "field:CC", name: "Cost Center", options }] });
    const desired = desiredFromSurface(surface, { scopeToEntities: false });
    const current = { ...mirror(desired), fields: [] };
    const uploads = plan(desired, current).filter((o) => o.op === "create_field_options");
    expect(uploads).toHaveLength(4);
    expect(uploads.map((u) => (u.op === "create_field_options" ? u.items.length : 0))).toEqual([
      500, 500, 500, 500,
    ]);
  });

  it("links an unlinked Ramp vendor to the accounting vendor of the same name (vendor-match.ts)", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: false });
    const current = mirror(desired);
    current.rampVendors = [
      { id: "v1", name: "  delta air LINES, Inc. ", accountingVendorRemoteId: null },
      { id: "v2", name: "Unknown Co", accountingVendorRemoteId: null },
      { id: "v3", name: "Delta Air Lines", accountingVendorRemoteId: "elsewhere:x" },
    ];
    expect(plan(desired, current)).toEqual([
      { op: "link_vendor", rampVendorId: "v1", accountingVendorRemoteId: "us:p3" },
    ]);
    // An accounting vendor Ramp has linked already is never linked a second time.
    current.rampVendors[2] = { ...current.rampVendors[2]!, accountingVendorRemoteId: "us:p3" };
    expect(plan(desired, current)).toEqual([]);
  });

  it("scopes items to their company for multi-company tenants", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: true });
    expect(desired.glAccounts[0]?.entityRemoteIds).toEqual(["us"]);
    expect(desiredFromSurface(erp(), { scopeToEntities: false }).glAccounts[0]?.entityRemoteIds).toBeNull();
  });

  it("updates a tax code option whose rates changed", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: false });
    const current = mirror(desired);
    current.taxCodeOptions[0] = { ...current.taxCodeOptions[0]!, taxRateRemoteIds: [] };
    expect(plan(desired, current)).toEqual([
      {
        op: "update",
        list: "tax_code_options",
        rampId: "r-us:t1",
        remoteId: "us:t1",
        patch: { tax_rate_ids: ["us:t1"] },
      },
    ]);
  });
});

describe("planCoaPush: tax rate spelling", () => {
  it("treats 0.10 and 0.1 as the same rate, and PATCHes a real change in canonical form", () => {
    const desired = desiredFromSurface(erp(), { scopeToEntities: false });
    const current = mirror(desired);
    current.taxRates = current.taxRates.map((t) => ({ ...t, rate: "0.1000" }));
    expect(plan(desired, current)).toEqual([]);
    current.taxRates = current.taxRates.map((t) => ({ ...t, rate: "0.2" }));
    expect(plan(desired, current)).toEqual([
      { op: "update", list: "tax_rates", rampId: "r-us:t1", remoteId: "us:t1", patch: { rate: "0.1" } },
    ]);
  });
});
