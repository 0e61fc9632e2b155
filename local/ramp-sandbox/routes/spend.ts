/**
 * Read endpoints for spend objects, Ramp vendors, vendor credits and entities, with the list
 * filters an integration uses (`sync_status`, bills' `sync_ready` decision table,
 * `requested_to_sync`, `entity_id`, dates) and keyset pagination.
 */
import { billSyncReady, serializeContext } from "../business.js";
import { notFound, refused } from "../errors.js";
import {
  boolParam,
  type Ctx,
  enumParam,
  ok,
  type Pageable,
  paginate,
  type Route,
  route,
  timeParam,
} from "../http.js";
import type { Business, Entity, RampVendor, SyncStatus } from "../model.js";
import {
  billToApi,
  cashbackToApi,
  entityToApi,
  reimbursementToApi,
  transactionToApi,
  transferToApi,
  vendorCreditToApi,
  vendorToApi,
} from "../serialize.js";
import type { SortedStore } from "../sorted-store.js";

const V1 = "/developer/v1";
const SYNC_STATUSES = ["NOT_SYNC_READY", "SYNC_READY", "SYNCED"] as const;

interface SyncFilterable {
  status: SyncStatus;
  entityId: string;
  syncedAt: number | null;
  sync: { requestedToSync: boolean; history: unknown[] };
}

/** Filters shared by transactions, reimbursements, transfers and cashbacks. */
function syncFilter(ctx: Ctx): (o: SyncFilterable) => boolean {
  const status = enumParam(ctx.query, "sync_status", SYNC_STATUSES);
  const ready = boolParam(ctx.query, "sync_ready");
  const requested = boolParam(ctx.query, "requested_to_sync");
  const entityId = ctx.query.get("entity_id");
  const syncedAfter = timeParam(ctx.query, "synced_after");
  const noCommits = boolParam(ctx.query, "has_no_sync_commits");
  return (o) =>
    (status === undefined || o.status === status) &&
    (ready === undefined || (o.status === "SYNC_READY") === ready) &&
    (requested === undefined || o.sync.requestedToSync === requested) &&
    (entityId === null || o.entityId === entityId) &&
    (syncedAfter === undefined || (o.syncedAt !== null && o.syncedAt > syncedAfter)) &&
    (noCommits === undefined || (o.syncedAt === null) === noCommits);
}

function getOne<T extends { id: string }>(
  store: (b: Business) => SortedStore<T>,
  param: string,
  what: string,
  toApi: (ctx: Ctx, x: T) => unknown,
) {
  return (ctx: Ctx) => {
    const id = ctx.params[param] as string;
    const x = store(ctx.biz).get(id);
    if (!x) throw notFound(what, id);
    return ok(toApi(ctx, x));
  };
}

export const spendRoutes: Route[] = [
  route("GET", `${V1}/transactions`, ["transactions:read"], (ctx) => {
    const base = syncFilter(ctx);
    const from = timeParam(ctx.query, "from_date");
    const to = timeParam(ctx.query, "to_date");
    const limitId = ctx.query.get("limit_id");
    const state = ctx.query.get("state");
    const sc = serializeContext(ctx.biz);
    return paginate(
      ctx,
      ctx.biz.transactions,
      (t) =>
        base(t) &&
        (from === undefined || t.userTime >= from) &&
        (to === undefined || t.userTime <= to) &&
        (limitId === null || t.limitId === limitId) &&
        (state === null || state === "ALL" || t.state === state),
      (t) => transactionToApi(t, sc),
    );
  }),
  route(
    "GET",
    `${V1}/transactions/{transaction_id}`,
    ["transactions:read"],
    getOne(
      (b) => b.transactions,
      "transaction_id",
      "Transaction",
      (ctx, t) => transactionToApi(t, serializeContext(ctx.biz)),
    ),
  ),

  route("GET", `${V1}/reimbursements`, ["reimbursements:read"], (ctx) => {
    const base = syncFilter(ctx);
    const updatedAfter = timeParam(ctx.query, "updated_after");
    return paginate(
      ctx,
      ctx.biz.reimbursements,
      (r) => base(r) && (updatedAfter === undefined || r.sync.updatedAt > updatedAfter),
      reimbursementToApi,
    );
  }),
  route(
    "GET",
    `${V1}/reimbursements/{reimbursement_id}`,
    ["reimbursements:read"],
    getOne(
      (b) => b.reimbursements,
      "reimbursement_id",
      "Reimbursement",
      (_c, r) => reimbursementToApi(r),
    ),
  ),

  route("GET", `${V1}/transfers`, ["transfers:read"], (ctx) => {
    const base = syncFilter(ctx);
    const status = ctx.query.get("status");
    return paginate(
      ctx,
      ctx.biz.transfers,
      (t) => base(t) && (status === null || t.transferStatus === status),
      transferToApi,
    );
  }),
  route(
    "GET",
    `${V1}/transfers/{transfer_id}`,
    ["transfers:read"],
    getOne(
      (b) => b.transfers,
      "transfer_id",
      "Transfer",
      (_c, t) => transferToApi(t),
    ),
  ),

  route("GET", `${V1}/cashbacks`, ["cashbacks:read"], (ctx) =>
    paginate(ctx, ctx.biz.cashbacks, syncFilter(ctx), cashbackToApi),
  ),
  route(
    "GET",
    `${V1}/cashbacks/{cashback_id}`,
    ["cashbacks:read"],
    getOne(
      (b) => b.cashbacks,
      "cashback_id",
      "Cashback",
      (_c, x) => cashbackToApi(x),
    ),
  ),

  route("GET", `${V1}/bills`, ["bills:read"], (ctx) => {
    const q = ctx.query;
    const ready = boolParam(q, "sync_ready");
    const status = enumParam(q, "sync_status", [
      "NOT_SYNCED",
      "BILL_SYNCED",
      "BILL_AND_PAYMENT_SYNCED",
    ] as const);
    const payStatus = enumParam(q, "payment_status", ["OPEN", "PAID"] as const);
    const approval = q.get("approval_status");
    const entityId = q.get("entity_id");
    const vendorId = q.get("vendor_id");
    const archived = boolParam(q, "is_archived") ?? false;
    const fromCreated = timeParam(q, "from_created_at");
    const toCreated = timeParam(q, "to_created_at");
    const sc = serializeContext(ctx.biz, ctx.sb);
    return paginate(
      ctx,
      ctx.biz.bills,
      (b) =>
        (ready === undefined || billSyncReady(b) === ready) &&
        (status === undefined || b.status === status) &&
        (payStatus === undefined || b.payStatus === payStatus) &&
        (approval === null || b.approval === approval) &&
        (entityId === null || b.entityId === entityId) &&
        (vendorId === null || b.vendorId === vendorId) &&
        b.archived === archived &&
        (fromCreated === undefined || b.createdAt >= fromCreated) &&
        (toCreated === undefined || b.createdAt <= toCreated),
      (b) => billToApi(b, sc),
    );
  }),
  route(
    "GET",
    `${V1}/bills/{bill_id}`,
    ["bills:read"],
    getOne(
      (b) => b.bills,
      "bill_id",
      "Bill",
      (ctx, b) => billToApi(b, serializeContext(ctx.biz, ctx.sb)),
    ),
  ),

  route("GET", `${V1}/vendors`, ["vendors:read"], (ctx) => {
    const active = boolParam(ctx.query, "is_active");
    const name = ctx.query.get("name");
    const remoteIds = ctx.query.get("accounting_vendor_remote_ids")?.split(",").filter(Boolean);
    return paginate(
      ctx,
      ctx.biz.vendors,
      (v) =>
        (active === undefined || v.isActive === active) &&
        (name === null || v.name.toLowerCase().includes(name.toLowerCase())) &&
        (remoteIds === undefined ||
          (v.accountingVendorRemoteId !== null && remoteIds.includes(v.accountingVendorRemoteId))),
      (v) => vendorToApi(v),
    );
  }),
  route("GET", `${V1}/vendors/credits`, ["vendors:read"], (ctx) => creditList(ctx, null)),
  route(
    "GET",
    `${V1}/vendors/credits/{vendor_credit_id}`,
    ["vendors:read"],
    getOne(
      (b) => b.vendorCredits,
      "vendor_credit_id",
      "Vendor credit",
      (_c, x) => vendorCreditToApi(x),
    ),
  ),
  route("GET", `${V1}/vendors/{vendor_id}/credits`, ["vendors:read"], (ctx) => {
    const id = ctx.params.vendor_id as string;
    if (!ctx.biz.vendors.get(id)) throw notFound("Vendor", id);
    return creditList(ctx, id);
  }),
  route(
    "GET",
    `${V1}/vendors/{vendor_id}`,
    ["vendors:read"],
    getOne(
      (b) => b.vendors,
      "vendor_id",
      "Vendor",
      (_c, v) => vendorToApi(v, true),
    ),
  ),
  route("PATCH", `${V1}/vendors/{vendor_id}`, ["vendors:write"], (ctx) => {
    const id = ctx.params.vendor_id as string;
    const v = ctx.biz.vendors.get(id);
    if (!v) throw notFound("Vendor", id);
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    if ("accounting_vendor_remote_id" in body) {
      const r = body.accounting_vendor_remote_id;
      const remoteId = typeof r === "string" && r ? r : null;
      // An accounting vendor is linked to one Ramp vendor only (docs/ramp-api.md §9.1). The error's
      // shape is not documented: a 400 naming the holder, like the sandbox's other refusals.
      const holder = remoteId
        ? ctx.biz.vendors.all().find((o) => o.id !== id && holdsLink(o, remoteId))
        : undefined;
      if (holder)
        throw refused(`accounting vendor ${remoteId} is already linked to vendor ${holder.id}`, {
          accounting_vendor_remote_id: [`already linked to vendor ${holder.id}`],
        });
      v.accountingVendorRemoteId = remoteId;
      // An explicit link replaces the per-entity ones the sandbox set up.
      delete v.accountingVendorRemoteIdByEntity;
    }
    if (typeof body.is_active === "boolean") v.isActive = body.is_active;
    if ("external_vendor_id" in body)
      v.externalVendorId = typeof body.external_vendor_id === "string" ? body.external_vendor_id : null;
    return ok(vendorToApi(v));
  }),

  route("GET", `${V1}/entities`, ["entities:read"], (ctx) => {
    const currency = ctx.query.get("currency");
    const primary = boolParam(ctx.query, "is_primary");
    const name = ctx.query.get("entity_name");
    const store = entityStore(ctx.biz);
    return paginate(
      ctx,
      store,
      (e) =>
        (currency === null || e.currency === currency) &&
        (primary === undefined || e.isPrimary === primary) &&
        (name === null || e.name === name),
      entityToApi,
    );
  }),
  route("GET", `${V1}/entities/{entity_id}`, ["entities:read"], (ctx) => {
    const id = ctx.params.entity_id as string;
    const e = ctx.biz.entities.find((x) => x.id === id);
    if (!e) throw notFound("Entity", id);
    return ok(entityToApi(e));
  }),
];

/**
 * Ramp's credit filters (docs/ramp-api.md §9.2): `include_fully_used` (default false: a credit
 * whose remaining amount is 0 is left out), `from_/to_created_at` and `from_/to_accounting_date`,
 * inclusive like the bill list's date filters. No updated-at filter exists.
 */
function creditList(ctx: Ctx, vendorId: string | null) {
  const q = ctx.query;
  const entityId = q.get("entity_id");
  const includeUsed = boolParam(q, "include_fully_used") ?? false;
  const fromCreated = timeParam(q, "from_created_at");
  const toCreated = timeParam(q, "to_created_at");
  const fromAccounting = timeParam(q, "from_accounting_date");
  const toAccounting = timeParam(q, "to_accounting_date");
  return paginate(
    ctx,
    ctx.biz.vendorCredits,
    (c) =>
      (vendorId === null || c.vendorId === vendorId) &&
      (entityId === null || c.entityId === entityId) &&
      (includeUsed || c.remainingMinor > 0) &&
      (fromCreated === undefined || c.createdAt >= fromCreated) &&
      (toCreated === undefined || c.createdAt <= toCreated) &&
      (fromAccounting === undefined || c.accountingDate >= fromAccounting) &&
      (toAccounting === undefined || c.accountingDate <= toAccounting),
    vendorCreditToApi,
  );
}

/** Entities are few; a sorted view is built per call. */
function entityStore(biz: Business): Pageable<Entity> {
  const sorted = [...biz.entities].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    page(start, limit, match) {
      const from = start === undefined ? sorted : sorted.filter((e) => e.id > start);
      const hits = from.filter(match);
      return { items: hits.slice(0, limit), more: hits.length > limit };
    },
  };
}

/** Whether a Ramp vendor holds the link to this accounting vendor, directly or for one of its entities. */
function holdsLink(v: RampVendor, remoteId: string): boolean {
  return (
    v.accountingVendorRemoteId === remoteId ||
    Object.values(v.accountingVendorRemoteIdByEntity ?? {}).includes(remoteId)
  );
}
