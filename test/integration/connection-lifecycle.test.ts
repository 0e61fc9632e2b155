import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConnectionError,
  DirectConnectionActiveError,
  disconnect,
  ensureConnection,
} from "../../lib/connection/index.js";
import { type SandboxRamp, sandboxRamp, total } from "./coa-harness.js";

const SETTINGS = {
  transaction_sync_button_enabled: true,
  reimbursement_sync_button_enabled: false,
  transaction_accounting_vendor_creation_on_sync_enabled: true,
  vendor_credits_enabled: false,
};

describe("connection lifecycle over the sandbox", () => {
  let r: SandboxRamp;
  beforeEach(async () => {
    r = await sandboxRamp();
  });
  afterEach(() => r.close());

  it("creates the API connection when absent, verifies it linked, and then only reads", async () => {
    const first = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: null,
    });
    expect(first.action).toBe("created");
    expect(first.connection).toMatchObject({
      remote_provider_name: "Acme ERP",
      is_active: true,
      connection_type: "API",
    });
    expect(first.connection.status?.toLowerCase()).toBe("linked");
    expect(first.connection.settings?.transaction_sync_button_enabled).toBe(true);
    expect(first.connection.settings?.transaction_accounting_vendor_creation_on_sync_enabled).toBe(true);

    await r.resetCounters();
    const again = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: first.connection.id,
    });
    expect(again).toMatchObject({ action: "existing", settingsUpdated: false, writeCalls: 0 });
    expect(again.connection.id).toBe(first.connection.id);
    expect(total(await r.writeCalls())).toBe(0);
  });

  it("PATCHes only the settings that changed", async () => {
    const { connection } = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: null,
    });
    await r.resetCounters();
    const changed = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: { ...SETTINGS, reimbursement_sync_button_enabled: true },
      knownConnectionId: connection.id,
    });
    expect(changed.settingsUpdated).toBe(true);
    expect(changed.connection.settings?.reimbursement_sync_button_enabled).toBe(true);
    expect(await r.writeCalls()).toEqual({
      "PATCH /developer/v1/accounting/connection/{connection_id}": 1,
    });
  });

  it("stops with a clear error and writes nothing when a direct connection is active", async () => {
    await r.control("POST", "/direct-connection", { name: "QuickBooks Online" });
    await r.resetCounters();
    const err = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: null,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectConnectionActiveError);
    expect((err as Error).message).toMatch(/direct accounting connection \(QuickBooks Online\)/);
    expect((err as Error).message).toMatch(/read-only/);
    expect(total(await r.writeCalls())).toBe(0);
  });

  it("refuses to adopt another integrator's active API connection", async () => {
    await r.client.createConnection({ remote_provider_name: "Someone Else" });
    const err = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: null,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).reason).toBe("other_connection_active");
  });

  it("disconnects only with confirmation, and reactivates the known connection afterwards", async () => {
    const { connection } = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: null,
    });
    const refused = await disconnect(r.client, { confirm: false }).catch((e: unknown) => e);
    expect((refused as ConnectionError).reason).toBe("confirmation_required");
    expect((await r.client.getConnection(connection.id)).is_active).toBe(true);

    const wrong = await disconnect(r.client, { confirm: true, expectedConnectionId: "nope" }).catch(
      (e: unknown) => e,
    );
    expect((wrong as ConnectionError).reason).toBe("other_connection_active");

    const done = await disconnect(r.client, { confirm: true, expectedConnectionId: connection.id });
    expect(done.disconnected.id).toBe(connection.id);
    const after = await r.client.getConnection(connection.id);
    expect(after.is_active).toBe(false);
    expect(after.status?.toUpperCase()).toBe("UNLINKED");

    const back = await ensureConnection(r.client, {
      remoteProviderName: "Acme ERP",
      settings: SETTINGS,
      knownConnectionId: connection.id,
    });
    expect(back.action).toBe("reactivated");
    expect(back.connection.id).toBe(connection.id);
    expect(back.connection.is_active).toBe(true);
  });
});
