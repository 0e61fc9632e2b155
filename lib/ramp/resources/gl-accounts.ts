/** GL accounts (docs/ramp-api.md §7.1). */
import {
  type CoaPatch,
  CoaPatchSchema,
  type GlAccount,
  type GlAccountInput,
  GlAccountInputSchema,
  GlAccountSchema,
  GlUploadResponseSchema,
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

export type GlAccountPatch = Pick<CoaPatch, "name" | "code" | "reactivate">;

export interface GlAccountsApi {
  listGlAccounts(filter?: CoaListFilter): AsyncGenerator<GlAccount>;
  uploadGlAccounts(items: readonly GlAccountInput[], connectionId?: string): Promise<UploadResult<GlAccount>>;
  getGlAccount(rampId: string, connectionId?: string): Promise<GlAccount>;
  patchGlAccount(rampId: string, patch: GlAccountPatch): Promise<GlAccount>;
  deleteGlAccount(rampId: string): Promise<void>;
}

export function glAccountsApi(core: RampCore): GlAccountsApi {
  const base = `${V1}/accounting/accounts`;
  const gl = coaItems(core, base, GlAccountSchema, CoaPatchSchema);
  return {
    listGlAccounts: (filter) => gl.list(coaQuery(filter)),
    uploadGlAccounts(items, connectionId) {
      return core.uploadChunks(items, GlAccountInputSchema, async (gl_accounts) => {
        const r = await core.send(
          "POST",
          base,
          { gl_accounts, ...connBody(connectionId) },
          GlUploadResponseSchema,
        );
        return { items: r.gl_accounts ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getGlAccount: (rampId, connectionId) => gl.get(rampId, connQuery(connectionId)),
    patchGlAccount: gl.patch,
    deleteGlAccount: gl.remove,
  };
}
