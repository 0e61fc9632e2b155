/**
 * The guide's "Lifecycle: delete vs. hide" table as the sandbox enforces it on coded objects:
 * existing codings are preserved either way; a deleted item cannot be synced, a hidden option
 * can; neither can be picked for new coding. And an entity-scoped tax code is refused on another
 * entity's object.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test, read loosely on purpose
type J = Record<string, any>;

describe("sandbox: codings on deleted, hidden and entity-scoped items", () => {
  let h: Harness;
  let chart: Awaited<ReturnType<typeof uploadChart>>;
  let key = 0;
  beforeEach(async () => {
    h = await harness({ transactions: 6, bills: 0, reimbursements: 0, transfers: 0, cashbacks: 0 });
    await connect(h);
    chart = await uploadChart(h);
    const code = await h.control("POST", "/code", { seed: 3 });
    if (code.status !== 200) throw new Error(`code-ready failed: ${code.text}`);
  });
  afterEach(() => h.close());

  const ready = async () =>
    (await h.api<{ data: J[] }>("GET", "/transactions?sync_status=SYNC_READY&page_size=100")).body.data;
  const lineSelections = (t: J): J[] => t.line_items.flatMap((l: J) => l.accounting_field_selections);
  const succeed = (id: string) =>
    h.api<J>("POST", "/accounting/syncs", {
      body: {
        idempotency_key: `k${++key}`,
        sync_type: "TRANSACTION_SYNC",
        successful_syncs: [{ id, reference_id: `JE-${key}` }],
      },
    });
  const code = (id: string, optionId: string) =>
    h.api<J>("POST", "/accounting/codings", {
      body: {
        object_type: "TRANSACTION",
        object_id: id,
        accounting_field_selections: [{ accounting_field_option_id: optionId }],
      },
    });

  it("a deleted GL account keeps its codings, cannot be picked, and its objects cannot be synced until reactivated", async () => {
    const t = (await ready())[0] as J;
    const gl = lineSelections(t).find((s) => s.type === "GL_ACCOUNT") as J;
    expect((await h.api("DELETE", `/accounting/accounts/${gl.id}`)).status).toBe(204);

    const after = (await h.api<J>("GET", `/transactions/${t.id}`)).body;
    expect(lineSelections(after).find((s) => s.type === "GL_ACCOUNT")).toMatchObject({
      id: gl.id,
      external_id: gl.external_id,
    });
    expect((await code(t.id, gl.id)).status).toBe(422);

    const refused = await succeed(t.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error_v2.additional_info.refused).toEqual([
      { id: t.id, reason: "INACTIVE_CODING", message: expect.stringContaining(gl.external_id) },
    ]);
    // Telling the user it failed still goes through: that is how they learn to recode.
    const failed = await h.api("POST", "/accounting/syncs", {
      body: {
        idempotency_key: "told",
        sync_type: "TRANSACTION_SYNC",
        failed_syncs: [{ id: t.id, error: { message: "GL account deleted. Recode and retry." } }],
      },
    });
    expect(failed.status).toBe(201);

    await h.api("PATCH", `/accounting/accounts/${gl.id}`, { body: { reactivate: true } });
    expect((await succeed(t.id)).status).toBe(201);
  });

  it("a hidden option keeps its codings and stays syncable, but cannot be picked", async () => {
    const t = (await ready())[0] as J;
    const dept = lineSelections(t).find((s) => s.category_info.id === chart.field.ramp_id) as J;
    await h.api("PATCH", `/accounting/field-options/${dept.id}`, { body: { visibility: "HIDDEN" } });
    const after = (await h.api<J>("GET", `/transactions/${t.id}`)).body;
    expect(lineSelections(after).map((s) => s.id)).toContain(dept.id);
    expect((await code(t.id, dept.id)).status).toBe(422);
    expect((await succeed(t.id)).status).toBe(201);
  });

  it("an option of a deleted field cannot be synced; POSTing the field again brings it back", async () => {
    const t = (await ready())[0] as J;
    expect(lineSelections(t).some((s) => s.category_info.id === chart.field.ramp_id)).toBe(true);
    await h.api("DELETE", `/accounting/fields/${chart.field.ramp_id}`);
    expect((await succeed(t.id)).body.error_v2.additional_info.refused[0].reason).toBe("INACTIVE_CODING");
    const back = await h.api<J>("POST", "/accounting/fields", {
      body: { id: "dept", name: "Department", input_type: "SINGLE_CHOICE" },
    });
    expect(back.body.ramp_id).toBe(chart.field.ramp_id);
    expect((await succeed(t.id)).status).toBe(201);
  });

  it("a tax code scoped to one entity is refused on another entity's object", async () => {
    const entities = (await h.control<J[]>("GET", "/entities")).body;
    const e = entities[0] as J;
    await h.control("PUT", `/entities/${e.id}`, { remote_id: "us" });
    const gl = chart.gl.find((g) => g.id === "2000") as J;
    await h.api("POST", "/accounting/tax/rates", {
      body: { tax_rates: [{ id: "R", name: "VAT", rate: "0.2", accounting_gl_account_id: gl.ramp_id }] },
    });
    await h.api("POST", "/accounting/tax/code", { body: { name: "Tax Code" } });
    const options = await h.api<{ options: J[] }>("POST", "/accounting/tax/code/options", {
      body: {
        options: [
          { id: "uk:S", name: "UK standard", tax_rate_ids: ["R"], entity_remote_ids: ["uk"] },
          { id: "us:S", name: "US standard", tax_rate_ids: ["R"], entity_remote_ids: ["us"] },
        ],
      },
    });
    const byId = new Map(options.body.options.map((o) => [o.id, o.ramp_id as string]));
    const t = (await ready()).find((x) => x.entity_id === e.id) as J;

    const cross = await code(t.id, byId.get("uk:S") as string);
    expect(cross.status).toBe(422);
    expect(cross.body.error_v2.message).toContain("not available to entity us");
    const own = await code(t.id, byId.get("us:S") as string);
    expect(own.status).toBe(200);
    expect(own.body.accounting_field_selections.find((s: J) => s.type === "TAX_CODE")).toMatchObject({
      external_id: "us:S",
    });
  });
});
