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

/** A list whose DELETE is undone by `PATCH { reactivate: true }` (docs/ramp-api.md §7). */
const softDeleted = (
  patch: (rampId: string, p: Record<string, unknown>) => Promise<unknown>,
  remove: (rampId: string) => Promise<unknown>,
): CoaWriter => ({
  patch,
  reactivate: (id) => patch(id, { reactivate: true }),
  remove,
});

export function coaWriters(client: CoaClient): Record<CoaList, CoaWriter> {
  return {
    gl_accounts: softDeleted(
      (id, p) => client.patchGlAccount(id, p),
      (id) => client.deleteGlAccount(id),
    ),
    vendors: softDeleted(
      (id, p) => client.patchAccountingVendor(id, p),
      (id) => client.deleteAccountingVendor(id),
    ),
    field_options: softDeleted(
      (id, p) => client.patchFieldOption(id, p),
      (id) => client.deleteFieldOption(id),
    ),
    fields: {
      patch: (id, p) => client.patchField(id, p),
      reactivate: async () => {
        throw new Error("fields are reactivated by create_field");
      },
      remove: (id) => client.deleteField(id),
    },
    tax_rates: softDeleted(
      (id, p) => client.patchTaxRate(id, p),
      (id) => client.deleteTaxRate(id),
    ),
    tax_code_options: softDeleted(
      (id, p) => client.patchTaxCodeOption(id, p),
      (id) => client.deleteTaxCodeOption(id),
    ),
  };
}
