import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

type Err = { error_v2: { error_code: string; message: string; additional_info: Record<string, unknown> } };
type Row = Record<string, unknown> & { ramp_id: string; id: string; is_active: boolean };

describe("sandbox chart of accounts", () => {
  let h: Harness;
  let chart: Awaited<ReturnType<typeof uploadChart>>;
  beforeAll(async () => {
    h = await harness({ transactions: 2 });
    await connect(h);
    chart = await uploadChart(h);
  });
  afterAll(() => h.close());

  it("uploads GL accounts and answers 201 with the created items and their ramp ids", () => {
    expect(chart.gl).toHaveLength(3);
    for (const a of chart.gl) expect(a.ramp_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts 1–500 items per batch: 0 and 501 are 422", async () => {
    const empty = await h.api<Err>("POST", "/accounting/accounts", { body: { gl_accounts: [] } });
    expect(empty.status).toBe(422);
    expect(empty.body.error_v2.error_code).toBe("DEVELOPER_7001");
    const many = Array.from({ length: 501 }, (_, i) => ({
      id: `X${i}`,
      name: `X${i}`,
      classification: "EXPENSE",
    }));
    expect((await h.api("POST", "/accounting/accounts", { body: { gl_accounts: many } })).status).toBe(422);
    const ok = await h.api<{ gl_accounts: Row[] }>("POST", "/accounting/vendors", {
      body: { vendors: Array.from({ length: 500 }, (_, i) => ({ id: `BULK${i}`, name: `Bulk ${i}` })) },
    });
    expect(ok.status).toBe(201);
  });

  it("is all-or-nothing and names the bad item", async () => {
    const r = await h.api<Err>("POST", "/accounting/accounts", {
      body: {
        gl_accounts: [
          { id: "7000", name: "Fine", classification: "EXPENSE" },
          { id: "7001", name: "Bad", classification: "NOT_A_CLASS" },
        ],
      },
    });
    expect(r.status).toBe(422);
    expect(r.body.error_v2.message).toContain("gl_accounts[1]");
    expect(r.body.error_v2.additional_info).toHaveProperty(["gl_accounts[1].classification"]);
    const list = await h.api<{ data: Row[] }>("GET", "/accounting/accounts?remote_id=7000");
    expect(list.body.data).toHaveLength(0);
  });

  it("refuses remote ids that already exist or repeat within the batch", async () => {
    const dup = await h.api<Err>("POST", "/accounting/accounts", {
      body: { gl_accounts: [{ id: "6100", name: "Again", classification: "EXPENSE" }] },
    });
    expect(dup.status).toBe(422);
    expect(dup.body.error_v2.message).toMatch(/already exists/);
    const twice = await h.api<Err>("POST", "/accounting/vendors", {
      body: {
        vendors: [
          { id: "Z", name: "Z" },
          { id: "Z", name: "Z again" },
        ],
      },
    });
    expect(twice.status).toBe(422);
    expect(twice.body.error_v2.message).toContain("vendors[1]");
  });

  it("DELETE deactivates, PATCH reactivate restores, only the literal true is accepted", async () => {
    const gl = chart.gl[1] as Row;
    expect((await h.api("DELETE", `/accounting/accounts/${gl.ramp_id}`)).status).toBe(204);
    expect((await h.api<Row>("GET", `/accounting/accounts/${gl.ramp_id}`)).body.is_active).toBe(false);
    const inactive = await h.api<{ data: Row[] }>("GET", "/accounting/accounts?is_active=false");
    expect(inactive.body.data.map((a) => a.ramp_id)).toEqual([gl.ramp_id]);
    expect(
      (await h.api("PATCH", `/accounting/accounts/${gl.ramp_id}`, { body: { reactivate: false } })).status,
    ).toBe(422);
    const back = await h.api<Row>("PATCH", `/accounting/accounts/${gl.ramp_id}`, {
      body: { reactivate: true, code: "" },
    });
    expect(back.body.is_active).toBe(true);
    expect(back.body.code).toBeUndefined();
    expect((await h.api("GET", "/accounting/accounts/00000000-0000-4000-8000-000000000000")).status).toBe(
      404,
    );
  });

  it("filters lists by remote_id, is_active and code", async () => {
    const r = await h.api<{ data: Row[] }>("GET", "/accounting/accounts?code=6100");
    expect(r.body.data.map((a) => a.id)).toEqual(["6100"]);
    const v = await h.api<{ data: Row[] }>("GET", "/accounting/vendors?remote_id=V2");
    expect(v.body.data).toHaveLength(1);
    expect(v.body.data[0]?.name).toBe("Skyline Airways");
  });

  it("custom fields are idempotent on their remote id and reactivate when posted again", async () => {
    const field = chart.field as Row;
    expect((await h.api("DELETE", `/accounting/fields/${field.ramp_id}`)).status).toBe(204);
    const again = await h.api<Row>("POST", "/accounting/fields", {
      body: { id: "dept", name: "Department", input_type: "SINGLE_CHOICE" },
    });
    expect(again.status).toBe(201);
    expect(again.body.ramp_id).toBe(field.ramp_id);
    expect(again.body.is_active).toBe(true);
    const bad = await h.api("POST", "/accounting/fields", {
      body: { id: "x", name: "X", input_type: "DROPDOWN" },
    });
    expect(bad.status).toBe(422);
  });

  it("field options need field_id, and visibility hides without deactivating", async () => {
    expect((await h.api("GET", "/accounting/field-options")).status).toBe(422);
    const opt = chart.options[0] as Row;
    const hidden = await h.api<Row>("PATCH", `/accounting/field-options/${opt.ramp_id}`, {
      body: { visibility: "HIDDEN" },
    });
    expect(hidden.body).toMatchObject({ visibility: "HIDDEN", is_active: true });
    const visible = await h.api<{ data: Row[] }>(
      "GET",
      `/accounting/field-options?field_id=${chart.field.ramp_id}&visibility=VISIBLE`,
    );
    expect(visible.body.data.map((o) => o.id)).toEqual(["D20"]);
    await h.api("PATCH", `/accounting/field-options/${opt.ramp_id}`, { body: { visibility: "VISIBLE" } });
    const unknownField = await h.api("POST", "/accounting/field-options", {
      body: { field_id: "00000000-0000-4000-8000-000000000000", options: [{ id: "a", value: "A" }] },
    });
    expect(unknownField.status).toBe(422);
  });

  it("tax: rates need a GL account, options need the tax code field and known rates", async () => {
    const gl = chart.gl[0] as Row;
    const noGl = await h.api("POST", "/accounting/tax/rates", {
      body: { tax_rates: [{ id: "VAT20", name: "VAT 20%", rate: "0.20" }] },
    });
    expect(noGl.status).toBe(422);
    const rates = await h.api<{ tax_rates: Row[] }>("POST", "/accounting/tax/rates", {
      body: {
        tax_rates: [{ id: "VAT20", name: "VAT 20%", rate: 0.2, accounting_gl_account_id: gl.ramp_id }],
      },
    });
    expect(rates.status).toBe(201);
    expect(rates.body.tax_rates[0]?.rate).toBe("0.2");
    const early = await h.api("POST", "/accounting/tax/code/options", {
      body: { options: [{ id: "S", name: "Standard" }] },
    });
    expect(early.status).toBe(400);
    expect((await h.api("POST", "/accounting/tax/code", { body: { name: "Tax Code" } })).status).toBe(201);
    const unknownRate = await h.api("POST", "/accounting/tax/code/options", {
      body: { options: [{ id: "S", name: "Standard", tax_rate_ids: ["NOPE"] }] },
    });
    expect(unknownRate.status).toBe(422);
    const opts = await h.api<{ options: Row[] }>("POST", "/accounting/tax/code/options", {
      body: { options: [{ id: "S", name: "Standard", tax_rate_ids: ["VAT20"] }] },
    });
    expect(opts.status).toBe(201);
    const list = await h.api<{ data: Row[] }>("GET", "/accounting/tax/code/options");
    expect(list.body.data[0]).toMatchObject({ id: "S", tax_rate_ids: ["VAT20"] });
    expect((await h.api<Row>("GET", "/accounting/tax/code")).body.name).toBe("Tax Code");
  });
});
