/**
 * The typed Ramp Developer API client for one tenant: one method per endpoint
 * the connector uses (REFERENCE §2–§12; the guide wins). Requests are validated
 * by zod before they leave, responses after they arrive; syncable objects come
 * back normalised (lib/ramp/model.ts, Money in minor units).
 */
import { z } from "zod";
import type { SyncType } from "../sync/kinds.js";
import { RampApiError } from "./errors.js";
import { createRampHttp, type Query, type RampHttp, type RampHttpDeps } from "./http.js";
import type {
  RampBill,
  RampCashback,
  RampEntity,
  RampReimbursement,
  RampTransaction,
  RampTransfer,
  RampVendorCredit,
} from "./model.js";
import {
  toBill,
  toCashback,
  toEntity,
  toReimbursement,
  toTransaction,
  toTransfer,
  toVendorCredit,
} from "./normalise.js";
import {
  type AccountingVendor,
  type AccountingVendorInput,
  AccountingVendorInputSchema,
  AccountingVendorSchema,
  AllConnectionsSchema,
  type CoaPatch,
  CoaPatchSchema,
  type Connection,
  type ConnectionCreate,
  ConnectionCreateSchema,
  ConnectionSchema,
  type ConnectionSettingsInput,
  ConnectionSettingsInputSchema,
  type Field,
  type FieldInput,
  FieldInputSchema,
  type FieldOption,
  type FieldOptionInput,
  FieldOptionInputSchema,
  FieldOptionSchema,
  FieldSchema,
  type GlAccount,
  type GlAccountInput,
  GlAccountInputSchema,
  GlAccountSchema,
  GlUploadResponseSchema,
  OptionUploadResponseSchema,
  type TaxCodeField,
  TaxCodeFieldSchema,
  type TaxCodeOption,
  type TaxCodeOptionInput,
  TaxCodeOptionInputSchema,
  TaxCodeOptionSchema,
  type TaxRate,
  type TaxRateInput,
  TaxRateInputSchema,
  TaxRateSchema,
  VendorUploadResponseSchema,
} from "./schemas/accounting.js";
import { pageSchema } from "./schemas/common.js";
import {
  BillSchema,
  CashbackSchema,
  EntitySchema,
  type RampVendor,
  type RampVendorPatch,
  RampVendorPatchSchema,
  RampVendorSchema,
  ReimbursementSchema,
  TransactionSchema,
  TransferSchema,
  VendorCreditSchema,
} from "./schemas/objects.js";
import {
  CodingRequestSchema,
  CodingResponseSchema,
  type CodingSelection,
  SyncRequestSchema,
  SyncResponseSchema,
} from "./schemas/syncs.js";
import {
  type WebhookCreate,
  type WebhookCreated,
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookListSchema,
  type WebhookSubscription,
  WebhookSubscriptionSchema,
  WebhookVerifyResponseSchema,
} from "./schemas/webhooks.js";
import {
  chunk,
  IDEMPOTENCY_KEY_REUSED,
  parseSyncRefusals,
  type SyncPostResult,
  type SyncReport,
  splitSyncReport,
} from "./sync-report.js";

export const COA_UPLOAD_MAX = 500;
const V1 = "/developer/v1";
const enc = encodeURIComponent;

export type RampClientDeps = RampHttpDeps;

/** Filters shared by the object lists; `entityId` scopes a multi-entity business. */
export interface ObjectListFilter {
  entityId?: string;
  syncStatus?: "NOT_SYNC_READY" | "SYNC_READY" | "SYNCED";
  /** Rows the customer asked to sync with the Sync button (transactions, reimbursements). */
  requestedToSync?: boolean;
  pageSize?: number;
  /** Any further query parameter Ramp accepts (from_date, state, statement_id…). */
  extra?: Query;
}

export interface BillListFilter {
  entityId?: string;
  syncReady?: boolean;
  syncStatus?: "NOT_SYNCED" | "BILL_SYNCED" | "BILL_AND_PAYMENT_SYNCED";
  paymentStatus?: "OPEN" | "PAID";
  pageSize?: number;
  extra?: Query;
}

export interface CoaListFilter {
  remoteId?: string;
  isActive?: boolean;
  code?: string;
  /** Targets an inactive connection (migration tool); default is the active one. */
  accountingConnectionId?: string;
  pageSize?: number;
  extra?: Query;
}

export interface UploadResult<T> {
  items: T[];
  /** Ramp ids of what was created, over all chunks. */
  uploaded: string[];
}

export function createRampClient(deps: RampClientDeps) {
  const http: RampHttp = createRampHttp(deps);
  const get = <T>(path: string, schema: z.ZodType<T>, query?: Query) =>
    http.request({ method: "GET", path, schema, query });
  const send = <T>(
    method: "POST" | "PATCH" | "PUT",
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    query?: Query,
  ) => http.request({ method, path, body, schema, query });
  const del = (path: string, query?: Query) =>
    http.request({ method: "DELETE", path, query }).then(() => undefined);
  const list = <W, T>(path: string, item: z.ZodType<W, unknown>, map: (w: W) => T, query: Query) => {
    const page = pageSchema(item) as unknown as z.ZodType<{
      data: W[];
      page?: { next?: string | null } | null;
    }>;
    return mapAsync(http.paginate(path, query, item as z.ZodType<W>, page), map);
  };
  const coaQuery = (f: CoaListFilter = {}): Query => ({
    remote_id: f.remoteId,
    is_active: f.isActive,
    code: f.code,
    accounting_connection_id: f.accountingConnectionId,
    page_size: f.pageSize,
    ...f.extra,
  });
  const objectQuery = (f: ObjectListFilter = {}): Query => ({
    entity_id: f.entityId,
    sync_status: f.syncStatus,
    requested_to_sync: f.requestedToSync,
    page_size: f.pageSize,
    ...f.extra,
  });
  const conn = (connectionId?: string): Query => ({ accounting_connection_id: connectionId });

  async function uploadChunks<I, T>(
    items: readonly I[],
    input: z.ZodType<I>,
    build: (batch: I[]) => Promise<{ items: T[]; uploaded: string[] }>,
  ): Promise<UploadResult<T>> {
    const valid = items.map((i) => input.parse(i));
    const out: UploadResult<T> = { items: [], uploaded: [] };
    for (const batch of chunk(valid, COA_UPLOAD_MAX)) {
      const r = await build(batch);
      out.items.push(...r.items);
      out.uploaded.push(...r.uploaded);
    }
    return out;
  }

  async function postSync(call: z.input<typeof SyncRequestSchema>): Promise<SyncPostResult> {
    const body = SyncRequestSchema.parse(call);
    try {
      const res = await send("POST", `${V1}/accounting/syncs`, body, SyncResponseSchema);
      return { outcome: "accepted", syncId: res.sync_id ?? null, idempotencyKey: body.idempotency_key };
    } catch (err) {
      if (!(err instanceof RampApiError) || !err.isValidation) throw err;
      if (err.code === IDEMPOTENCY_KEY_REUSED) {
        return { outcome: "already_applied", idempotencyKey: body.idempotency_key, traceId: err.traceId };
      }
      const refused = parseSyncRefusals(err);
      if (!refused) throw err;
      return {
        outcome: "refused",
        refused,
        idempotencyKey: body.idempotency_key,
        traceId: err.traceId,
        code: err.code,
      };
    }
  }

  return {
    tenantId: deps.tenantId,
    http,

    // ── accounting connection (§6) ────────────────────────────────────────
    async allConnections(): Promise<Connection[]> {
      return (await get(`${V1}/accounting/all-connections`, AllConnectionsSchema)).connections;
    },
    createConnection(body: ConnectionCreate): Promise<Connection> {
      return send(
        "POST",
        `${V1}/accounting/connection`,
        ConnectionCreateSchema.parse(body),
        ConnectionSchema,
      );
    },
    getConnection(connectionId: string): Promise<Connection> {
      return get(`${V1}/accounting/connection/${enc(connectionId)}`, ConnectionSchema);
    },
    updateConnectionSettings(connectionId: string, settings: ConnectionSettingsInput): Promise<Connection> {
      const body = { settings: ConnectionSettingsInputSchema.parse(settings) };
      return send("PATCH", `${V1}/accounting/connection/${enc(connectionId)}`, body, ConnectionSchema);
    },
    /** Disconnects the active API connection (Ramp takes no id). */
    deleteConnection(): Promise<void> {
      return del(`${V1}/accounting/connection`);
    },
    reactivateConnection(connectionId: string): Promise<Connection> {
      return send(
        "POST",
        `${V1}/accounting/connection/${enc(connectionId)}/reactivate`,
        undefined,
        ConnectionSchema,
      );
    },
    markReadyToMigrate(connectionId: string): Promise<Connection> {
      return send(
        "POST",
        `${V1}/accounting/connection/${enc(connectionId)}/ready-to-migrate`,
        undefined,
        ConnectionSchema,
      );
    },

    // ── GL accounts (§7.1) ───────────────────────────────────────────────
    listGlAccounts(filter?: CoaListFilter): AsyncGenerator<GlAccount> {
      return list(`${V1}/accounting/accounts`, GlAccountSchema, (x) => x, coaQuery(filter));
    },
    uploadGlAccounts(
      items: readonly GlAccountInput[],
      connectionId?: string,
    ): Promise<UploadResult<GlAccount>> {
      return uploadChunks(items, GlAccountInputSchema, async (gl_accounts) => {
        const body = { gl_accounts, ...(connectionId ? { accounting_connection_id: connectionId } : {}) };
        const r = await send("POST", `${V1}/accounting/accounts`, body, GlUploadResponseSchema);
        return { items: r.gl_accounts ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getGlAccount(rampId: string, connectionId?: string): Promise<GlAccount> {
      return get(`${V1}/accounting/accounts/${enc(rampId)}`, GlAccountSchema, conn(connectionId));
    },
    patchGlAccount(
      rampId: string,
      patch: Pick<CoaPatch, "name" | "code" | "reactivate">,
    ): Promise<GlAccount> {
      return send(
        "PATCH",
        `${V1}/accounting/accounts/${enc(rampId)}`,
        CoaPatchSchema.parse(patch),
        GlAccountSchema,
      );
    },
    deleteGlAccount(rampId: string): Promise<void> {
      return del(`${V1}/accounting/accounts/${enc(rampId)}`);
    },

    // ── custom fields and options (§7.2, §7.3) ──────────────────────────
    listFields(filter?: CoaListFilter): AsyncGenerator<Field> {
      return list(`${V1}/accounting/fields`, FieldSchema, (x) => x, coaQuery(filter));
    },
    /** Idempotent on the remote `id` at Ramp: an existing field is returned, an inactive one reactivated. */
    createField(field: FieldInput): Promise<Field> {
      return send("POST", `${V1}/accounting/fields`, FieldInputSchema.parse(field), FieldSchema);
    },
    getField(rampId: string): Promise<Field> {
      return get(`${V1}/accounting/fields/${enc(rampId)}`, FieldSchema);
    },
    patchField(rampId: string, patch: { name?: string; display_name?: string; is_splittable?: boolean }) {
      const body = z
        .strictObject({
          name: z.string().min(1).optional(),
          display_name: z.string().optional(),
          is_splittable: z.boolean().optional(),
        })
        .parse(patch);
      return send("PATCH", `${V1}/accounting/fields/${enc(rampId)}`, body, FieldSchema);
    },
    deleteField(rampId: string): Promise<void> {
      return del(`${V1}/accounting/fields/${enc(rampId)}`);
    },
    listFieldOptions(fieldRampId: string, filter?: CoaListFilter & { visibility?: "HIDDEN" | "VISIBLE" }) {
      const query = { field_id: fieldRampId, visibility: filter?.visibility, ...coaQuery(filter) };
      return list(`${V1}/accounting/field-options`, FieldOptionSchema, (x): FieldOption => x, query);
    },
    uploadFieldOptions(fieldRampId: string, options: readonly FieldOptionInput[], connectionId?: string) {
      return uploadChunks(options, FieldOptionInputSchema, async (batch) => {
        const body = {
          field_id: fieldRampId,
          options: batch,
          ...(connectionId ? { accounting_connection_id: connectionId } : {}),
        };
        const r = await send("POST", `${V1}/accounting/field-options`, body, OptionUploadResponseSchema);
        return { items: r.options ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getFieldOption(rampId: string): Promise<FieldOption> {
      return get(`${V1}/accounting/field-options/${enc(rampId)}`, FieldOptionSchema);
    },
    patchFieldOption(rampId: string, patch: CoaPatch): Promise<FieldOption> {
      return send(
        "PATCH",
        `${V1}/accounting/field-options/${enc(rampId)}`,
        CoaPatchSchema.parse(patch),
        FieldOptionSchema,
      );
    },
    deleteFieldOption(rampId: string): Promise<void> {
      return del(`${V1}/accounting/field-options/${enc(rampId)}`);
    },

    // ── accounting vendors (§7.4) ────────────────────────────────────────
    listAccountingVendors(filter?: CoaListFilter & { isSynced?: boolean }): AsyncGenerator<AccountingVendor> {
      const query = { is_synced: filter?.isSynced, ...coaQuery(filter) };
      return list(`${V1}/accounting/vendors`, AccountingVendorSchema, (x) => x, query);
    },
    uploadAccountingVendors(vendors: readonly AccountingVendorInput[], connectionId?: string) {
      return uploadChunks(vendors, AccountingVendorInputSchema, async (batch) => {
        const body = { vendors: batch, ...(connectionId ? { accounting_connection_id: connectionId } : {}) };
        const r = await send("POST", `${V1}/accounting/vendors`, body, VendorUploadResponseSchema);
        return { items: r.vendors ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getAccountingVendor(rampId: string, connectionId?: string): Promise<AccountingVendor> {
      return get(`${V1}/accounting/vendors/${enc(rampId)}`, AccountingVendorSchema, conn(connectionId));
    },
    patchAccountingVendor(rampId: string, patch: CoaPatch): Promise<AccountingVendor> {
      return send(
        "PATCH",
        `${V1}/accounting/vendors/${enc(rampId)}`,
        CoaPatchSchema.parse(patch),
        AccountingVendorSchema,
      );
    },
    deleteAccountingVendor(rampId: string): Promise<void> {
      return del(`${V1}/accounting/vendors/${enc(rampId)}`);
    },

    // ── tax (§7.5, beta) ────────────────────────────────────────────────
    listTaxRates(connectionId?: string): AsyncGenerator<TaxRate> {
      return list(`${V1}/accounting/tax/rates`, TaxRateSchema, (x) => x, conn(connectionId));
    },
    async uploadTaxRates(rates: readonly TaxRateInput[], connectionId?: string): Promise<void> {
      const valid = rates.map((r) => TaxRateInputSchema.parse(r));
      for (const tax_rates of chunk(valid, COA_UPLOAD_MAX)) {
        const body = { tax_rates, ...(connectionId ? { accounting_connection_id: connectionId } : {}) };
        await send("POST", `${V1}/accounting/tax/rates`, body, z.unknown());
      }
    },
    createTaxCodeField(name: string, connectionId?: string): Promise<TaxCodeField> {
      const body = {
        name: z.string().min(1).parse(name),
        ...(connectionId ? { accounting_connection_id: connectionId } : {}),
      };
      return send("POST", `${V1}/accounting/tax/code`, body, TaxCodeFieldSchema);
    },
    getTaxCodeField(connectionId?: string): Promise<TaxCodeField> {
      return get(`${V1}/accounting/tax/code`, TaxCodeFieldSchema, conn(connectionId));
    },
    deleteTaxCodeField(connectionId?: string): Promise<void> {
      return del(`${V1}/accounting/tax/code`, conn(connectionId));
    },
    listTaxCodeOptions(filter?: CoaListFilter): AsyncGenerator<TaxCodeOption> {
      return list(`${V1}/accounting/tax/code/options`, TaxCodeOptionSchema, (x) => x, coaQuery(filter));
    },
    async uploadTaxCodeOptions(options: readonly TaxCodeOptionInput[], connectionId?: string): Promise<void> {
      const valid = options.map((o) => TaxCodeOptionInputSchema.parse(o));
      for (const batch of chunk(valid, COA_UPLOAD_MAX)) {
        const body = { options: batch, ...(connectionId ? { accounting_connection_id: connectionId } : {}) };
        await send("POST", `${V1}/accounting/tax/code/options`, body, z.unknown());
      }
    },

    // ── Ramp vendors, vendor credits, entities (§9) ─────────────────────
    listVendors(extra?: Query): AsyncGenerator<RampVendor> {
      return list(`${V1}/vendors`, RampVendorSchema, (x) => x, { ...extra });
    },
    /** Links a Ramp (bill-pay) vendor to an accounting vendor by its remote id. */
    patchVendor(vendorId: string, patch: RampVendorPatch): Promise<RampVendor> {
      return send(
        "PATCH",
        `${V1}/vendors/${enc(vendorId)}`,
        RampVendorPatchSchema.parse(patch),
        RampVendorSchema,
      );
    },
    listVendorCredits(filter?: {
      entityId?: string;
      vendorId?: string;
      extra?: Query;
    }): AsyncGenerator<RampVendorCredit> {
      const path = filter?.vendorId
        ? `${V1}/vendors/${enc(filter.vendorId)}/credits`
        : `${V1}/vendors/credits`;
      return list(path, VendorCreditSchema, toVendorCredit, {
        entity_id: filter?.entityId,
        ...filter?.extra,
      });
    },
    async getVendorCredit(id: string): Promise<RampVendorCredit> {
      return toVendorCredit(await get(`${V1}/vendors/credits/${enc(id)}`, VendorCreditSchema));
    },
    listEntities(extra?: Query): AsyncGenerator<RampEntity> {
      return list(`${V1}/entities`, EntitySchema, toEntity, { ...extra });
    },

    // ── syncable objects (§10) ───────────────────────────────────────────
    listTransactions(filter?: ObjectListFilter): AsyncGenerator<RampTransaction> {
      return list(`${V1}/transactions`, TransactionSchema, toTransaction, objectQuery(filter));
    },
    async getTransaction(id: string): Promise<RampTransaction> {
      return toTransaction(await get(`${V1}/transactions/${enc(id)}`, TransactionSchema));
    },
    listReimbursements(filter?: ObjectListFilter): AsyncGenerator<RampReimbursement> {
      return list(`${V1}/reimbursements`, ReimbursementSchema, toReimbursement, objectQuery(filter));
    },
    async getReimbursement(id: string): Promise<RampReimbursement> {
      return toReimbursement(await get(`${V1}/reimbursements/${enc(id)}`, ReimbursementSchema));
    },
    listTransfers(filter?: ObjectListFilter): AsyncGenerator<RampTransfer> {
      return list(`${V1}/transfers`, TransferSchema, toTransfer, objectQuery(filter));
    },
    async getTransfer(id: string): Promise<RampTransfer> {
      return toTransfer(await get(`${V1}/transfers/${enc(id)}`, TransferSchema));
    },
    listCashbacks(filter?: ObjectListFilter): AsyncGenerator<RampCashback> {
      return list(`${V1}/cashbacks`, CashbackSchema, toCashback, objectQuery(filter));
    },
    async getCashback(id: string): Promise<RampCashback> {
      return toCashback(await get(`${V1}/cashbacks/${enc(id)}`, CashbackSchema));
    },
    listBills(filter: BillListFilter = {}): AsyncGenerator<RampBill> {
      const query: Query = {
        entity_id: filter.entityId,
        sync_ready: filter.syncReady,
        sync_status: filter.syncStatus,
        payment_status: filter.paymentStatus,
        page_size: filter.pageSize,
        ...filter.extra,
      };
      return list(`${V1}/bills`, BillSchema, toBill, query);
    },
    async getBill(id: string): Promise<RampBill> {
      return toBill(await get(`${V1}/bills/${enc(id)}`, BillSchema));
    },

    // ── reporting and coding (§11) ───────────────────────────────────────
    /**
     * One `POST /accounting/syncs` call (build it with splitSyncReport). Refusals and a
     * reused key come back as results, not errors; anything else Ramp refuses throws.
     */
    postSync,
    /** Splits a whole report (≤5,000 per list per call, content-derived keys) and posts every call in order. */
    async reportSyncs(report: SyncReport): Promise<SyncPostResult[]> {
      const results: SyncPostResult[] = [];
      for (const call of splitSyncReport(report)) results.push(await postSync(call));
      return results;
    },
    /** Writes coding onto a transaction (e.g. the accounting vendor it needs before TRANSACTION_SYNC). */
    async setTransactionCoding(transactionId: string, selections: readonly CodingSelection[]): Promise<void> {
      const body = CodingRequestSchema.parse({
        object_type: "TRANSACTION",
        object_id: transactionId,
        accounting_field_selections: selections,
      });
      await send("POST", `${V1}/accounting/codings`, body, CodingResponseSchema);
    },

    // ── webhooks (§12) ───────────────────────────────────────────────────
    createWebhook(body: WebhookCreate): Promise<WebhookCreated> {
      return http.request({
        method: "POST",
        path: `${V1}/webhooks`,
        body: WebhookCreateSchema.parse(body),
        schema: WebhookCreatedSchema,
        // A repeated POST would subscribe twice.
        idempotent: false,
      });
    },
    listWebhooks(): Promise<WebhookSubscription[]> {
      return get(`${V1}/webhooks`, WebhookListSchema);
    },
    getWebhook(id: string): Promise<WebhookSubscription> {
      return get(`${V1}/webhooks/${enc(id)}`, WebhookSubscriptionSchema);
    },
    deleteWebhook(id: string): Promise<void> {
      return del(`${V1}/webhooks/${enc(id)}`);
    },
    async verifyWebhook(id: string, challenge: string): Promise<boolean> {
      const res = await send(
        "POST",
        `${V1}/webhooks/${enc(id)}/verify`,
        { challenge },
        WebhookVerifyResponseSchema,
      );
      return res.success !== false;
    },
  };
}

export type RampClient = ReturnType<typeof createRampClient>;
export type { SyncType };

async function* mapAsync<A, B>(source: AsyncGenerator<A>, map: (a: A) => B): AsyncGenerator<B> {
  for await (const a of source) yield map(a);
}
