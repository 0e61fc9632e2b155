/** Empty chart-of-accounts containers, one per accounting connection. */
import type { Coa, Connection, ConnectionSettings } from "./model.js";
import type { Rng } from "./prng.js";
import { SortedStore } from "./sorted-store.js";

export function emptyCoa(rng: Rng): Coa {
  return {
    glCategoryId: rng.uuid(),
    vendorCategoryId: rng.uuid(),
    glAccounts: new SortedStore(),
    vendors: new SortedStore(),
    fields: new SortedStore(),
    options: new SortedStore(),
    taxRates: new SortedStore(),
    taxCodeOptions: new SortedStore(),
    taxCodeField: null,
  };
}

export function defaultSettings(): ConnectionSettings {
  return {
    transaction_sync_button_enabled: false,
    reimbursement_sync_button_enabled: false,
    transaction_accounting_vendor_creation_on_sync_enabled: false,
    vendor_credits_enabled: false,
    entity_selection_enabled: false,
  };
}

export function newConnection(
  rng: Rng,
  now: number,
  name: string,
  type: Connection["type"],
  active: boolean,
): Connection {
  return {
    id: rng.uuid(),
    name,
    type,
    isActive: active,
    status: active ? "linked" : "unlinked",
    readyToMigrate: false,
    createdAt: now,
    lastLinkedAt: active ? now : null,
    settings: defaultSettings(),
    coa: emptyCoa(rng),
  };
}
