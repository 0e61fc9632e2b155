import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test, read loosely on purpose
type J = Record<string, any>;

async function list(h: Harness, path: string): Promise<J[]> {
  const out: J[] = [];
  let url: string | null = `${h.sb.url}/developer/v1${path}${path.includes("?") ? "&" : "?"}page_size=100`;
  while (url) {
    const r: { body: { data: J[]; page: { next: string | null } } } = await h.api("GET", url);
    out.push(...r.body.data);
    url = r.body.page.next;
  }
  return out;
}

function selections(o: J): J[] {
  return [...o.accounting_field_selections, ...o.line_items.flatMap((l: J) => l.accounting_field_selections)];
}

describe("sandbox control API", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ transactions: 60, bills: 20, reimbursements: 10 });
  });
  afterEach(() => h.close());

  it("codes every ready object against the chart the integration uploaded", async () => {
    await connect(h);
    const chart = await uploadChart(h);
    const uploaded = new Map<string, string>();
    for (const x of [...chart.gl, ...chart.vendors, ...chart.options]) uploaded.set(x.ramp_id, (x as J).id);
    const r = await h.control<J>("POST", "/code", { seed: 3, vendorless_share: 0.25 });
    expect(r.status).toBe(200);
    expect(r.body.coded.transactions).toBeGreaterThan(0);
    const ready = await list(h, "/transactions?sync_status=SYNC_READY");
    for (const t of ready) {
      for (const s of selections(t)) {
        expect(uploaded.get(s.id)).toBe(s.external_id);
        expect(s.provider_name).toBe("Test ERP");
      }
      const gls = selections(t).filter((s) => s.type === "GL_ACCOUNT");
      expect(gls.length).toBeGreaterThan(0);
      expect(gls.every((s) => s.external_id !== "2000")).toBe(true); // expense accounts only
      expect(new Date(t.user_transaction_time).getUTCFullYear()).toBe(2026);
    }
    const vendorless = ready.filter((t) => !selections(t).some((s) => s.type === "MERCHANT"));
    expect(vendorless.length).toBeGreaterThan(0);
    expect(vendorless.length).toBeLessThan(ready.length);
    const bills = await list(h, "/bills?sync_ready=true");
    expect(bills.every((b) => ["V1", "V2"].includes(b.vendor.remote_id))).toBe(true);
    // Deterministic: coding again with the same seed gives the same selections.
    const before = ready.map((t) => selections(t).map((s) => s.id));
    await h.control("POST", "/code", { seed: 3, vendorless_share: 0.25 });
    const again = (await list(h, "/transactions?sync_status=SYNC_READY")).map((t) =>
      selections(t).map((s) => s.id),
    );
    expect(again).toEqual(before);
  });

  it("spreads objects over entities and respects entity_remote_ids scoping", async () => {
    await connect(h);
    const entities = (await h.control<J[]>("GET", "/entities")).body;
    const [e1, e2] = entities as [J, J];
    await h.api("POST", "/accounting/accounts", {
      body: {
        gl_accounts: [
          { id: "A:6100", name: "Travel A", classification: "EXPENSE", entity_remote_ids: ["A"] },
          { id: "B:6100", name: "Travel B", classification: "EXPENSE", entity_remote_ids: ["B"] },
        ],
      },
    });
    const r = await h.control<J>("POST", "/code", {
      spread_entities: true,
      entity_remote_ids: { [e1.id]: "A", [e2.id]: "B" },
    });
    expect(r.status).toBe(200);
    const ready = await list(h, "/transactions?sync_status=SYNC_READY");
    const byEntity = new Map<string, Set<string>>();
    for (const t of ready) {
      const set = byEntity.get(t.entity_id) ?? new Set();
      for (const s of selections(t)) if (s.type === "GL_ACCOUNT") set.add(s.external_id);
      byEntity.set(t.entity_id, set);
    }
    const cardBills = (await list(h, "/bills")).filter((b) => b.payment?.payment_method === "CARD");
    expect(cardBills.length).toBeGreaterThan(0);
    for (const b of cardBills) {
      const t = (await h.api<J>("GET", `/transactions/${b.payment.details.transaction_ids[0]}`)).body;
      expect([t.entity_id, t.currency_code, t.entity_amount.value]).toEqual([
        b.entity_id,
        b.amount.currency_code,
        b.amount.amount,
      ]);
    }
    expect([...(byEntity.get(e1.id) ?? [])]).toEqual(["A:6100"]);
    expect([...(byEntity.get(e2.id) ?? [])]).toEqual(["B:6100"]);
    expect((await h.control<J[]>("GET", "/entities")).body.map((e) => e.remote_id)).toEqual(["A", "B"]);
  });

  it("answers 409 when there is no chart to code against", async () => {
    expect((await h.control("POST", "/code", {})).status).toBe(409);
    await connect(h);
    const r = await h.control<J>("POST", "/code", {});
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/GL account/);
  });

  it("marks ready, exports silently, and reads objects with their sync state and history", async () => {
    const marked = await h.control<{ ids: string[] }>("POST", "/mark-ready", {
      kind: "transactions",
      count: 2,
    });
    expect(marked.body.ids).toHaveLength(2);
    const id = marked.body.ids[0] as string;
    expect((await h.api<J>("GET", `/transactions/${id}`)).body.sync_status).toBe("SYNC_READY");
    await h.control("POST", "/export", { ids: [id] });
    const view = await h.control<J>("GET", `/objects/${id}`);
    expect(view.body).toMatchObject({
      kind: "transaction",
      object: { sync_status: "SYNCED" },
      sync: { status: "SYNCED" },
    });
    expect(view.body.sync.history.map((x: J) => x.event)).toEqual(["marked_ready", "exported_in_ui"]);
  });

  it("approves and pays bills by card, bank and in the ERP", async () => {
    const pending = (await list(h, "/bills?approval_status=PENDING"))[0] as J;
    expect((await h.control("POST", `/bills/${pending.id}/pay`, { method: "BANK" })).status).toBe(409);
    const approved = await h.control<J>("POST", `/bills/${pending.id}/approve`);
    expect(approved.body.approval_status).toBe("APPROVED");
    const paid = await h.control<J>("POST", `/bills/${pending.id}/pay`, { method: "CARD" });
    expect(paid.status).toBe(200);
    const txnId = paid.body.card_transaction_id as string;
    expect(paid.body.bill.payment.details.transaction_ids).toEqual([txnId]);
    const txn = (await h.api<J>("GET", `/transactions/${txnId}`)).body;
    expect(txn.limit_id).toBe(paid.body.bill.payment.details.spend_limit_id);
    expect(txn.sync_status).toBe("SYNC_READY");
    const open = (await list(h, "/bills?payment_status=OPEN&approval_status=APPROVED")) as J[];
    const erp = await h.control<J>("POST", `/bills/${open[0]?.id}/pay`, { method: "PAID_IN_ERP" });
    expect(erp.body.bill.payment.details.manual_payment_method).toBe("PAID_IN_ERP");
    const bank = await h.control<J>("POST", `/bills/${open[1]?.id}/pay`, { method: "BANK" });
    expect(bank.body.bill).toMatchObject({ status: "PAID", payment: { payment_method: "ACH" } });
  });

  it("creates vendor credits", async () => {
    const vendor = (await list(h, "/vendors"))[0] as J;
    const c = await h.control<J>("POST", "/vendor-credits", {
      vendor_id: vendor.id,
      amount_minor: 12345,
      memo: "Returned goods",
    });
    expect(c.status).toBe(201);
    const got = await h.api<J>("GET", `/vendors/credits/${c.body.id}`);
    expect(got.body).toMatchObject({
      vendor_id: vendor.id,
      amount: { amount: 12345 },
      memo: "Returned goods",
    });
  });

  it("Sync All needs the button enabled and returns a sync_request_id", async () => {
    await connect(h);
    expect((await h.control("POST", "/sync-all", { kind: "transactions" })).status).toBe(409);
    const conn = (await h.api<{ connections: J[] }>("GET", "/accounting/all-connections")).body
      .connections[0] as J;
    await h.api("PATCH", `/accounting/connection/${conn.id}`, {
      body: { settings: { reimbursement_sync_button_enabled: true } },
    });
    const r = await h.control<J>("POST", "/sync-all", { kind: "reimbursements" });
    expect(r.status).toBe(201);
    expect(r.body.sync_request_id).toMatch(/^[0-9a-f-]{36}$/);
    const requested = await list(h, "/reimbursements?requested_to_sync=true");
    expect(requested.length).toBe(r.body.total);
    expect(requested.every((x) => x.sync_status === "SYNC_READY")).toBe(true);
  });

  it("seeds a business from options: entities, currencies, merchants, departments, counts", async () => {
    const biz = await h.control<J>("POST", "/businesses", {
      seed: 42,
      transactions: 30,
      bills: 0,
      reimbursements: 2,
      transfers: 1,
      cashbacks: 1,
      entities: [
        { name: "Nord GmbH", currency: "EUR", remote_id: "NORD" },
        { name: "Tokyo KK", currency: "JPY" },
      ],
      merchants: ["Alpha", "Beta"],
      departments: ["Research", "Ops"],
    });
    const token = await h.token(undefined, {
      clientId: biz.body.client_id,
      clientSecret: biz.body.client_secret,
    });
    const txns = (await h.api<{ data: J[] }>("GET", "/transactions?page_size=100", { token })).body.data;
    expect(txns).toHaveLength(30);
    expect(new Set(txns.map((t) => t.merchant_name))).toEqual(new Set(["Alpha", "Beta"]));
    expect(new Set(txns.map((t) => t.currency_code))).toEqual(new Set(["EUR", "JPY"]));
    const jpy = txns.find((t) => t.currency_code === "JPY") as J;
    expect(jpy.minor_unit_conversion_rate).toBe(1);
    expect(jpy.amount).toBe(jpy.entity_amount.value);
    const depts = new Set(
      txns.flatMap((t) =>
        selections(t)
          .filter((s) => s.category_info.name === "Department")
          .map((s) => s.name),
      ),
    );
    expect([...depts].every((d) => ["Research", "Ops"].includes(d))).toBe(true);
    const entities = (await h.api<{ data: J[] }>("GET", "/entities?is_primary=true", { token })).body.data;
    expect(entities.map((e) => e.entity_name)).toEqual(["Nord GmbH"]);
    const linked = await h.control<J[]>(`GET`, `/entities?business_id=${biz.body.business_id}`);
    expect(linked.body.map((e) => e.remote_id)).toEqual(["NORD", null]);
  });

  it("seeds a business whose only currency is its entity's own: every charge domestic (issue #20)", async () => {
    // Foreign charges are drawn from the other currencies; with none, the seed once asked a PRNG
    // to pick from an empty list and the control API answered 500.
    const biz = await h.control<J>("POST", "/businesses", {
      seed: 43,
      transactions: 80,
      bills: 2,
      entities: [{ name: "Solo Inc", currency: "USD" }],
      currencies: ["USD"],
    });
    expect(biz.status).toBe(201);
    const token = await h.token(undefined, {
      clientId: biz.body.client_id,
      clientSecret: biz.body.client_secret,
    });
    const txns = (await h.api<{ data: J[] }>("GET", "/transactions?page_size=100", { token })).body.data;
    expect(txns.length).toBeGreaterThanOrEqual(80);
    expect(new Set(txns.map((t) => t.original_transaction_amount.currency_code))).toEqual(new Set(["USD"]));
  });

  it("counts API calls per endpoint (benchmarks read these) and resets the business", async () => {
    await h.control("POST", "/stats/reset");
    await h.api("GET", "/transactions");
    await h.api("GET", "/transactions");
    await h.api("GET", "/bills");
    const stats = await h.control<J>("GET", "/stats");
    expect(stats.body.byRoute).toMatchObject({
      "GET /developer/v1/transactions": 2,
      "GET /developer/v1/bills": 1,
    });
    const reset = await h.control<J>("POST", "/reset", {
      seed: 5,
      transactions: 3,
      bills: 0,
      reimbursements: 0,
    });
    expect(reset.body.client_id).toBe(h.sb.clientId);
    const fresh = await h.token();
    expect(
      (await h.api<J>("GET", "/transactions?page_size=100", { token: fresh })).body.data.length,
    ).toBeGreaterThanOrEqual(3);
    expect((await h.control<J>("GET", "/stats")).body.byRoute).toMatchObject({
      "GET /developer/v1/transactions": 1,
    });
  });
});
