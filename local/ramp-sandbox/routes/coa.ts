/**
 * Chart-of-accounts endpoints: GL accounts, accounting vendors, custom fields and their options
 * (tax lives in tax.ts; the shared batch/soft-delete behaviour in coa-collection.ts).
 */
import { asObject, optBool, optString, optStringArray, reqString } from "../body.js";
import { targetConnection } from "../business.js";
import { isoTime } from "../clock.js";
import { notFound, validation } from "../errors.js";
import { boolParam, type Ctx, enumParam, noContent, ok, paginate, type Route, route } from "../http.js";
import type { CoaField, CoaRow, Connection, FieldRow } from "../model.js";
import {
  type CollectionSpec,
  collectionRoutes,
  common,
  connectionIdFrom,
  P,
  parseBase,
  patchCodeNameReactivate,
  R,
  W,
} from "./coa-collection.js";
import { taxRoutes } from "./tax.js";

const CLASSIFICATIONS = [
  "ANY",
  "ASSET",
  "CREDCARD",
  "EQUITY",
  "EXPENSE",
  "LIABILITY",
  "REVENUE",
  "UNKNOWN",
] as const;

const glSpec: CollectionSpec = {
  what: "GL account",
  base: `${P}/accounts`,
  param: "gl_account_id",
  listKey: "gl_accounts",
  store: (c) => c.glAccounts,
  parse: (raw, where) => {
    const p = parseBase(raw, where);
    const cls = raw.classification;
    if (typeof cls !== "string" || !(CLASSIFICATIONS as readonly string[]).includes(cls)) {
      throw validation(
        `${where}.classification: must be one of ${CLASSIFICATIONS.join(", ")}`,
        `${where}.classification`,
      );
    }
    p.extra.classification = cls;
    return p;
  },
  toApi: (item, conn) => ({
    ...common(item, conn),
    name: item.name,
    ...(item.code !== null ? { code: item.code } : {}),
    classification: item.extra.classification ?? null,
    visibility: item.visibility,
  }),
  listFilter: (ctx) => {
    const synced = boolParam(ctx.query, "is_synced");
    return (i) => synced === undefined || i.isSynced === synced;
  },
  patch: (item, body) => {
    patchCodeNameReactivate(item, body);
    const cls = optString(body, "classification");
    if (cls) item.extra.classification = cls;
  },
};

const vendorSpec: CollectionSpec = {
  what: "accounting vendor",
  base: `${P}/vendors`,
  param: "vendor_id",
  listKey: "vendors",
  store: (c) => c.vendors,
  parse: (raw, where) => parseBase(raw, where),
  toApi: (item, conn) => ({
    ...common(item, conn),
    name: item.name,
    ...(item.code !== null ? { code: item.code } : {}),
    is_synced: item.isSynced,
  }),
  listFilter: (ctx) => {
    const synced = boolParam(ctx.query, "is_synced");
    return (i) => synced === undefined || i.isSynced === synced;
  },
  patch: (item, body) => patchCodeNameReactivate(item, body),
};

const optionSpec: CollectionSpec = {
  what: "field option",
  base: `${P}/field-options`,
  param: "field_option_id",
  listKey: "options",
  store: (c) => c.options,
  prepare: (body, conn) => {
    const fieldId = reqString(body, "field_id");
    const field = conn.coa.fields.get(fieldId);
    if (!field)
      throw validation(`field_id: no custom field with ramp_id ${fieldId} on this connection`, "field_id", [
        "Field not found.",
      ]);
    return { field_ramp_id: fieldId };
  },
  parse: (raw, where) => {
    const p = parseBase(raw, where, "value");
    const dn = optString(raw, "display_name", `${where}.display_name`);
    if (dn) p.extra.display_name = dn;
    return p;
  },
  toApi: (item, conn) => ({
    ...common(item, conn),
    value: item.name,
    ...(typeof item.extra.display_name === "string" ? { display_name: item.extra.display_name } : {}),
    ...(item.code !== null ? { code: item.code } : {}),
    visibility: item.visibility,
    field_id: item.extra.field_ramp_id,
  }),
  listFilter: (ctx) => {
    const fieldId = ctx.query.get("field_id");
    if (!fieldId) throw validation("field_id: required", "field_id", ["Missing data for required field."]);
    const vis = enumParam(ctx.query, "visibility", ["HIDDEN", "VISIBLE"] as const);
    return (i) => i.extra.field_ramp_id === fieldId && (vis === undefined || i.visibility === vis);
  },
  patch: (item, body) => {
    const vis = body.visibility;
    if (vis !== undefined) {
      if (vis !== "HIDDEN" && vis !== "VISIBLE")
        throw validation("visibility: must be HIDDEN or VISIBLE", "visibility");
      item.visibility = vis;
    }
    const dn = optString(body, "display_name");
    if (dn !== undefined) item.extra.display_name = dn;
    patchCodeNameReactivate(item, body, "value");
  },
};

// ---- custom fields (single-item POST, idempotent on remote id) --------------------------

const INPUT_TYPES = ["BOOLEAN", "FREE_FORM_TEXT", "SINGLE_CHOICE"] as const;
const REQUIRED_FOR = [
  "BILL",
  "BILL_PAYMENT",
  "PURCHASE_ORDER",
  "REIMBURSEMENT",
  "TRANSACTION",
  "INVOICE",
  "VENDOR_CREDIT",
];

function fieldToApi(f: CoaField, conn: Connection): Record<string, unknown> {
  return {
    ramp_id: f.ramp_id,
    id: f.id,
    name: f.name,
    display_name: f.displayName,
    input_type: f.inputType,
    is_active: f.isActive,
    is_splittable: f.isSplittable,
    is_required_for: f.isRequiredFor,
    created_at: isoTime(f.createdAt),
    updated_at: isoTime(f.updatedAt),
    accounting_connection_id: conn.id,
    provider_name: conn.name,
  };
}

function findField(ctx: Ctx, write: boolean): { row: FieldRow; conn: Connection } {
  const id = ctx.params.field_id as string;
  const explicit = connectionIdFrom(ctx);
  const candidates = explicit ? [targetConnection(ctx.biz, explicit, write)] : ctx.biz.connections;
  for (const conn of candidates) {
    const row = conn.coa.fields.get(id);
    if (row) {
      if (write && conn.isActive && conn.type === "DIRECT") targetConnection(ctx.biz, undefined, true);
      return { row, conn };
    }
  }
  throw notFound("Custom field", id);
}

const fieldRoutes: Route[] = [
  route("GET", `${P}/fields`, R, (ctx) => {
    const conn = targetConnection(ctx.biz, ctx.query.get("accounting_connection_id"), false);
    const remoteId = ctx.query.get("remote_id");
    const active = boolParam(ctx.query, "is_active");
    return paginate(
      ctx,
      conn.coa.fields,
      (r) =>
        (remoteId === null || r.field.id === remoteId) &&
        (active === undefined || r.field.isActive === active),
      (r) => fieldToApi(r.field, conn),
    );
  }),
  route("POST", `${P}/fields`, W, (ctx) => {
    const body = asObject(ctx.body);
    const conn = targetConnection(ctx.biz, optString(body, "accounting_connection_id"), true);
    const id = reqString(body, "id");
    const name = reqString(body, "name");
    const inputType = body.input_type;
    if (typeof inputType !== "string" || !(INPUT_TYPES as readonly string[]).includes(inputType)) {
      throw validation(`input_type: must be one of ${INPUT_TYPES.join(", ")}`, "input_type");
    }
    const requiredFor = optStringArray(body, "is_required_for") ?? [];
    const bad = requiredFor.find((x) => !REQUIRED_FOR.includes(x));
    if (bad) throw validation(`is_required_for: unknown object type ${bad}`, "is_required_for");
    const now = ctx.sb.clock.now();
    const existing = conn.coa.fields.all().find((r) => r.field.id === id);
    if (existing) {
      // Idempotent on the remote id: the existing field comes back, reactivated if it was deleted.
      existing.field.isActive = true;
      existing.field.updatedAt = now;
      return ok(fieldToApi(existing.field, conn), 201);
    }
    const field: CoaField = {
      ramp_id: ctx.sb.rng.uuid(),
      id,
      name,
      displayName: optString(body, "display_name") ?? null,
      inputType: inputType as CoaField["inputType"],
      isSplittable: optBool(body, "is_splittable") ?? false,
      isRequiredFor: requiredFor,
      isActive: true,
      createdAt: now,
      updatedAt: now,
    };
    conn.coa.fields.insert({ id: field.ramp_id, field });
    return ok(fieldToApi(field, conn), 201);
  }),
  route("GET", `${P}/fields/{field_id}`, R, (ctx) => {
    const { row, conn } = findField(ctx, false);
    return ok(fieldToApi(row.field, conn));
  }),
  route("PATCH", `${P}/fields/{field_id}`, W, (ctx) => {
    const { row, conn } = findField(ctx, true);
    const body = asObject(ctx.body);
    const name = optString(body, "name");
    if (name) row.field.name = name;
    const dn = optString(body, "display_name");
    if (dn !== undefined) row.field.displayName = dn;
    const split = optBool(body, "is_splittable");
    if (split !== undefined) row.field.isSplittable = split;
    row.field.updatedAt = ctx.sb.clock.now();
    return ok(fieldToApi(row.field, conn));
  }),
  route("DELETE", `${P}/fields/{field_id}`, W, (ctx) => {
    const { row } = findField(ctx, true);
    row.field.isActive = false;
    row.field.updatedAt = ctx.sb.clock.now();
    return noContent();
  }),
];

export const coaRoutes: Route[] = [
  ...collectionRoutes(glSpec),
  ...collectionRoutes(vendorSpec),
  ...collectionRoutes(optionSpec),
  ...fieldRoutes,
  ...taxRoutes,
];

export function findOptionAnywhere(
  conn: Connection,
  rampId: string,
): { row: CoaRow; kind: "gl" | "vendor" | "option" | "tax" } | null {
  const c = conn.coa;
  const gl = c.glAccounts.get(rampId);
  if (gl) return { row: gl, kind: "gl" };
  const v = c.vendors.get(rampId);
  if (v) return { row: v, kind: "vendor" };
  const o = c.options.get(rampId);
  if (o) return { row: o, kind: "option" };
  const t = c.taxCodeOptions.get(rampId);
  if (t) return { row: t, kind: "tax" };
  return null;
}
