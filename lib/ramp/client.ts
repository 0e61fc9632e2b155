/**
 * The typed Ramp Developer API client for one tenant: one method per endpoint
 * the connector uses (docs/ramp-api.md §2–§12; Ramp's guide wins), grouped by resource in
 * lib/ramp/resources/. Requests are validated by zod before they leave,
 * responses after they arrive; syncable objects come back normalised
 * (lib/ramp/model.ts, Money in minor units).
 */
import type { SyncType } from "../domain/kinds.js";
import { createRampHttp, type RampHttp, type RampHttpDeps } from "./http.js";
import { type AccountingVendorsApi, accountingVendorsApi } from "./resources/accounting-vendors.js";
import { type ConnectionsApi, connectionsApi } from "./resources/connections.js";
import { createRampCore } from "./resources/core.js";
import { type CustomFieldsApi, customFieldsApi } from "./resources/custom-fields.js";
import { type GlAccountsApi, glAccountsApi } from "./resources/gl-accounts.js";
import { type ReceiptsApi, receiptsApi } from "./resources/receipts.js";
import { type SpendApi, spendApi } from "./resources/spend.js";
import { type SyncApi, syncApi } from "./resources/sync.js";
import { type TaxApi, taxApi } from "./resources/tax.js";
import { type VendorsApi, vendorsApi } from "./resources/vendors.js";
import { type WebhooksApi, webhooksApi } from "./resources/webhooks.js";

export type { AccountingVendorsApi } from "./resources/accounting-vendors.js";
export type { ConnectionsApi } from "./resources/connections.js";
export { COA_UPLOAD_MAX, type CoaListFilter, type UploadResult } from "./resources/core.js";
export type { CustomFieldsApi, FieldOptionFilter } from "./resources/custom-fields.js";
export type { GlAccountPatch, GlAccountsApi } from "./resources/gl-accounts.js";
export type { ReceiptListFilter, ReceiptsApi } from "./resources/receipts.js";
export type { BillListFilter, ObjectListFilter, SpendApi } from "./resources/spend.js";
export type { SyncApi } from "./resources/sync.js";
export type { TaxApi } from "./resources/tax.js";
export type { VendorCreditFilter, VendorsApi } from "./resources/vendors.js";
export type { WebhooksApi } from "./resources/webhooks.js";

export type RampClientDeps = RampHttpDeps;

/** The whole client: every resource's methods, over one tenant's HTTP core. */
export interface RampClient
  extends ConnectionsApi,
    GlAccountsApi,
    CustomFieldsApi,
    AccountingVendorsApi,
    TaxApi,
    VendorsApi,
    SpendApi,
    ReceiptsApi,
    SyncApi,
    WebhooksApi {
  readonly tenantId: string;
  /** The shared HTTP core, for the few reads no typed method covers (e.g. a raw ready-to-sync page). */
  readonly http: RampHttp;
}

export function createRampClient(deps: RampClientDeps): RampClient {
  const http = createRampHttp(deps);
  const core = createRampCore(http);
  return {
    tenantId: deps.tenantId,
    http,
    ...connectionsApi(core),
    ...glAccountsApi(core),
    ...customFieldsApi(core),
    ...accountingVendorsApi(core),
    ...taxApi(core),
    ...vendorsApi(core),
    ...spendApi(core),
    ...receiptsApi(core),
    ...syncApi(core),
    ...webhooksApi(core),
  };
}

export type { SyncType };
