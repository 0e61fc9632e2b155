/** Accounting vendors: the ERP's vendor list in Ramp (docs/ramp-api.md §7.4). */
import {
  type AccountingVendor,
  type AccountingVendorInput,
  AccountingVendorInputSchema,
  AccountingVendorSchema,
  type CoaPatch,
  CoaPatchSchema,
  VendorUploadResponseSchema,
} from "../schemas/accounting.js";
import {
  type CoaListFilter,
  coaItems,
  coaQuery,
  connBody,
  connQuery,
  type RampCore,
  type UploadResult,
  V1,
} from "./core.js";

export interface AccountingVendorsApi {
  listAccountingVendors(filter?: CoaListFilter & { isSynced?: boolean }): AsyncGenerator<AccountingVendor>;
  uploadAccountingVendors(
    vendors: readonly AccountingVendorInput[],
    connectionId?: string,
  ): Promise<UploadResult<AccountingVendor>>;
  getAccountingVendor(rampId: string, connectionId?: string): Promise<AccountingVendor>;
  patchAccountingVendor(rampId: string, patch: CoaPatch): Promise<AccountingVendor>;
  deleteAccountingVendor(rampId: string): Promise<void>;
}

export function accountingVendorsApi(core: RampCore): AccountingVendorsApi {
  const base = `${V1}/accounting/vendors`;
  const vendors = coaItems(core, base, AccountingVendorSchema, CoaPatchSchema);
  return {
    listAccountingVendors: (filter) => vendors.list({ is_synced: filter?.isSynced, ...coaQuery(filter) }),
    uploadAccountingVendors(items, connectionId) {
      return core.uploadChunks(items, AccountingVendorInputSchema, async (batch) => {
        const r = await core.send(
          "POST",
          base,
          { vendors: batch, ...connBody(connectionId) },
          VendorUploadResponseSchema,
        );
        return { items: r.vendors ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getAccountingVendor: (rampId, connectionId) => vendors.get(rampId, connQuery(connectionId)),
    patchAccountingVendor: vendors.patch,
    deleteAccountingVendor: vendors.remove,
  };
}
