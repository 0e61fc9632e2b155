/**
 * The single-item writes of each CoA list, as the typed Ramp client provides them:
 * the executor patches, reactivates and deletes through this table and never
 * names a path. The plan's patches are built per list (lib/coa/plan.ts), so each
 * writer receives the keys its own PATCH takes.
 */
import type { RampClient } from "../ramp/index.js";
import type { CoaList } from "./types.js";

/** The part of the Ramp client coa-push writes through. */
export type CoaClient = Pick<
  RampClient,
  | "uploadGlAccounts"
  | "patchGlAccount"
  | "deleteGlAccount"
  | "createField"
  | "patchField"
  | "deleteField"
  | "uploadFieldOptions"
  | "patchFieldOption"
  | "deleteFieldOption"
  | "uploadAccountingVendors"
  | "patchAccountingVendor"
  | "deleteAccountingVendor"
  | "uploadTaxRates"
  | "patchTaxRate"
  | "deleteTaxRate"
  | "createTaxCodeField"
  | "uploadTaxCodeOptions"
  | "patchTaxCodeOption"
  | "deleteTaxCodeOption"
  | "patchVendor"
>;

export interface CoaWriter {
  patch(rampId: string, patch: Record<string, unknown>): Promise<unknown>;
  reactivate(rampId: string): Promise<unknown>;
  remove(rampId: string): Promise<unknown>;
}

export function coaWriters(client: CoaClient): Record<CoaList, CoaWriter> {
  return {
    gl_accounts: {
      patch: (id, p) => client.patchGlAccount(id, p),
      reactivate: (id) => client.patchGlAccount(id, { reactivate: true }),
      remove: (id) => client.deleteGlAccount(id),
    },
    vendors: {
      patch: (id, p) => client.patchAccountingVendor(id, p),
      reactivate: (id) => client.patchAccountingVendor(id, { reactivate: true }),
      remove: (id) => client.deleteAccountingVendor(id),
    },
    field_options: {
      patch: (id, p) => client.patchFieldOption(id, p),
      reactivate: (id) => client.patchFieldOption(id, { reactivate: true }),
      remove: (id) => client.deleteFieldOption(id),
    },
    fields: {
      patch: (id, p) => client.patchField(id, p),
      reactivate: async () => {
        throw new Error("fields are reactivated by create_field");
      },
      remove: (id) => client.deleteField(id),
    },
    tax_rates: {
      patch: (id, p) => client.patchTaxRate(id, p),
      reactivate: (id) => client.patchTaxRate(id, { reactivate: true }),
      remove: (id) => client.deleteTaxRate(id),
    },
    tax_code_options: {
      patch: (id, p) => client.patchTaxCodeOption(id, p),
      reactivate: (id) => client.patchTaxCodeOption(id, { reactivate: true }),
      remove: (id) => client.deleteTaxCodeOption(id),
    },
  };
}
