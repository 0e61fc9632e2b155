/**
 * The tenant's connection settings (lib/config/tenant.ts) in Ramp's wire names,
 * and the difference from what Ramp holds — so a push PATCHes only when a flag
 * really changed (a push with no change makes no write call).
 */
import type { TenantConfig } from "../config/tenant.js";
import type { Connection, ConnectionSettingsInput } from "../ramp/index.js";

/**
 * `vendor_credits_enabled` comes from `objectTypes.vendorCredits`: one setting turns credits on
 * for the connection and for export together (tenant schema v2).
 */
export function rampSettingsOf(
  tenant: Pick<TenantConfig, "objectTypes"> & { ramp: Pick<TenantConfig["ramp"], "settings"> },
): Required<ConnectionSettingsInput> {
  const settings = tenant.ramp.settings;
  return {
    transaction_sync_button_enabled: settings.transactionSyncButton,
    reimbursement_sync_button_enabled: settings.reimbursementSyncButton,
    transaction_accounting_vendor_creation_on_sync_enabled: settings.vendorCreationOnSync,
    vendor_credits_enabled: tenant.objectTypes.vendorCredits,
  };
}

/** The flags of `want` that differ from the connection's current settings; null when none do. */
export function settingsDiff(
  connection: Pick<Connection, "settings">,
  want: ConnectionSettingsInput,
): ConnectionSettingsInput | null {
  const have = (connection.settings ?? {}) as Record<string, unknown>;
  const diff: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(want)) {
    // Ramp defaults every flag to false; a missing flag reads as false.
    if (typeof v === "boolean" && (have[k] ?? false) !== v) diff[k] = v;
  }
  return Object.keys(diff).length ? (diff as ConnectionSettingsInput) : null;
}
