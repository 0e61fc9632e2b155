/**
 * The tenant's Developer-API accounting connection: find it, create it when
 * absent, verify it reads back linked, keep its settings in line with the
 * tenant's configuration, and disconnect it on an explicit confirmation.
 *
 * A business has at most one *active* connection. When that one is a Ramp-managed
 * direct integration (QuickBooks, NetSuite…) its chart is read-only through the
 * API: we stop before writing anything and say so (DirectConnectionActiveError).
 */
import type { Connection, ConnectionSettingsInput, RampClient } from "../ramp/index.js";
import { ConnectionError, DirectConnectionActiveError } from "./errors.js";
import { settingsDiff } from "./settings.js";

export type ConnectionClient = Pick<
  RampClient,
  | "allConnections"
  | "createConnection"
  | "getConnection"
  | "updateConnectionSettings"
  | "deleteConnection"
  | "reactivateConnection"
>;

/** Status is lowercase in the spec, uppercase in the guide: compare case-insensitively (docs/ramp-api.md "Header decisions"). */
export const statusIs = (c: Pick<Connection, "status">, status: string) =>
  (c.status ?? "").toLowerCase() === status.toLowerCase();
export const typeIs = (c: Pick<Connection, "connection_type">, type: "API" | "CSV" | "DIRECT") =>
  (c.connection_type ?? "").toUpperCase() === type;
const sameName = (a: string | null | undefined, b: string) =>
  (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

export interface EnsureConnectionInput {
  remoteProviderName: string;
  settings: ConnectionSettingsInput;
  /** The id stored in the tenant config, when one was stored. */
  knownConnectionId: string | null;
}

export interface EnsureConnectionResult {
  connection: Connection;
  /** What was done: nothing (the usual case), or the write calls made. */
  action: "existing" | "created" | "upgraded_csv" | "reactivated";
  settingsUpdated: boolean;
  writeCalls: number;
}

/**
 * Returns the tenant's active, linked API connection, creating (or reactivating)
 * it when needed. Throws DirectConnectionActiveError (nothing written) when a
 * direct integration is active, ConnectionError when someone else's API
 * connection is.
 */
export async function ensureConnection(
  client: ConnectionClient,
  input: EnsureConnectionInput,
): Promise<EnsureConnectionResult> {
  const all = await client.allConnections();
  const active = all.find((c) => c.is_active);
  let writeCalls = 0;
  let action: EnsureConnectionResult["action"] = "existing";
  let connection: Connection;

  if (active && typeIs(active, "DIRECT")) {
    throw new DirectConnectionActiveError(active.id, active.remote_provider_name ?? null);
  }
  if (active && !typeIs(active, "CSV")) {
    const ours = input.knownConnectionId
      ? active.id === input.knownConnectionId
      : sameName(active.remote_provider_name, input.remoteProviderName);
    if (!ours) {
      throw new ConnectionError(
        "other_connection_active",
        `Another accounting connection (${active.remote_provider_name ?? "unnamed"}, ${active.id}) is active in Ramp; ` +
          "nothing was written. Disconnect it, or use the migration tool to switch providers.",
        active.id,
      );
    }
    connection = active;
  } else {
    const known = input.knownConnectionId ? all.find((c) => c.id === input.knownConnectionId) : undefined;
    if (!active && known && typeIs(known, "API")) {
      // Reactivating keeps the chart and settings the connection had (a new one would start empty).
      connection = await client.reactivateConnection(known.id);
      action = "reactivated";
    } else {
      // With a Universal-CSV connection active, Ramp upgrades it to an API connection.
      connection = await client.createConnection({
        remote_provider_name: input.remoteProviderName,
        settings: input.settings,
      });
      action = active ? "upgraded_csv" : "created";
    }
    writeCalls++;
  }

  const readBack = await client.getConnection(connection.id);
  if (!readBack.is_active || !statusIs(readBack, "linked")) {
    throw new ConnectionError(
      "not_linked",
      `Accounting connection ${readBack.id} reads back ${readBack.status ?? "without a status"}` +
        `${readBack.is_active ? "" : " and inactive"}; expected an active, linked connection.`,
      readBack.id,
    );
  }
  const diff = settingsDiff(readBack, input.settings);
  let settingsUpdated = false;
  let result = readBack;
  if (diff) {
    result = await client.updateConnectionSettings(readBack.id, diff);
    settingsUpdated = true;
    writeCalls++;
  }
  return { connection: result, action, settingsUpdated, writeCalls };
}

/**
 * Disconnects the tenant's active API connection. Irreversible for the customer's
 * coding until reactivated, so it needs `confirm: true`; with `expectedConnectionId`
 * it refuses to disconnect any other connection.
 */
export async function disconnect(
  client: Pick<RampClient, "allConnections" | "deleteConnection">,
  opts: { confirm: boolean; expectedConnectionId?: string | null },
): Promise<{ disconnected: Connection }> {
  if (!opts.confirm) {
    throw new ConnectionError(
      "confirmation_required",
      "Disconnecting hides this connection's chart of accounts from every Ramp user; pass --confirm to proceed.",
    );
  }
  const active = (await client.allConnections()).find((c) => c.is_active);
  if (!active) throw new ConnectionError("not_found", "No accounting connection is active in Ramp.");
  if (!typeIs(active, "API")) {
    throw new ConnectionError(
      active.connection_type && typeIs(active, "DIRECT")
        ? "direct_connection_active"
        : "other_connection_active",
      `The active connection (${active.remote_provider_name ?? "unnamed"}, ${active.connection_type ?? "unknown type"}) ` +
        "is not an API connection; only API connections can be disconnected through the API.",
      active.id,
    );
  }
  if (opts.expectedConnectionId && active.id !== opts.expectedConnectionId) {
    throw new ConnectionError(
      "other_connection_active",
      `The active connection ${active.id} is not the tenant's (${opts.expectedConnectionId}); nothing was disconnected.`,
      active.id,
    );
  }
  await client.deleteConnection();
  return { disconnected: active };
}
