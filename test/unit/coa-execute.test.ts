/**
 * The per-operation executors of coa-push over a fake client (no HTTP): which
 * writer each operation reaches, what the report counts, and which refusals are
 * reported rather than thrown.
 */
import { describe, expect, it } from "vitest";
import { executePlan } from "../../lib/coa/execute.js";
import { linkVendor, reactivate, remove, setVisibility, update } from "../../lib/coa/execute-changes.js";
import { createFieldOptions, createGlAccounts, createTaxRates } from "../../lib/coa/execute-creates.js";
import { startRun } from "../../lib/coa/execute-run.js";
import type { CoaList, CoaOperation } from "../../lib/coa/types.js";
import type { CoaClient } from "../../lib/coa/writers.js";
import { RampApiError } from "../../lib/ramp/errors.js";

type Call = [method: string, ...args: unknown[]];

/** A client whose every method records its call; `fail` makes one method throw instead. */
function fakeClient(fail: Record<string, unknown> = {}) {
  const calls: Call[] = [];
  const client = new Proxy({} as CoaClient, {
    get:
      (_t, method: string) =>
      async (...args: unknown[]) => {
        calls.push([method, ...args]);
        if (method in fail) throw fail[method];
        if (method === "uploadGlAccounts") {
          const batch = args[0] as Array<{ id: string }>;
          return { items: batch.map((b) => ({ id: b.id, ramp_id: `ramp-${b.id}` })), uploaded: [] };
        }
        if (method.startsWith("upload")) return { items: [], uploaded: [] };
        if (method === "createField") return { ramp_id: `ramp-${(args[0] as { id: string }).id}` };
        return undefined;
      },
  });
  return { client, calls };
}

const rampError = (status: number, message = "refused") =>
  new RampApiError(status, "DEVELOPER_7001", message, "trace-9", {}, "PATCH", "/x", {
    error_v2: { error_code: "DEVELOPER_7001", message, additional_info: {} },
  });

const empty = { glAccounts: [], fields: [] };
const LISTS: CoaList[] = [
  "gl_accounts",
  "fields",
  "vendors",
  "field_options",
  "tax_rates",
  "tax_code_options",
];

describe("single-item executors reach the list's own typed writer", () => {
  it("update sends the plan's patch to each list's PATCH method", async () => {
    const expected: Record<CoaList, string> = {
      gl_accounts: "patchGlAccount",
      fields: "patchField",
      vendors: "patchAccountingVendor",
      field_options: "patchFieldOption",
      tax_rates: "patchTaxRate",
      tax_code_options: "patchTaxCodeOption",
    };
    for (const list of LISTS) {
      const { client, calls } = fakeClient();
      const run = startRun(client, empty, undefined);
      await update(run, { op: "update", list, rampId: "r1", remoteId: "x1", patch: { name: "N" } });
      expect(calls).toEqual([[expected[list], "r1", { name: "N" }]]);
      expect(run.report).toMatchObject({ updated: 1, writeCalls: 1, failures: [] });
    }
  });

  it("delete reaches each list's DELETE method", async () => {
    const expected: Record<CoaList, string> = {
      gl_accounts: "deleteGlAccount",
      fields: "deleteField",
      vendors: "deleteAccountingVendor",
      field_options: "deleteFieldOption",
      tax_rates: "deleteTaxRate",
      tax_code_options: "deleteTaxCodeOption",
    };
    for (const list of LISTS) {
      const { client, calls } = fakeClient();
      const run = startRun(client, empty, undefined);
      await remove(run, { op: "delete", list, rampId: "r1", remoteId: "x1" });
      expect(calls).toEqual([[expected[list], "r1"]]);
      expect(run.report.deleted).toBe(1);
    }
  });

  it("reactivate PATCHes reactivate: true, and a reactivated GL account can carry tax rates", async () => {
    for (const list of LISTS.filter((l) => l !== "fields")) {
      const { client, calls } = fakeClient();
      const run = startRun(client, empty, undefined);
      await reactivate(run, { op: "reactivate", list, rampId: "r1", remoteId: "x1" });
      expect(calls[0]?.slice(1)).toEqual(["r1", { reactivate: true }]);
      expect(run.report.reactivated).toBe(1);
      expect(run.glRampIds.get("x1")).toBe(list === "gl_accounts" ? "r1" : undefined);
    }
  });

  it("reactivating a field is not a write of its own: it stops the run", async () => {
    const { client } = fakeClient();
    const run = startRun(client, empty, undefined);
    await expect(
      reactivate(run, { op: "reactivate", list: "fields", rampId: "r1", remoteId: "x1" }),
    ).rejects.toThrow(/create_field/);
  });

  it("Ramp refusing (422) or not finding (404) the item is reported; anything else is thrown", async () => {
    const refused = fakeClient({ patchTaxRate: rampError(422, "rate: must be a decimal") });
    const run = startRun(refused.client, empty, undefined);
    const op = {
      op: "update",
      list: "tax_rates",
      rampId: "r1",
      remoteId: "x1",
      patch: { rate: "x" },
    } as const;
    await update(run, op);
    expect(run.report.updated).toBe(0);
    expect(run.report.writeCalls).toBe(1);
    expect(run.report.failures).toEqual([
      {
        list: "tax_rates",
        op: "update",
        remoteId: "x1",
        reason: "rate: must be a decimal",
        code: "DEVELOPER_7001",
        traceId: "trace-9",
      },
    ]);

    const gone = fakeClient({ deleteTaxCodeOption: rampError(404, "not found") });
    const run2 = startRun(gone.client, empty, undefined);
    await remove(run2, { op: "delete", list: "tax_code_options", rampId: "r2", remoteId: "x2" });
    expect(run2.report.failures.map((f) => [f.remoteId, f.code])).toEqual([["x2", "DEVELOPER_7001"]]);

    const down = fakeClient({ deleteGlAccount: rampError(503, "unavailable") });
    const run3 = startRun(down.client, empty, undefined);
    await expect(
      remove(run3, { op: "delete", list: "gl_accounts", rampId: "r3", remoteId: "x3" }),
    ).rejects.toMatchObject({ status: 503 });
  });

  it("set_visibility counts hidden and unhidden options apart", async () => {
    const { client, calls } = fakeClient();
    const run = startRun(client, empty, undefined);
    await setVisibility(run, { op: "set_visibility", rampId: "o1", remoteId: "x1", visibility: "HIDDEN" });
    await setVisibility(run, { op: "set_visibility", rampId: "o2", remoteId: "x2", visibility: "VISIBLE" });
    expect(calls).toEqual([
      ["patchFieldOption", "o1", { visibility: "HIDDEN" }],
      ["patchFieldOption", "o2", { visibility: "VISIBLE" }],
    ]);
    expect(run.report).toMatchObject({ hidden: 1, unhidden: 1 });
  });

  it("link_vendor never links to an accounting vendor that failed to land", async () => {
    const { client, calls } = fakeClient();
    const run = startRun(client, empty, undefined);
    run.fail({ list: "vendors", op: "create_vendors", remoteId: "v:bad", reason: "refused" });
    await linkVendor(run, { op: "link_vendor", rampVendorId: "rv1", accountingVendorRemoteId: "v:bad" });
    await linkVendor(run, { op: "link_vendor", rampVendorId: "rv2", accountingVendorRemoteId: "v:ok" });
    expect(calls).toEqual([["patchVendor", "rv2", { accounting_vendor_remote_id: "v:ok" }]]);
    expect(run.report.linked).toBe(1);
  });
});

describe("creation executors", () => {
  it("GL accounts created in the run resolve the tax rates that point at them", async () => {
    const { client, calls } = fakeClient();
    const run = startRun(client, empty, "conn-2");
    await createGlAccounts(run, {
      op: "create_gl_accounts",
      items: [
        { remoteId: "gl:1", name: "Tax", code: null, classification: "LIABILITY", entityRemoteIds: null },
      ],
    });
    await createTaxRates(run, {
      op: "create_tax_rates",
      items: [
        { remoteId: "t:1", name: "GST", rate: "0.1", glAccountRemoteId: "gl:1" },
        { remoteId: "t:2", name: "PST", rate: "0.07", glAccountRemoteId: "gl:missing" },
        { remoteId: "t:3", name: "None", rate: "0", glAccountRemoteId: null },
      ],
    });
    expect(calls[0]).toEqual([
      "uploadGlAccounts",
      [{ id: "gl:1", name: "Tax", classification: "LIABILITY" }],
      "conn-2",
    ]);
    expect(calls[1]).toEqual([
      "uploadTaxRates",
      [{ id: "t:1", name: "GST", rate: "0.1", accounting_gl_account_id: "ramp-gl:1" }],
      "conn-2",
    ]);
    expect(run.report.created).toMatchObject({ gl_accounts: 1, tax_rates: 1 });
    expect(run.report.failures.map((f) => [f.remoteId, f.reason])).toEqual([
      ["t:2", "its GL account gl:missing is not active in Ramp"],
      ["t:3", "it has no GL account, which Ramp requires for API connections"],
    ]);
  });

  it("options of a field that is not in Ramp are reported, never sent", async () => {
    const { client, calls } = fakeClient();
    const run = startRun(client, empty, undefined);
    await createFieldOptions(run, {
      op: "create_field_options",
      fieldRemoteId: "field:DEPT",
      items: [{ remoteId: "o:1", value: "Eng", code: null, entityRemoteIds: null }],
    });
    expect(calls).toEqual([]);
    expect(run.report.failures).toMatchObject([
      { remoteId: "o:1", reason: "field field:DEPT is not in Ramp" },
    ]);
  });
});

describe("executePlan", () => {
  it("runs each operation through its executor in order, and stops cleanly when asked", async () => {
    const { client, calls } = fakeClient();
    const ops: CoaOperation[] = [
      { op: "create_field", field: { remoteId: "field:DEPT", name: "Dept" } },
      {
        op: "create_field_options",
        fieldRemoteId: "field:DEPT",
        items: [{ remoteId: "o:1", value: "Eng", code: "E", entityRemoteIds: ["c1"] }],
      },
      { op: "create_tax_code_field", name: "Tax Code" },
      { op: "delete", list: "tax_rates", rampId: "r9", remoteId: "t:9" },
    ];
    let asked = 0;
    const report = await executePlan(client, ops, empty, { shouldStop: () => ++asked > 3 });
    expect(calls.map((c) => c[0])).toEqual(["createField", "uploadFieldOptions", "createTaxCodeField"]);
    expect(calls[1]).toEqual([
      "uploadFieldOptions",
      "ramp-field:DEPT",
      [{ id: "o:1", value: "Eng", code: "E", entity_remote_ids: ["c1"] }],
      undefined,
    ]);
    expect(report).toMatchObject({ complete: false, taxCodeFieldCreated: true, writeCalls: 3 });
    expect(report.created).toMatchObject({ fields: 1, field_options: 1 });
  });
});
