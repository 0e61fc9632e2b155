/**
 * `POST /accounting/syncs` (report results), `POST /accounting/codings` (write coding) and
 * `POST /accounting/ready-to-sync`. Refusals follow docs/ramp-api.md "Header decisions": a report naming
 * objects that cannot be accepted is a 422 whose `additional_info.refused` lists each id with a
 * reason (ALREADY_SYNCED, NOT_READY, WRONG_SYNC_TYPE, NOT_FOUND, VENDOR_CODING_REQUIRED,
 * INACTIVE_CODING); a refused call does not consume its idempotency key; reusing an accepted key is
 * 400 DEVELOPER_7005.
 *
 * INACTIVE_CODING: the guide's delete-vs-hide table says an object coded to a deleted item keeps its
 * coding but the item "cannot be synced". It names no error, so the sandbox answers the way it
 * refuses every other per-object problem of a report: the 422 listing the id with a reason (and a
 * message naming the item). Only successes are refused: a failed sync is how the integration tells
 * the user to recode, so it must go through. HIDDEN options stay syncable.
 */

import { asObject, batch, type Obj, optString, optStringArray, reqString } from "../body.js";
import {
  activeApiConnection,
  activeConnection,
  addHistory,
  billSyncReady,
  findSpend,
  serializeContext,
} from "../business.js";
import { scopedTo } from "../chart.js";
import { inactiveSelection, selectionsOf } from "../coding-checks.js";
import { ApiError, CODES, notFound, refused, validation } from "../errors.js";
import { ok, type Route, route } from "../http.js";
import { markReady } from "../lifecycle.js";
import type { Bill, Business, Selection, SpendObject, Txn } from "../model.js";
import { requiresVendorCreation, transactionToApi } from "../serialize.js";
import { findOptionAnywhere } from "./coa.js";

const W = ["accounting:write"];
const P = "/developer/v1/accounting";

export const SYNC_TYPES = [
  "ACCRUAL_SYNC",
  "BANKING_TRANSACTION_SYNC",
  "BILL_PAYMENT_SYNC",
  "BILL_SYNC",
  "BROKERAGE_ORDER_SYNC",
  "PAYEE_SYNC",
  "REIMBURSEMENT_SYNC",
  "STATEMENT_CREDIT_SYNC",
  "TRACKING_CATEGORY_OPTION_SYNC",
  "TRANSACTION_SYNC",
  "TRANSFER_SYNC",
  "WALLET_TRANSFER_SYNC",
] as const;

const KIND_BY_TYPE: Partial<Record<string, SpendObject["kind"]>> = {
  TRANSACTION_SYNC: "transaction",
  REIMBURSEMENT_SYNC: "reimbursement",
  TRANSFER_SYNC: "transfer",
  STATEMENT_CREDIT_SYNC: "cashback",
  BILL_SYNC: "bill",
  BILL_PAYMENT_SYNC: "bill",
};

export type RefusalReason =
  | "ALREADY_SYNCED"
  | "NOT_READY"
  | "WRONG_SYNC_TYPE"
  | "NOT_FOUND"
  | "VENDOR_CODING_REQUIRED"
  | "INACTIVE_CODING";

interface Item {
  id: string;
  success: boolean;
  referenceId?: string;
  deepLinkUrl?: string;
  message?: string;
}

function parseItems(body: Obj): Item[] {
  const items: Item[] = [];
  if (body.successful_syncs !== undefined) {
    batch(body, "successful_syncs", 1, 5000).forEach((raw, i) => {
      const w = `successful_syncs[${i}]`;
      const o = asObject(raw, w);
      items.push({
        id: reqString(o, "id", `${w}.id`),
        success: true,
        referenceId: reqString(o, "reference_id", `${w}.reference_id`),
        deepLinkUrl: optString(o, "deep_link_url", `${w}.deep_link_url`),
      });
    });
  }
  if (body.failed_syncs !== undefined) {
    batch(body, "failed_syncs", 1, 5000).forEach((raw, i) => {
      const w = `failed_syncs[${i}]`;
      const o = asObject(raw, w);
      const err = asObject(o.error, `${w}.error`);
      items.push({
        id: reqString(o, "id", `${w}.id`),
        success: false,
        message: reqString(err, "message", `${w}.error.message`),
      });
    });
  }
  if (items.length === 0) {
    throw validation("successful_syncs or failed_syncs is required", "successful_syncs", [
      "Missing data for required field.",
    ]);
  }
  return items;
}

interface Refusal {
  reason: RefusalReason;
  message?: string;
}

/** Why this object cannot take this report, or null when it can. */
function refusal(biz: Business, syncType: string, item: Item): Refusal | null {
  const reason = stateRefusal(biz, syncType, item);
  if (reason) return { reason };
  const conn = activeApiConnection(biz);
  const obj = findSpend(biz, item.id);
  if (!item.success || !conn || !obj) return null;
  const dead = inactiveSelection(conn, selectionsOf(obj));
  return dead
    ? {
        reason: "INACTIVE_CODING",
        message: `coded to ${dead.category.name} "${dead.name}" (${dead.external_id}), which is deleted`,
      }
    : null;
}

/** Refusals from the object's sync state (or its vendor coding), before its coding is looked at. */
function stateRefusal(biz: Business, syncType: string, item: Item): RefusalReason | null {
  const obj = findSpend(biz, item.id);
  if (!obj) return "NOT_FOUND";
  if (KIND_BY_TYPE[syncType] !== obj.kind) return "WRONG_SYNC_TYPE";
  if (obj.kind === "bill") {
    if (syncType === "BILL_SYNC") {
      if (obj.status !== "NOT_SYNCED") return "ALREADY_SYNCED";
      return billSyncReady(obj) ? null : "NOT_READY";
    }
    if (obj.status === "BILL_AND_PAYMENT_SYNCED") return "ALREADY_SYNCED";
    return obj.status === "BILL_SYNCED" && obj.payStatus === "PAID" && billSyncReady(obj)
      ? null
      : "NOT_READY";
  }
  if (obj.status === "SYNCED") return "ALREADY_SYNCED";
  if (obj.status !== "SYNC_READY") return "NOT_READY";
  if (item.success && obj.kind === "transaction" && requiresVendorCreation(obj, serializeContext(biz))) {
    return "VENDOR_CODING_REQUIRED";
  }
  return null;
}

function applySuccess(o: SpendObject, syncType: string, item: Item, now: number): void {
  o.sync.lastError = null;
  o.sync.referenceId = item.referenceId ?? null;
  o.sync.requestedToSync = false;
  if (o.kind === "bill") {
    const b: Bill = o;
    if (syncType === "BILL_SYNC") {
      b.status = "BILL_SYNCED";
      b.billSyncedAt = now;
      b.remoteId = item.referenceId ?? null;
      if (item.deepLinkUrl) b.deepLinkUrl = item.deepLinkUrl;
    } else {
      b.status = "BILL_AND_PAYMENT_SYNCED";
    }
  } else {
    o.status = "SYNCED";
    o.syncedAt = now;
  }
  addHistory(o, now, "synced", { sync_type: syncType, reference_id: item.referenceId });
}

export const syncRoutes: Route[] = [
  route("POST", `${P}/syncs`, W, (ctx) => {
    const { sb, biz } = ctx;
    const body = asObject(ctx.body);
    const key = reqString(body, "idempotency_key");
    const syncType = body.sync_type;
    if (typeof syncType !== "string" || !(SYNC_TYPES as readonly string[]).includes(syncType)) {
      throw validation(`sync_type: must be one of ${SYNC_TYPES.join(", ")}`, "sync_type");
    }
    const syncRequestId = optString(body, "sync_request_id");
    const items = parseItems(body);
    const active = activeConnection(biz);
    if (active?.type === "DIRECT")
      throw refused("Direct accounting connections cannot mark objects as synced via API");
    if (!activeApiConnection(biz)) throw refused("No active API-based accounting connection");
    if (biz.syncs.has(key)) {
      throw new ApiError(400, CODES.idempotencyReused, `idempotency_key ${key} has already been used`);
    }
    const request = syncRequestId ? biz.syncRequests.get(syncRequestId) : undefined;
    if (syncRequestId && !request)
      throw validation(`sync_request_id: unknown sync request ${syncRequestId}`, "sync_request_id");

    const refusedItems = items.flatMap((it) => {
      const r = refusal(biz, syncType, it);
      return r ? [{ id: it.id, ...r }] : [];
    });
    if (refusedItems.length > 0) {
      throw new ApiError(
        422,
        CODES.validation,
        `${refusedItems.length} object(s) cannot take this ${syncType} report`,
        {
          refused: refusedItems,
        },
      );
    }

    const now = sb.clock.now();
    const syncId = sb.rng.uuid();
    for (const it of items) {
      const o = findSpend(biz, it.id) as SpendObject;
      if (it.success) applySuccess(o, syncType, it, now);
      else {
        // A failed row keeps its message (the customer's Export Errors) and stays ready.
        o.sync.lastError = it.message ?? null;
        o.sync.requestedToSync = false;
        addHistory(o, now, "sync_failed", { sync_type: syncType, message: it.message });
      }
      if (request?.rows.has(it.id) && request.rows.get(it.id) === "PENDING") {
        request.rows.set(it.id, it.success ? "SUCCEEDED" : "FAILED");
      }
    }
    biz.syncs.set(key, {
      syncId,
      idempotencyKey: key,
      syncType,
      at: now,
      successful: items.filter((i) => i.success).map((i) => i.id),
      failed: items.filter((i) => !i.success).map((i) => i.id),
      syncRequestId: syncRequestId ?? null,
    });
    return ok({ sync_id: syncId }, 201);
  }),

  route("POST", `${P}/codings`, W, (ctx) => {
    const { biz } = ctx;
    const body = asObject(ctx.body);
    const objectType = reqString(body, "object_type");
    if (objectType !== "TRANSACTION")
      throw validation("object_type: only TRANSACTION is supported", "object_type");
    const objectId = reqString(body, "object_id");
    // The guide names the list accounting_field_selections; 2026 spec-derived sources say
    // accounting_coding_selections. Both are accepted (docs/ramp-api.md "Header decisions").
    const listKey =
      body.accounting_field_selections !== undefined
        ? "accounting_field_selections"
        : "accounting_coding_selections";
    const list = batch(body, listKey, 1, 100);
    const conn = activeApiConnection(biz);
    if (!conn) throw refused("No active API-based accounting connection");
    const txn = biz.transactions.get(objectId);
    if (!txn) throw notFound("Transaction", objectId);
    const selections: Selection[] = list.map((raw, i) => {
      const w = `${listKey}[${i}]`;
      const o = asObject(raw, w);
      const optionId = reqString(o, "accounting_field_option_id", `${w}.accounting_field_option_id`);
      const fieldId = optString(o, "accounting_field_id", `${w}.accounting_field_id`);
      const found = findOptionAnywhere(conn, optionId);
      if (!found)
        throw validation(
          `${w}.accounting_field_option_id: unknown option ${optionId}`,
          `${w}.accounting_field_option_id`,
        );
      const item = found.row.item;
      if (!item.isActive || item.visibility === "HIDDEN") {
        throw validation(
          `${w}.accounting_field_option_id: option ${optionId} is not selectable (inactive or hidden)`,
          `${w}.accounting_field_option_id`,
        );
      }
      // Entity-scoped items (2026 `entity_remote_ids`) are another entity's to use, not this one's.
      const entity = biz.entities.find((e) => e.id === txn.entityId);
      if (!scopedTo(item, entity?.remoteId ?? null)) {
        throw validation(
          `${w}.accounting_field_option_id: option ${optionId} is not available to entity ${entity?.remoteId ?? txn.entityId}`,
          `${w}.accounting_field_option_id`,
        );
      }
      const category = categoryFor(conn, found.kind, item.extra.field_ramp_id as string | undefined);
      if (fieldId && fieldId !== category.id) {
        throw validation(
          `${w}.accounting_field_id: option ${optionId} does not belong to field ${fieldId}`,
          `${w}.accounting_field_id`,
        );
      }
      return {
        id: item.ramp_id,
        name: item.name,
        external_id: item.id,
        external_code: item.code ?? item.id,
        type: category.type,
        category,
        provider_name: conn.name,
      };
    });
    applyCoding(txn, selections, ctx.sb.clock.now());
    return ok(transactionToApi(txn, serializeContext(biz)));
  }),

  route("POST", `${P}/ready-to-sync`, W, (ctx) => {
    const body = asObject(ctx.body);
    if (body.object_type !== "TRANSACTION")
      throw validation("object_type: only TRANSACTION is supported", "object_type");
    const ids = optStringArray(body, "object_ids") ?? [];
    batch(body, "object_ids", 1, 500);
    const objs = ids.map((id) => {
      const t = ctx.biz.transactions.get(id);
      if (!t) throw notFound("Transaction", id);
      return t;
    });
    const changed = markReady(ctx.sb, ctx.biz, objs);
    return ok({ object_ids: changed });
  }),
];

function categoryFor(
  conn: NonNullable<ReturnType<typeof activeApiConnection>>,
  kind: "gl" | "vendor" | "option" | "tax",
  fieldRampId: string | undefined,
): Selection["category"] {
  if (kind === "gl")
    return { id: conn.coa.glCategoryId, name: "GL Account", external_id: "gl_accounts", type: "GL_ACCOUNT" };
  if (kind === "vendor")
    return { id: conn.coa.vendorCategoryId, name: "Vendor", external_id: "vendors", type: "MERCHANT" };
  if (kind === "tax") {
    const f = conn.coa.taxCodeField;
    return { id: f?.ramp_id ?? "", name: f?.name ?? "Tax Code", external_id: "tax_code", type: "TAX_CODE" };
  }
  const field = fieldRampId ? conn.coa.fields.get(fieldRampId)?.field : undefined;
  return { id: fieldRampId ?? "", name: field?.name ?? "Field", external_id: field?.id ?? "", type: "OTHER" };
}

/**
 * A selection replaces the object's selection of the same field, on the header and on every
 * line. GL account, vendor and tax code are one field each whatever chart they came from.
 */
function sameField(a: Selection, b: Selection): boolean {
  return a.type === "OTHER" || b.type === "OTHER"
    ? a.category.id === b.category.id
    : a.category.type === b.category.type;
}

function applyCoding(t: Txn, selections: Selection[], now: number): void {
  for (const s of selections) {
    t.header = [...t.header.filter((x) => !sameField(x, s)), s];
    for (const line of t.lines) {
      if (line.selections.some((x) => sameField(x, s))) {
        line.selections = line.selections.map((x) => (sameField(x, s) ? s : x));
      }
    }
  }
  addHistory(t, now, "coded_via_api", { selections: selections.map((s) => s.id) });
}
