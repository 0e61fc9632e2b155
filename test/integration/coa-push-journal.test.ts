/**
 * coa-push from the journal ERP into the Ramp sandbox, over real HTTP, with the
 * snapshot in DynamoDB Local. Changes are made the way a customer makes them:
 * by editing the journal file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { pushCoa } from "../../lib/coa/push.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import { createJournalErp } from "../../lib/erp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { freshTable } from "../support/dynamo-client.js";
import { demoJournalTenant, editJournal, freshDemoJournal } from "./coa-demo-journal.js";
import { type SandboxRamp, sandboxRamp, total } from "./coa-harness.js";

type Row = { ramp_id: string; id: string; is_active: boolean } & Record<string, unknown>;

describe("coa-push: journal ERP → Ramp sandbox", () => {
  let r: SandboxRamp;
  let path: string;
  let tenant: TenantConfig;
  let deps: Parameters<typeof pushCoa>[0];
  const list = async (p: string): Promise<Row[]> => {
    const out: Row[] = [];
    let next: string | null = `${r.sb.url}/developer/v1${p}${p.includes("?") ? "&" : "?"}page_size=100`;
    while (next) {
      const page = (await r.client.http.request({
        method: "GET",
        path: next.replace(r.sb.url, ""),
        schema: z.any(),
      })) as {
        data: Row[];
        page: { next: string | null };
      };
      out.push(...page.data);
      next = page.page?.next ?? null;
    }
    return out;
  };
  const edit = (from: string | RegExp, to: string) => editJournal(path, from, to);
  const push = () => pushCoa(deps, { tenant });

  beforeAll(async () => {
    r = await sandboxRamp({ merchants: ["Deutsche Bahn", "Office Depot", "Nobody We Know"] });
    path = await freshDemoJournal("coa-journal-");
    tenant = demoJournalTenant();
    const table = await freshTable("coa");
    deps = {
      client: r.client,
      erp: createJournalErp(path),
      snapshots: createCoaSnapshots({ doc: table.doc, tableName: table.tableName }),
      onConnectionId: async (id) => {
        tenant = { ...tenant, ramp: { ...tenant.ramp, connectionId: id } };
      },
    };
  });
  afterAll(() => r.close());

  it("first push creates the connection and lands every item with the right ids and scoping", async () => {
    const res = await push();
    expect(res.connection?.action).toBe("created");
    expect(res.report.failures).toEqual([]);
    expect(res.snapshotSaved).toBe(true);
    const erp = await deps.erp.readSurface();

    const gl = await list("/accounting/accounts");
    const active = erp.glAccounts.filter((a) => a.active);
    expect(gl.map((a) => a.id).sort()).toEqual(active.map((a) => a.remoteId).sort());
    for (const a of active) {
      expect(gl.find((g) => g.id === a.remoteId)).toMatchObject({
        name: a.name,
        code: a.code,
        classification: a.classification,
        entity_remote_ids: [a.companyKey],
        is_active: true,
      });
    }
    expect(gl.some((a) => a.id === "demo:Expenses:Advertising")).toBe(false);

    const fields = await list("/accounting/fields");
    expect(fields.map((f) => [f.id, f.name])).toEqual([["field:department", "Department"]]);
    const options = await list(`/accounting/field-options?field_id=${fields[0]?.ramp_id}`);
    expect(options.map((o) => o.id).sort()).toEqual(
      [
        "demo-eu:department/Engineering",
        "demo:department/Engineering",
        "demo:department/Operations",
        "demo:department/Sales",
      ].sort(),
    );
    expect(options.find((o) => o.id === "demo:department/Sales")).toMatchObject({
      value: "Sales",
      code: "SAL",
      entity_remote_ids: ["demo"],
    });

    const vendors = await list("/accounting/vendors");
    expect(vendors.map((v) => v.id).sort()).toEqual(erp.vendors.map((v) => v.remoteId).sort());

    const rates = await list("/accounting/tax/rates");
    const glRamp = (remoteId: string) => gl.find((a) => a.id === remoteId)?.ramp_id;
    expect(rates.map((t) => [t.id, t.rate, t.accounting_gl_account_id]).sort()).toEqual(
      [
        ["demo-eu:taxrate/VAT19", "0.19", glRamp("demo-eu:Liabilities:VAT Payable")],
        ["demo:taxrate/SALES10", "0.10", glRamp("demo:Liabilities:Sales Tax Payable")],
      ].sort(),
    );
    const codes = await list("/accounting/tax/code/options");
    expect(codes.map((c) => [c.id, c.tax_rate_ids]).sort()).toEqual(
      [
        ["demo-eu:tax/VAT19", ["demo-eu:taxrate/VAT19"]],
        ["demo:tax/SALES10", ["demo:taxrate/SALES10"]],
      ].sort(),
    );

    // Ramp vendors linked by unambiguous name only ("Office Depot" exists in both companies).
    const ramp = await list("/vendors");
    expect(Object.fromEntries(ramp.map((v) => [v.name, v.accounting_vendor_remote_id]))).toEqual({
      "Deutsche Bahn": "demo-eu:Deutsche Bahn",
      "Office Depot": null,
      "Nobody We Know": null,
    });
    expect(res.report.linked).toBe(1);
  });

  it("a second push with no change makes zero write calls", async () => {
    await r.resetCounters();
    const res = await push();
    expect(res.operations).toEqual([]);
    expect(res.report.writeCalls).toBe(0);
    expect(await r.writeCalls()).toEqual({});
    expect(total(await r.calls())).toBeGreaterThan(0);
  });

  it("re-codes, deactivates, hides, then reactivates and unhides what returns", async () => {
    await edit(/Expenses:Travel {2}; type: X, code: 6200/g, "Expenses:Travel  ; type: X, code: 6210");
    await edit(
      "demo:Expenses:Software  ; type: X, code: 6300",
      "demo:Expenses:Software  ; type: X, code: 6300, inactive: true",
    );
    await edit(
      "; ramp-option: demo | department | Sales | SAL",
      "; ramp-option: demo | department | Sales | SAL | inactive",
    );
    await r.resetCounters();
    const res = await push();
    expect(res.report.failures).toEqual([]);
    expect(res.report).toMatchObject({ updated: 2, deleted: 1, hidden: 1 });
    const gl = await list("/accounting/accounts");
    expect(
      gl
        .filter((a) => a.code === "6210")
        .map((a) => a.id)
        .sort(),
    ).toEqual(["demo-eu:Expenses:Travel", "demo:Expenses:Travel"]);
    expect(gl.find((a) => a.id === "demo:Expenses:Software")?.is_active).toBe(false);
    const field = (await list("/accounting/fields"))[0];
    const sales = (await list(`/accounting/field-options?field_id=${field?.ramp_id}`)).find(
      (o) => o.id === "demo:department/Sales",
    );
    // Hidden, not deleted: history coded to it stays syncable.
    expect(sales).toMatchObject({ visibility: "HIDDEN", is_active: true });
    expect(await r.writeCalls()).toEqual({
      "PATCH /developer/v1/accounting/accounts/{gl_account_id}": 2,
      "DELETE /developer/v1/accounting/accounts/{gl_account_id}": 1,
      "PATCH /developer/v1/accounting/field-options/{field_option_id}": 1,
    });

    await edit("code: 6300, inactive: true", "code: 6300");
    await edit("| Sales | SAL | inactive", "| Sales | SAL");
    const back = await push();
    expect(back.report).toMatchObject({ reactivated: 1, unhidden: 1, failures: [] });
    const again = await list("/accounting/accounts?remote_id=demo:Expenses:Software");
    expect(again[0]?.is_active).toBe(true);

    await r.resetCounters();
    expect((await push()).operations).toEqual([]);
    expect(await r.writeCalls()).toEqual({});
  });

  it("a direct connection active: nothing is written, the error says why", async () => {
    await edit("code: 6210", "code: 6220");
    await r.control("POST", "/direct-connection", { name: "NetSuite" });
    await r.resetCounters();
    const err = await push().catch((e: unknown) => e);
    expect(String(err)).toMatch(/direct accounting connection \(NetSuite\) is active/);
    expect(String(err)).toMatch(/nothing was written/);
    expect(await r.writeCalls()).toEqual({});
  });
});
