import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

type Conn = Record<string, unknown> & { id: string };

describe("sandbox accounting connection", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ transactions: 5, bills: 2 });
  });
  afterEach(() => h.close());

  it("creates a linked API connection with settings, lists it, gets and patches it", async () => {
    expect(
      (await h.api<{ connections: Conn[] }>("GET", "/accounting/all-connections")).body.connections,
    ).toEqual([]);
    const created = await h.api<Conn>("POST", "/accounting/connection", {
      body: { remote_provider_name: "Acme ERP", settings: { transaction_sync_button_enabled: true } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      remote_provider_name: "Acme ERP",
      status: "linked",
      is_active: true,
      connection_type: "API",
    });
    expect((created.body.settings as Record<string, boolean>).transaction_sync_button_enabled).toBe(true);
    const got = await h.api<Conn>("GET", `/accounting/connection/${created.body.id}`);
    expect(got.body.id).toBe(created.body.id);
    const patched = await h.api<Conn>("PATCH", `/accounting/connection/${created.body.id}`, {
      body: { settings: { transaction_accounting_vendor_creation_on_sync_enabled: true } },
    });
    expect(
      (patched.body.settings as Record<string, boolean>)
        .transaction_accounting_vendor_creation_on_sync_enabled,
    ).toBe(true);
    const bad = await h.api("PATCH", `/accounting/connection/${created.body.id}`, {
      body: { settings: { nope: true } },
    });
    expect(bad.status).toBe(422);
    const list = await h.api<{ connections: Conn[] }>("GET", "/accounting/all-connections");
    expect(list.body.connections.map((c) => c.id)).toEqual([created.body.id]);
  });

  it("refuses a second active connection but creates an inactive one for the migration tool", async () => {
    await connect(h);
    expect(
      (await h.api("POST", "/accounting/connection", { body: { remote_provider_name: "Other" } })).status,
    ).toBe(400);
    const inactive = await h.api<Conn>("POST", "/accounting/connection", {
      body: { remote_provider_name: "Next ERP", is_active: false },
    });
    expect(inactive.status).toBe(201);
    expect(inactive.body).toMatchObject({
      status: "unlinked",
      is_active: false,
      connection_type: "API",
      last_linked_at: null,
    });
  });

  it("DELETE unlinks the active connection and hides its chart; reactivate restores it", async () => {
    const id = await connect(h);
    await uploadChart(h);
    expect((await h.api("DELETE", "/accounting/connection")).status).toBe(204);
    const conn = await h.api<Conn>("GET", `/accounting/connection/${id}`);
    expect(conn.body).toMatchObject({ status: "unlinked", is_active: false });
    expect((await h.api("GET", "/accounting/accounts")).status).toBe(400);
    expect((await h.api("DELETE", "/accounting/connection")).status).toBe(404);
    const re = await h.api<Conn>("POST", `/accounting/connection/${id}/reactivate`);
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({ status: "linked", is_active: true });
    const accounts = await h.api<{ data: unknown[] }>("GET", "/accounting/accounts");
    expect(accounts.body.data).toHaveLength(3);
  });

  it("addresses CoA writes and reads to an inactive connection with accounting_connection_id", async () => {
    await connect(h);
    const next = await h.api<Conn>("POST", "/accounting/connection", {
      body: { remote_provider_name: "Next", is_active: false },
    });
    await uploadChart(h, next.body.id);
    const onNext = await h.api<{ data: { accounting_connection_id: string }[] }>(
      "GET",
      `/accounting/accounts?accounting_connection_id=${next.body.id}`,
    );
    expect(onNext.body.data).toHaveLength(3);
    expect(onNext.body.data.every((a) => a.accounting_connection_id === next.body.id)).toBe(true);
    expect((await h.api<{ data: unknown[] }>("GET", "/accounting/accounts")).body.data).toHaveLength(0);
  });

  it("ready-to-migrate enforces the guide's four preconditions", async () => {
    const noActive = await h.api<Conn>("POST", "/accounting/connection", {
      body: { remote_provider_name: "A", is_active: false },
    });
    // 2: no separate active connection to migrate from
    expect((await h.api("POST", `/accounting/connection/${noActive.body.id}/ready-to-migrate`)).status).toBe(
      400,
    );
    const active = await connect(h);
    // 1: must be an inactive API connection
    expect((await h.api("POST", `/accounting/connection/${active}/ready-to-migrate`)).status).toBe(400);
    const ok = await h.api<Conn>("POST", `/accounting/connection/${noActive.body.id}/ready-to-migrate`);
    expect(ok.status).toBe(200);
    expect(ok.body.is_ready_to_migrate).toBe(true);
    // 3: already marked
    expect((await h.api("POST", `/accounting/connection/${noActive.body.id}/ready-to-migrate`)).status).toBe(
      400,
    );
    // 4: another migration in progress
    const other = await h.api<Conn>("POST", "/accounting/connection", {
      body: { remote_provider_name: "B", is_active: false },
    });
    const refused = await h.api<{ error_v2: { message: string } }>(
      "POST",
      `/accounting/connection/${other.body.id}/ready-to-migrate`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error_v2.message).toMatch(/migration/i);
    // The customer switches providers in the UI.
    expect((await h.control("POST", `/connections/${noActive.body.id}/switch`)).status).toBe(200);
    const all = await h.api<{ connections: Conn[] }>("GET", "/accounting/all-connections");
    expect(all.body.connections.find((c) => c.id === noActive.body.id)).toMatchObject({
      is_active: true,
      status: "linked",
    });
    expect(all.body.connections.find((c) => c.id === active)).toMatchObject({ is_active: false });
  });

  it("refuses CoA writes and sync reports while a direct connection is active, but allows migration preloads", async () => {
    await connect(h);
    const direct = await h.control<{ connection_id: string }>("POST", "/direct-connection", { active: true });
    expect(direct.status).toBe(200);
    const refused = await h.api<{ error_v2: { message: string } }>("POST", "/accounting/accounts", {
      body: { gl_accounts: [{ id: "1", name: "X", classification: "EXPENSE" }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error_v2.message).toMatch(/direct accounting connection/);
    const txn = (await h.api<{ data: { id: string }[] }>("GET", "/transactions?sync_status=SYNC_READY")).body
      .data[0];
    const sync = await h.api("POST", "/accounting/syncs", {
      body: {
        idempotency_key: "k",
        sync_type: "TRANSACTION_SYNC",
        successful_syncs: [{ id: txn?.id, reference_id: "r" }],
      },
    });
    expect(sync.status).toBe(400);
    const inactive = await h.api<Conn>("POST", "/accounting/connection", {
      body: { remote_provider_name: "New", is_active: false },
    });
    const preload = await h.api("POST", "/accounting/accounts", {
      body: {
        accounting_connection_id: inactive.body.id,
        gl_accounts: [{ id: "1", name: "X", classification: "EXPENSE" }],
      },
    });
    expect(preload.status).toBe(201);
    const conns = await h.api<{ connections: Conn[] }>("GET", "/accounting/all-connections");
    expect(conns.body.connections.find((c) => c.is_active)).toMatchObject({
      connection_type: "DIRECT",
      settings: null,
    });
  });
});
