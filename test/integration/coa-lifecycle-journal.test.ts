/**
 * The chart-of-accounts lifecycle through the journal ERP, edited the way a customer edits it,
 * pushed by coa-push into the sandbox over HTTP: the Department field (`; ramp-field:` and its
 * options) removed from the journal leaves Ramp's selection under each `coa.fieldRemoval` policy
 * and comes back under the same Ramp ids; a GL account deactivated in the journal is deleted in
 * Ramp and reactivated under the same id; a field renamed in the journal is renamed in place.
 * Objects coded before the removal keep their coding throughout.
 */
import { readFile, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { TenantConfig } from "../../lib/config/tenant.js";
import { createJournalErp } from "../../lib/erp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { coaPusher } from "../support/coa-pusher.js";
import { freshTable } from "../support/dynamo-client.js";
import { demoJournalTenant, editJournal, freshDemoJournal } from "./coa-demo-journal.js";
import { collect, type SandboxRamp, sandboxRamp } from "./coa-harness.js";

type Sel = { id: string; type: string; external_id: string; category_info: { id: string } };
type Txn = { id: string; line_items: { accounting_field_selections: Sel[] }[] };

describe("chart lifecycle through the journal ERP", () => {
  let r: SandboxRamp;
  let path: string;
  let tenant: TenantConfig;
  let key = 0;
  afterEach(() => r?.close());

  async function setUp(fieldRemoval: "hide-options" | "delete") {
    r = await sandboxRamp({ transactions: 8, entities: 2, currencies: ["USD", "EUR"] });
    path = await freshDemoJournal("coa-life-");
    const entities = await r.control<Array<{ id: string; currency: string }>>("GET", "/entities");
    const usd = entities.find((e) => e.currency === "USD")?.id as string;
    const eur = entities.find((e) => e.currency === "EUR")?.id as string;
    tenant = demoJournalTenant({
      entities: [
        { rampEntityId: usd, companyKey: "demo" },
        { rampEntityId: eur, companyKey: "demo-eu" },
      ],
      coa: { fieldRemoval },
    });
    const table = await freshTable("coa-life");
    const snapshots = createCoaSnapshots({ doc: table.doc, tableName: table.tableName });
    const erp = createJournalErp(path);
    const pusher = coaPusher({ client: r.client, erp, snapshots }, tenant);
    const push = async () => {
      const res = await pusher.push();
      expect(res.report.failures).toEqual([]);
      return res;
    };
    await push();
    await r.control("POST", "/code", { seed: 4, entity_remote_ids: { [usd]: "demo", [eur]: "demo-eu" } });
    return push;
  }

  const edit = (from: string | RegExp, to: string) => editJournal(path, from, to);
  const field = async () => (await collect(r.client.listFields())).find((f) => f.id === "field:department");
  const options = async (fieldRampId: string) =>
    (await collect(r.client.listFieldOptions(fieldRampId))).sort((a, b) => a.id.localeCompare(b.id));
  const txn = async (id: string) => (await r.control<{ object: Txn }>("GET", `/objects/${id}`)).object;
  const selections = (t: Txn) => t.line_items.flatMap((l) => l.accounting_field_selections);
  /** A ready transaction with a selection of `match`, and that selection. */
  const codedTo = async (match: (s: Sel) => boolean) => {
    for await (const t of r.client.listTransactions({ syncStatus: "SYNC_READY" })) {
      const s = selections(await txn(t.id)).find(match);
      if (s) return { id: t.id, selection: s };
    }
    throw new Error("no ready transaction coded that way");
  };
  async function fetchCoding(objectId: string, optionId: string) {
    return r.client.setTransactionCoding(objectId, [{ accounting_field_option_id: optionId }]);
  }
  const succeed = (id: string) =>
    r.client.postSync({
      idempotency_key: `k${++key}`,
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id, reference_id: `JE-${key}` }],
    });
  const removeField = async () => {
    const text = await readFile(path, "utf8");
    const kept = text.split("\n").filter((l) => !/^; ramp-(field|option): /.test(l));
    await writeFile(path, kept.join("\n"));
    return text;
  };

  it("hide-options: the removed field's options are hidden, coding kept and syncable, and come back visible under the same ids", async () => {
    const push = await setUp("hide-options");
    const f = await field();
    const before = await options(f!.ramp_id);
    const coded = await codedTo((s) => s.category_info.id === f!.ramp_id);

    const original = await removeField();
    expect((await push()).report.hidden).toBe(before.filter((o) => o.visibility === "VISIBLE").length);
    expect((await options(f!.ramp_id)).every((o) => o.visibility === "HIDDEN" && o.is_active)).toBe(true);
    expect(selections(await txn(coded.id)).map((s) => s.id)).toContain(coded.selection.id);
    await expect(fetchCoding(coded.id, coded.selection.id)).rejects.toThrow(/codings → 422/);

    await writeFile(path, original);
    expect((await push()).report.unhidden).toBeGreaterThan(0);
    expect((await field())?.ramp_id).toBe(f!.ramp_id);
    expect((await options(f!.ramp_id)).map((o) => [o.ramp_id, o.visibility])).toEqual(
      before.map((o) => [o.ramp_id, o.visibility]),
    );
    expect(selections(await txn(coded.id)).map((s) => s.id)).toContain(coded.selection.id);
    expect((await succeed(coded.id)).outcome).toBe("accepted");
  });

  it("delete: the removed field is deactivated, its coded objects cannot be synced, and it returns under the same id", async () => {
    const push = await setUp("delete");
    const f = await field();
    const before = await options(f!.ramp_id);
    const coded = await codedTo((s) => s.category_info.id === f!.ramp_id);

    const original = await removeField();
    expect((await push()).report.deleted).toBe(1);
    expect((await field())?.is_active).toBe(false);
    expect(selections(await txn(coded.id)).map((s) => s.id)).toContain(coded.selection.id);
    const refused = await succeed(coded.id);
    expect(refused).toMatchObject({
      outcome: "refused",
      refused: [{ id: coded.id, reason: "INACTIVE_CODING" }],
    });

    await writeFile(path, original);
    await push();
    expect(await field()).toMatchObject({ ramp_id: f!.ramp_id, is_active: true });
    expect((await options(f!.ramp_id)).map((o) => o.ramp_id)).toEqual(before.map((o) => o.ramp_id));
    expect((await succeed(coded.id)).outcome).toBe("accepted");
  });

  it("a GL account deactivated in the journal is deleted and reactivated under the same id; a field rename is in place", async () => {
    const push = await setUp("hide-options");
    const coded = await codedTo((s) => s.type === "GL_ACCOUNT");
    const account = coded.selection.external_id;
    const directive = (await readFile(path, "utf8"))
      .split("\n")
      .find((l) => l.startsWith(`account ${account}  ;`));
    if (!directive) throw new Error(`no account directive for ${account}`);
    await edit(directive, `${directive}, inactive: true`);
    expect((await push()).report.deleted).toBe(1);
    const [gone] = await collect(r.client.listGlAccounts({ remoteId: account }));
    expect(gone).toMatchObject({ ramp_id: coded.selection.id, is_active: false });
    expect(selections(await txn(coded.id)).map((s) => s.id)).toContain(coded.selection.id);
    expect((await succeed(coded.id)).outcome).toBe("refused");

    await edit(`${directive}, inactive: true`, directive);
    expect((await push()).report.reactivated).toBe(1);
    const [back] = await collect(r.client.listGlAccounts({ remoteId: account }));
    expect(back).toMatchObject({ ramp_id: coded.selection.id, is_active: true });

    const f = await field();
    await edit("; ramp-field: department | Department", "; ramp-field: department | Cost centre");
    expect((await push()).report.updated).toBe(1);
    expect(await field()).toMatchObject({ ramp_id: f!.ramp_id, name: "Cost centre", is_active: true });
    expect((await succeed(coded.id)).outcome).toBe("accepted");
  });
});
