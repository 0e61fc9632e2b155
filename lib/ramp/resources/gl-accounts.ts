/** GL accounts (REFERENCE §7.1). */
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
  coaQuery,
  connBody,
  connQuery,
  enc,
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

export function glAccountsApi({ get, send, del, list, uploadChunks }: RampCore): GlAccountsApi {
  const base = `${V1}/accounting/accounts`;
  return {
    listGlAccounts(filter) {
      return list(base, GlAccountSchema, (x) => x, coaQuery(filter));
    },
    uploadGlAccounts(items, connectionId) {
      return uploadChunks(items, GlAccountInputSchema, async (gl_accounts) => {
        const body = { gl_accounts, ...connBody(connectionId) };
        const r = await send("POST", base, body, GlUploadResponseSchema);
        return { items: r.gl_accounts ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getGlAccount(rampId, connectionId) {
      return get(`${base}/${enc(rampId)}`, GlAccountSchema, connQuery(connectionId));
    },
    patchGlAccount(rampId, patch) {
      return send("PATCH", `${base}/${enc(rampId)}`, CoaPatchSchema.parse(patch), GlAccountSchema);
    },
    deleteGlAccount(rampId) {
      return del(`${base}/${enc(rampId)}`);
    },
  };
}
