import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test, read loosely on purpose
type J = Record<string, any>;
type Err = {
  error_v2: {
    error_code: string;
    message: string;
    additional_info: { refused?: { id: string; reason: string }[] };
  };
};

async function first(h: Harness, path: string): Promise<J> {
  const r = await h.api<{ data: J[] }>("GET", path);
  const x = r.body.data[0];
  if (!x) throw new Error(`nothing at ${path}`);
  return x;
}

describe("sandbox POST /accounting/syncs and /accounting/codings", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ transactions: 40, bills: 30, reimbursements: 10, transfers: 3, cashbacks: 3 });
    await connect(h, { transaction_sync_button_enabled: true });
  });
  afterEach(() => h.close());

  const sync = (h: Harness, body: J) => h.api<J & Err>("POST", "/accounting/syncs", { body });

  it("marks a transaction synced and keeps a failure's message while it stays ready", async () => {
    const [a, b] = (await h.api<{ data: J[] }>("GET", "/transactions?sync_status=SYNC_READY&page_size=2"))
      .body.data as [J, J];
    const r = await sync(h, {
      idempotency_key: "k1",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id: a.id, reference_id: "JE-1" }],
      failed_syncs: [{ id: b.id, error: { message: "Accounting period closed. Reopen it and retry." } }],
    });
    expect(r.status).toBe(201);
    expect(r.body.sync_id).toMatch(/^[0-9a-f-]{36}$/);
    const ta = await h.api<J>("GET", `/transactions/${a.id}`);
    expect(ta.body.sync_status).toBe("SYNCED");
    expect(ta.body.synced_at).not.toBeNull();
    const tb = await h.api<J>("GET", `/transactions/${b.id}`);
    expect(tb.body.sync_status).toBe("SYNC_READY");
    const view = await h.control<J>("GET", `/objects/${b.id}`);
    expect(view.body.sync.last_error).toBe("Accounting period closed. Reopen it and retry.");
    expect(view.body.sync.history.map((x: J) => x.event)).toContain("sync_failed");
  });

  it("validates the body: empty lists, missing lists, list size, unknown sync_type", async () => {
    const t = await first(h, "/transactions?sync_status=SYNC_READY");
    const empty = await sync(h, {
      idempotency_key: "e",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [],
    });
    expect(empty.status).toBe(422);
    expect(empty.body.error_v2.error_code).toBe("DEVELOPER_7001");
    expect((await sync(h, { idempotency_key: "e", sync_type: "TRANSACTION_SYNC" })).status).toBe(422);
    expect(
      (
        await sync(h, {
          idempotency_key: "e",
          sync_type: "NOPE_SYNC",
          successful_syncs: [{ id: t.id, reference_id: "x" }],
        })
      ).status,
    ).toBe(422);
    const tooMany = Array.from({ length: 5001 }, () => ({ id: t.id, reference_id: "x" }));
    expect(
      (await sync(h, { idempotency_key: "e", sync_type: "TRANSACTION_SYNC", successful_syncs: tooMany }))
        .status,
    ).toBe(422);
    expect(
      (
        await sync(h, {
          idempotency_key: "e",
          sync_type: "TRANSACTION_SYNC",
          successful_syncs: [{ id: t.id }],
        })
      ).status,
    ).toBe(422);
  });

  it("refuses ids it cannot accept with a reason per id, without consuming the key", async () => {
    const t = await first(h, "/transactions?sync_status=SYNC_READY");
    const notReady = await first(h, "/transactions?sync_status=NOT_SYNC_READY");
    const bill = await first(h, "/bills?sync_status=NOT_SYNCED&sync_ready=true");
    await h.control("POST", "/export", { ids: [t.id] });
    const r = await sync(h, {
      idempotency_key: "k2",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [
        { id: t.id, reference_id: "a" },
        { id: notReady.id, reference_id: "b" },
        { id: bill.id, reference_id: "c" },
        { id: "00000000-0000-4000-8000-000000000000", reference_id: "d" },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.error_v2.additional_info.refused).toEqual([
      { id: t.id, reason: "ALREADY_SYNCED" },
      { id: notReady.id, reason: "NOT_READY" },
      { id: bill.id, reason: "WRONG_SYNC_TYPE" },
      { id: "00000000-0000-4000-8000-000000000000", reason: "NOT_FOUND" },
    ]);
    const good = await first(h, "/transactions?sync_status=SYNC_READY");
    const accepted = await sync(h, {
      idempotency_key: "k2",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id: good.id, reference_id: "a" }],
    });
    expect(accepted.status).toBe(201);
    const reused = await sync(h, {
      idempotency_key: "k2",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id: good.id, reference_id: "a" }],
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error_v2.error_code).toBe("DEVELOPER_7005");
  });

  it("moves bills NOT_SYNCED → BILL_SYNCED → BILL_AND_PAYMENT_SYNCED and refuses the payment first", async () => {
    const bills = (
      await h.api<{ data: J[] }>("GET", "/bills?sync_status=NOT_SYNCED&sync_ready=true&page_size=100")
    ).body.data;
    const paid = bills.find((b) => b.status === "PAID") as J;
    const early = await sync(h, {
      idempotency_key: "p0",
      sync_type: "BILL_PAYMENT_SYNC",
      successful_syncs: [{ id: paid.id, reference_id: "PAY-1" }],
    });
    expect(early.body.error_v2.additional_info.refused).toEqual([{ id: paid.id, reason: "NOT_READY" }]);
    const s1 = await sync(h, {
      idempotency_key: "b1",
      sync_type: "BILL_SYNC",
      successful_syncs: [{ id: paid.id, reference_id: "AP-1", deep_link_url: "https://erp.example/ap/1" }],
    });
    expect(s1.status).toBe(201);
    const after1 = (await h.api<J>("GET", `/bills/${paid.id}`)).body;
    expect(after1).toMatchObject({
      sync_status: "BILL_SYNCED",
      remote_id: "AP-1",
      deep_link_url: "https://erp.example/ap/1",
    });
    const stillReady = (
      await h.api<{ data: J[] }>("GET", "/bills?sync_status=BILL_SYNCED&sync_ready=true&page_size=100")
    ).body.data;
    expect(stillReady.map((b) => b.id)).toContain(paid.id);
    const again = await sync(h, {
      idempotency_key: "b2",
      sync_type: "BILL_SYNC",
      successful_syncs: [{ id: paid.id, reference_id: "AP-1" }],
    });
    expect(again.body.error_v2.additional_info.refused).toEqual([{ id: paid.id, reason: "ALREADY_SYNCED" }]);
    expect(
      (
        await sync(h, {
          idempotency_key: "p1",
          sync_type: "BILL_PAYMENT_SYNC",
          successful_syncs: [{ id: paid.id, reference_id: "PAY-1" }],
        })
      ).status,
    ).toBe(201);
    expect((await h.api<J>("GET", `/bills/${paid.id}`)).body.sync_status).toBe("BILL_AND_PAYMENT_SYNCED");
    const open = bills.find((b) => b.status === "OPEN") as J;
    await sync(h, {
      idempotency_key: "b3",
      sync_type: "BILL_SYNC",
      successful_syncs: [{ id: open.id, reference_id: "AP-2" }],
    });
    const openAfter = await sync(h, {
      idempotency_key: "p2",
      sync_type: "BILL_PAYMENT_SYNC",
      successful_syncs: [{ id: open.id, reference_id: "x" }],
    });
    expect(openAfter.body.error_v2.additional_info.refused).toEqual([{ id: open.id, reason: "NOT_READY" }]);
  });

  it("syncs transfers with TRANSFER_SYNC, cashbacks with STATEMENT_CREDIT_SYNC, reimbursements with REIMBURSEMENT_SYNC", async () => {
    for (const [kind, type] of [
      ["transfers", "TRANSFER_SYNC"],
      ["cashbacks", "STATEMENT_CREDIT_SYNC"],
      ["reimbursements", "REIMBURSEMENT_SYNC"],
    ] as const) {
      const x = await first(h, `/${kind}?sync_status=SYNC_READY`);
      const r = await sync(h, {
        idempotency_key: `k-${kind}`,
        sync_type: type,
        successful_syncs: [{ id: x.id, reference_id: "R" }],
      });
      expect(r.status).toBe(201);
      expect((await h.api<J>("GET", `/${kind}/${x.id}`)).body.sync_status).toBe("SYNCED");
    }
  });

  it("refuses a successful TRANSACTION_SYNC while vendor creation is required, until coded via /accounting/codings", async () => {
    const conn = (await h.api<{ connections: J[] }>("GET", "/accounting/all-connections")).body
      .connections[0] as J;
    await h.api("PATCH", `/accounting/connection/${conn.id}`, {
      body: { settings: { transaction_accounting_vendor_creation_on_sync_enabled: true } },
    });
    const chart = await uploadChart(h);
    const all = (await h.api<{ data: J[] }>("GET", "/transactions?sync_status=SYNC_READY&page_size=100")).body
      .data;
    const [t1, t2] = all.filter((t) => t.requires_accounting_vendor_creation_to_sync === true) as [J, J];
    const refused = await sync(h, {
      idempotency_key: "v1",
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id: t1.id, reference_id: "x" }],
    });
    expect(refused.body.error_v2.additional_info.refused).toEqual([
      { id: t1.id, reason: "VENDOR_CODING_REQUIRED" },
    ]);
    // A failure report is still accepted (it tells the customer what is missing).
    expect(
      (
        await sync(h, {
          idempotency_key: "v2",
          sync_type: "TRANSACTION_SYNC",
          failed_syncs: [{ id: t1.id, error: { message: "Vendor required" } }],
        })
      ).status,
    ).toBe(201);
    const vendor = chart.vendors[0] as J;
    const coded = await h.api<J>("POST", "/accounting/codings", {
      body: {
        object_type: "TRANSACTION",
        object_id: t1.id,
        accounting_field_selections: [{ accounting_field_option_id: vendor.ramp_id }],
      },
    });
    expect(coded.status).toBe(200);
    expect(coded.body.requires_accounting_vendor_creation_to_sync).toBe(false);
    expect(coded.body.accounting_field_selections.find((s: J) => s.type === "MERCHANT")).toMatchObject({
      id: vendor.ramp_id,
      external_id: vendor.id,
    });
    // The 2026 list name is accepted too.
    const coded2 = await h.api<J>("POST", "/accounting/codings", {
      body: {
        object_type: "TRANSACTION",
        object_id: t2.id,
        accounting_coding_selections: [{ accounting_field_option_id: vendor.ramp_id }],
      },
    });
    expect(coded2.body.requires_accounting_vendor_creation_to_sync).toBe(false);
    expect(
      (
        await sync(h, {
          idempotency_key: "v3",
          sync_type: "TRANSACTION_SYNC",
          successful_syncs: [
            { id: t1.id, reference_id: "JE" },
            { id: t2.id, reference_id: "JE2" },
          ],
        })
      ).status,
    ).toBe(201);
    const unknown = await h.api("POST", "/accounting/codings", {
      body: {
        object_type: "TRANSACTION",
        object_id: t2.id,
        accounting_field_selections: [{ accounting_field_option_id: "00000000-0000-4000-8000-000000000000" }],
      },
    });
    expect(unknown.status).toBe(422);
  });

  it("tracks sync_request_id progress and auto-fails rows not reported within 5 minutes", async () => {
    const click = await h.control<J>("POST", "/sync-all", { kind: "transactions" });
    expect(click.status).toBe(201);
    const id = click.body.sync_request_id as string;
    const requested = (
      await h.api<{ data: J[] }>("GET", "/transactions?requested_to_sync=true&page_size=100")
    ).body.data;
    expect(requested.length).toBe(click.body.total);
    const [a, b] = requested as [J, J];
    const r = await sync(h, {
      idempotency_key: "sr1",
      sync_type: "TRANSACTION_SYNC",
      sync_request_id: id,
      successful_syncs: [{ id: a.id, reference_id: "x" }],
      failed_syncs: [{ id: b.id, error: { message: "nope" } }],
    });
    expect(r.status).toBe(201);
    const progress = await h.control<J>("GET", `/sync-requests/${id}`);
    expect(progress.body).toMatchObject({ succeeded: 1, failed: 1, pending: requested.length - 2 });
    h.sb.control.advanceClock(5 * 60_000 + 1);
    await h.api("GET", "/entities");
    const after = await h.control<J>("GET", `/sync-requests/${id}`);
    expect(after.body).toMatchObject({ succeeded: 1, failed: requested.length - 1, pending: 0 });
    const left = requested[2] as J;
    const view = await h.control<J>("GET", `/objects/${left.id}`);
    expect(view.body.sync.status).toBe("SYNC_READY");
    expect(view.body.sync.last_error).toMatch(/timed out/);
    expect(
      (await h.api<{ data: J[] }>("GET", "/transactions?requested_to_sync=true")).body.data,
    ).toHaveLength(0);
    expect(
      (
        await sync(h, {
          idempotency_key: "sr2",
          sync_type: "TRANSACTION_SYNC",
          sync_request_id: "nope",
          successful_syncs: [{ id: left.id, reference_id: "x" }],
        })
      ).status,
    ).toBe(422);
  });

  it("fails a requested row reported without its sync_request_id in the request's progress, not on the object", async () => {
    const click = await h.control<J>("POST", "/sync-all", { kind: "transactions" });
    const t = (await first(h, "/transactions?requested_to_sync=true")) as J;
    expect(
      (
        await sync(h, {
          idempotency_key: "nosr",
          sync_type: "TRANSACTION_SYNC",
          successful_syncs: [{ id: t.id, reference_id: "x" }],
        })
      ).status,
    ).toBe(201);
    h.sb.control.advanceClock(5 * 60_000 + 1);
    const after = await h.control<J>("GET", `/sync-requests/${click.body.sync_request_id}`);
    expect(after.body.rows[t.id]).toBe("FAILED");
    const view = await h.control<J>("GET", `/objects/${t.id}`);
    expect(view.body.sync).toMatchObject({ status: "SYNCED", last_error: null });
  });

  it("marks transactions ready via POST /accounting/ready-to-sync", async () => {
    const t = await first(h, "/transactions?sync_status=NOT_SYNC_READY");
    const r = await h.api<J>("POST", "/accounting/ready-to-sync", {
      body: { object_type: "TRANSACTION", object_ids: [t.id] },
    });
    expect(r.status).toBe(200);
    expect((await h.api<J>("GET", `/transactions/${t.id}`)).body.sync_status).toBe("SYNC_READY");
  });
});
