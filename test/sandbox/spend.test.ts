import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Harness, harness } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test, read loosely on purpose
type J = Record<string, any>;
interface Page {
  data: J[];
  page: { next: string | null };
}

async function all(h: Harness, path: string): Promise<J[]> {
  const out: J[] = [];
  let url: string | null = `${h.sb.url}/developer/v1${path}${path.includes("?") ? "&" : "?"}page_size=100`;
  while (url) {
    const r: { body: Page } = await h.api<Page>("GET", url);
    out.push(...r.body.data);
    url = r.body.page.next;
  }
  return out;
}

describe("sandbox spend objects", () => {
  let h: Harness;
  let txns: J[];
  let bills: J[];
  beforeAll(async () => {
    h = await harness({
      seed: 11,
      transactions: 120,
      bills: 60,
      reimbursements: 20,
      transfers: 4,
      cashbacks: 4,
    });
    txns = await all(h, "/transactions");
    bills = await all(h, "/bills");
  });
  afterAll(() => h.close());

  it("emits the 2025 decimal amount, the 2026 entity/merchant amounts and CurrencyAmounts side by side", () => {
    for (const t of txns) {
      const rate = t.minor_unit_conversion_rate as number;
      expect(t.entity_amount.currency).toBe(t.currency_code);
      expect(Math.round(t.amount * rate)).toBe(t.entity_amount.value);
      expect(t.original_transaction_amount.amount).toBe(t.merchant_amount.value);
      expect(t.original_transaction_amount.currency_code).toBe(t.merchant_amount.currency);
      const lines = t.line_items as J[];
      if (lines.length > 0) {
        expect(lines.reduce((s, l) => s + l.amount.amount, 0)).toBe(t.entity_amount.value);
      }
    }
    expect(txns.some((t) => t.entity_amount.value < 0)).toBe(true);
    expect(txns.some((t) => t.merchant_amount.currency !== t.entity_amount.currency)).toBe(true);
  });

  it("codes line items with GL, dimension and tax selections, and puts header-only coding on the header", () => {
    const withLines = txns.find((t) => t.line_items.length > 1) as J;
    const sel = withLines.line_items[0].accounting_field_selections as J[];
    expect(sel.map((s) => s.type)).toContain("GL_ACCOUNT");
    expect(sel[0]).toMatchObject({
      source: { type: "USER" },
      category_info: { type: "GL_ACCOUNT", external_id: "gl_accounts" },
    });
    const headerOnly = txns.find((t) => t.line_items.length === 0) as J;
    expect((headerOnly.accounting_field_selections as J[]).some((s) => s.type === "GL_ACCOUNT")).toBe(true);
    expect(txns.some((t) => (t.accounting_field_selections as J[]).some((s) => s.type === "MERCHANT"))).toBe(
      true,
    );
    expect(
      txns.some((t) =>
        (t.line_items as J[]).some((l) =>
          l.accounting_field_selections.some((s: J) => s.type === "TAX_CODE"),
        ),
      ),
    ).toBe(true);
  });

  it("bills use the bill selection shape (no top-level type or source) and CurrencyAmounts", () => {
    const s = bills[0]?.line_items[0].accounting_field_selections[0] as J;
    expect(s).not.toHaveProperty("type");
    expect(s).not.toHaveProperty("source");
    expect(s.category_info.type).toBe("GL_ACCOUNT");
    expect(bills[0]?.amount).toHaveProperty("minor_unit_conversion_rate");
  });

  it("pays bills by card, bank and PAID_IN_ERP; card-paid bills' transactions carry limit_id and are ready", () => {
    const card = bills.filter((b) => b.payment?.payment_method === "CARD");
    expect(card.length).toBeGreaterThan(0);
    for (const b of card) {
      const d = b.payment.details;
      expect(d.transaction_ids).toHaveLength(1);
      const t = txns.find((x) => x.id === d.transaction_ids[0]) as J;
      expect(t.limit_id).toBe(d.spend_limit_id);
      expect(t.sync_status).toBe("SYNC_READY");
      expect(t.entity_amount.value).toBe(b.amount.amount);
    }
    expect(bills.some((b) => b.payment?.details?.manual_payment_method === "PAID_IN_ERP")).toBe(true);
    expect(bills.some((b) => b.status === "PAID" && b.payment?.payment_method === "ACH")).toBe(true);
    expect(bills.some((b) => b.status === "OPEN" && b.payment?.effective_date === null)).toBe(true);
  });

  it("sync_ready on bills follows the guide's decision table", async () => {
    const ready = await all(h, "/bills?sync_ready=true");
    const expected = bills.filter(
      (b) =>
        b.approval_status === "APPROVED" &&
        (b.sync_status === "NOT_SYNCED" || (b.sync_status === "BILL_SYNCED" && b.status === "PAID")),
    );
    expect(ready.map((b) => b.id).sort()).toEqual(expected.map((b) => b.id).sort());
    const paymentOnly = await all(h, "/bills?sync_status=BILL_SYNCED&sync_ready=true");
    expect(paymentOnly.length).toBeGreaterThan(0);
    expect(paymentOnly.every((b) => b.status === "PAID" && b.sync_status === "BILL_SYNCED")).toBe(true);
    expect(ready.some((b) => b.status === "PAID" && b.sync_status === "NOT_SYNCED")).toBe(true);
    expect(bills.some((b) => b.approval_status === "PENDING")).toBe(true);
  });

  it("filters by sync_status, entity_id and date, and serves every kind with sync_status", async () => {
    const entities = await all(h, "/entities");
    expect(entities.length).toBe(2);
    const e = entities[1] as J;
    const scoped = await all(h, `/transactions?entity_id=${e.id}&sync_status=SYNC_READY`);
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((t) => t.entity_id === e.id && t.sync_status === "SYNC_READY")).toBe(true);
    expect(scoped.every((t) => t.currency_code === e.currency)).toBe(true);
    const notReady = await all(h, "/transactions?sync_status=NOT_SYNC_READY");
    expect(notReady.length).toBeGreaterThan(0);
    expect((await h.api("GET", "/transactions?sync_status=BOGUS")).status).toBe(422);
    for (const kind of ["reimbursements", "transfers", "cashbacks"]) {
      const items = await all(h, `/${kind}`);
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((x) => ["SYNC_READY", "NOT_SYNC_READY", "SYNCED"].includes(x.sync_status))).toBe(
        true,
      );
    }
    const reimb = (await all(h, "/reimbursements"))[0] as J;
    expect(Math.round(reimb.amount * 100)).toBe(reimb.entity_amount.value);
    expect(reimb.payee_amount.amount).toBe(reimb.entity_amount.value);
    const one = await h.api<J>("GET", `/transfers/${(await all(h, "/transfers"))[0]?.id}`);
    expect(one.body.amount).toHaveProperty("currency_code");
    expect((await h.api("GET", "/bills/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("lists Ramp vendors with accounting_vendor_remote_id, vendor credits and single objects", async () => {
    const vendors = await all(h, "/vendors");
    expect(vendors.some((v) => typeof v.accounting_vendor_remote_id === "string")).toBe(true);
    const credits = await all(h, "/vendors/credits");
    expect(credits.length).toBeGreaterThan(0);
    const c = credits[0] as J;
    expect(c).toMatchObject({
      amount: { currency_code: expect.any(String) },
      remaining_amount: expect.any(Object),
    });
    expect((await h.api<J>("GET", `/vendors/credits/${c.id}`)).body.id).toBe(c.id);
    const byVendor = await all(h, `/vendors/${c.vendor_id}/credits`);
    expect(byVendor.every((x) => x.vendor_id === c.vendor_id)).toBe(true);
    const linked = vendors.find((v) => v.accounting_vendor_remote_id) as J;
    const patched = await h.api<J>("PATCH", `/vendors/${linked.id}`, {
      body: { accounting_vendor_remote_id: "V-NEW" },
    });
    expect(patched.body.accounting_vendor_remote_id).toBe("V-NEW");
    // One accounting vendor, one Ramp vendor: a second link to it is refused and changes nothing.
    const other = vendors.find((v) => v.id !== linked.id) as J;
    const second = await h.api<J>("PATCH", `/vendors/${other.id}`, {
      body: { accounting_vendor_remote_id: "V-NEW" },
    });
    expect(second.status).toBe(400);
    expect(JSON.stringify(second.body)).toContain(`already linked to vendor ${linked.id}`);
    expect((await h.api<J>("GET", `/vendors/${other.id}`)).body.accounting_vendor_remote_id).not.toBe(
      "V-NEW",
    );
  });

  it("shows requires_accounting_vendor_creation_to_sync only while the setting is on", async () => {
    expect(txns.every((t) => !("requires_accounting_vendor_creation_to_sync" in t))).toBe(true);
    await connect(h, { transaction_accounting_vendor_creation_on_sync_enabled: true });
    const now = await all(h, "/transactions?sync_status=SYNC_READY");
    const flagged = now.filter((t) => t.requires_accounting_vendor_creation_to_sync === true);
    expect(flagged.length).toBeGreaterThan(0);
    for (const t of flagged) {
      const all = [
        ...t.accounting_field_selections,
        ...t.line_items.flatMap((l: J) => l.accounting_field_selections),
      ];
      expect(all.some((s: J) => s.category_info.type === "MERCHANT")).toBe(false);
    }
    expect(now.some((t) => t.requires_accounting_vendor_creation_to_sync === false)).toBe(true);
  });

  it("is deterministic: the same seed yields the same objects", async () => {
    const again = await harness({
      seed: 11,
      transactions: 120,
      bills: 60,
      reimbursements: 20,
      transfers: 4,
      cashbacks: 4,
    });
    try {
      const r = await again.api<Page>("GET", "/transactions?page_size=5");
      expect(r.body.data.map((t) => [t.id, t.amount])).toEqual(txns.slice(0, 5).map((t) => [t.id, t.amount]));
    } finally {
      await again.close();
    }
  });
});
