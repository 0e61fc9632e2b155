/** Accounting vendors: the ERP's vendor list in Ramp (REFERENCE §7.4). */
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
  coaQuery,
  connBody,
  connQuery,
  enc,
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

export function accountingVendorsApi({ get, send, del, list, uploadChunks }: RampCore): AccountingVendorsApi {
  const base = `${V1}/accounting/vendors`;
  return {
    listAccountingVendors(filter) {
      const query = { is_synced: filter?.isSynced, ...coaQuery(filter) };
      return list(base, AccountingVendorSchema, (x) => x, query);
    },
    uploadAccountingVendors(vendors, connectionId) {
      return uploadChunks(vendors, AccountingVendorInputSchema, async (batch) => {
        const body = { vendors: batch, ...connBody(connectionId) };
        const r = await send("POST", base, body, VendorUploadResponseSchema);
        return { items: r.vendors ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getAccountingVendor(rampId, connectionId) {
      return get(`${base}/${enc(rampId)}`, AccountingVendorSchema, connQuery(connectionId));
    },
    patchAccountingVendor(rampId, patch) {
      return send("PATCH", `${base}/${enc(rampId)}`, CoaPatchSchema.parse(patch), AccountingVendorSchema);
    },
    deleteAccountingVendor(rampId) {
      return del(`${base}/${enc(rampId)}`);
    },
  };
}
