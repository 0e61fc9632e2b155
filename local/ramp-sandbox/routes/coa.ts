/**
 * Chart-of-accounts endpoints. GL accounts, accounting vendors, field options, tax rates and tax
 * code options share one shape of behaviour: batches of 1–500 validated all-or-nothing (the 422
 * names the first bad item), remote ids unique per connection (re-uploading one is refused: use
 * PATCH), DELETE = `is_active: false`, `PATCH {reactivate: true}` restores, path ids are `ramp_id`.
 */

import { asObject, batch, type Obj, optBool, optString, optStringArray, reqString } from "../body.js";
import { targetConnection } from "../business.js";
import { isoTime } from "../clock.js";
import { ApiError, notFound, refused, validation } from "../errors.js";
import { boolParam, type Ctx, enumParam, noContent, ok, paginate, type Route, route } from "../http.js";
import type { Coa, CoaField, CoaItem, CoaRow, Connection, FieldRow } from "../model.js";
import type { SortedStore } from "../sorted-store.js";

const R = ["accounting:read"];
const W = ["accounting:write"];
const P = "/developer/v1/accounting";
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

interface Parsed {
  id: string;
  name: string;
  code: string | null;
  entityRemoteIds: string[] | null;
  extra: Record<string, unknown>;
}

interface CollectionSpec {
  what: string;
  base: string;
  param: string;
  /** Body list name on upload, and the list name in the upload response. */
  listKey: string;
  store: (coa: Coa) => SortedStore<CoaRow>;
  /** Checks done once per upload (e.g. the parent field exists); returns extra fields for every item. */
  prepare?: (body: Obj, conn: Connection) => Record<string, unknown>;
  parse: (raw: Obj, where: string, conn: Connection) => Parsed;
  toApi: (item: CoaItem, conn: Connection) => Record<string, unknown>;
  /** Extra list filters beyond remote_id / is_active / code. */
  listFilter?: (ctx: Ctx, conn: Connection) => (item: CoaItem) => boolean;
  patch: (item: CoaItem, body: Obj, conn: Connection) => void;
}

function common(item: CoaItem, conn: Connection): Record<string, unknown> {
  return {
    ramp_id: item.ramp_id,
    id: item.id,
    is_active: item.isActive,
    created_at: isoTime(item.createdAt),
    updated_at: isoTime(item.updatedAt),
    accounting_connection_id: conn.id,
    provider_name: conn.name,
    entity_remote_ids: item.entityRemoteIds,
  };
}

function parseBase(raw: Obj, where: string, nameKey = "name"): Parsed {
  return {
    id: reqString(raw, "id", `${where}.id`),
    name: reqString(raw, nameKey, `${where}.${nameKey}`),
    code: optString(raw, "code", `${where}.code`) ?? null,
    entityRemoteIds: optStringArray(raw, "entity_remote_ids", `${where}.entity_remote_ids`) ?? null,
    extra: {},
  };
}

function patchCodeNameReactivate(item: CoaItem, body: Obj, nameKey = "name"): void {
  const code = optString(body, "code");
  if (code !== undefined) item.code = code === "" ? null : code;
  const name = optString(body, nameKey);
  if (name) item.name = name;
  if (body.reactivate !== undefined) {
    if (body.reactivate !== true)
      throw validation("reactivate: only true is accepted", "reactivate", ["Must be equal to True."]);
    item.isActive = true;
  }
  const ents = optStringArray(body, "entity_remote_ids");
  if (ents) item.entityRemoteIds = ents;
}

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

function parseRate(raw: unknown, where: string): string {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  if (!/^\d+(\.\d+)?$/.test(text)) throw validation(`${where}.rate: must be a decimal >= 0`, `${where}.rate`);
  return text;
}

const taxRateSpec: CollectionSpec = {
  what: "tax rate",
  base: `${P}/tax/rates`,
  param: "tax_rate_id",
  listKey: "tax_rates",
  store: (c) => c.taxRates,
  parse: (raw, where, conn) => {
    const p = parseBase(raw, where);
    p.extra.rate = parseRate(raw.rate, where);
    const gl = optString(raw, "accounting_gl_account_id", `${where}.accounting_gl_account_id`);
    // Required for API-based connections (REFERENCE.md §7.5).
    if (!gl)
      throw validation(
        `${where}.accounting_gl_account_id: required for API-based connections`,
        `${where}.accounting_gl_account_id`,
      );
    if (!conn.coa.glAccounts.get(gl))
      throw validation(
        `${where}.accounting_gl_account_id: unknown GL account ${gl}`,
        `${where}.accounting_gl_account_id`,
      );
    p.extra.accounting_gl_account_id = gl;
    return p;
  },
  toApi: (item, conn) => ({
    ...common(item, conn),
    name: item.name,
    rate: item.extra.rate,
    accounting_gl_account_id: item.extra.accounting_gl_account_id,
  }),
  patch: (item, body, conn) => {
    const name = optString(body, "name");
    if (name) item.name = name;
    if (body.rate !== undefined) item.extra.rate = parseRate(body.rate, "body");
    const gl = optString(body, "accounting_gl_account_id");
    if (gl) {
      if (!conn.coa.glAccounts.get(gl))
        throw validation(`accounting_gl_account_id: unknown GL account ${gl}`, "accounting_gl_account_id");
      item.extra.accounting_gl_account_id = gl;
    }
    if (body.reactivate === true) item.isActive = true;
  },
};

function checkTaxRates(conn: Connection, ids: string[], where: string): void {
  for (const rid of ids) {
    if (!conn.coa.taxRates.all().some((r) => r.item.id === rid)) {
      throw validation(`${where}.tax_rate_ids: unknown tax rate remote id ${rid}`, `${where}.tax_rate_ids`);
    }
  }
}

const taxOptionSpec: CollectionSpec = {
  what: "tax code option",
  base: `${P}/tax/code/options`,
  param: "option_id",
  listKey: "options",
  store: (c) => c.taxCodeOptions,
  prepare: (_body, conn) => {
    if (!conn.coa.taxCodeField?.isActive)
      throw refused("Create the tax code field (POST /accounting/tax/code) before its options");
    return {};
  },
  parse: (raw, where, conn) => {
    const p = parseBase(raw, where);
    const ids = optStringArray(raw, "tax_rate_ids", `${where}.tax_rate_ids`) ?? [];
    checkTaxRates(conn, ids, where);
    p.extra.tax_rate_ids = ids;
    return p;
  },
  toApi: (item, conn) => ({
    ...common(item, conn),
    name: item.name,
    ...(item.code !== null ? { code: item.code } : {}),
    tax_rate_ids: item.extra.tax_rate_ids,
    is_synced: item.isSynced,
  }),
  patch: (item, body, conn) => {
    const name = optString(body, "name");
    if (name) item.name = name;
    const ids = optStringArray(body, "tax_rate_ids");
    if (ids) {
      checkTaxRates(conn, ids, "body");
      item.extra.tax_rate_ids = ids;
    }
    if (body.reactivate === true) item.isActive = true;
  },
};

function connectionIdFrom(ctx: Ctx): string | undefined {
  const fromQuery = ctx.query.get("accounting_connection_id");
  if (fromQuery) return fromQuery;
  const b = ctx.body;
  if (b && typeof b === "object" && !Array.isArray(b)) {
    const v = (b as Obj).accounting_connection_id;
    if (typeof v === "string" && v) return v;
  }
  return undefined;
}

/** Finds a row by ramp id on the addressed connection, falling back to any API connection. */
function findRow(ctx: Ctx, spec: CollectionSpec, write: boolean): { row: CoaRow; conn: Connection } {
  const id = ctx.params[spec.param] as string;
  const explicit = connectionIdFrom(ctx);
  const candidates = explicit ? [targetConnection(ctx.biz, explicit, write)] : ctx.biz.connections;
  for (const conn of candidates) {
    const row = spec.store(conn.coa).get(id);
    if (row) {
      if (write && conn.isActive && conn.type === "DIRECT") targetConnection(ctx.biz, undefined, true);
      return { row, conn };
    }
  }
  throw notFound(spec.what, id);
}

function collectionRoutes(spec: CollectionSpec): Route[] {
  return [
    route("GET", spec.base, R, (ctx) => {
      const conn = targetConnection(ctx.biz, ctx.query.get("accounting_connection_id"), false);
      const remoteId = ctx.query.get("remote_id");
      const code = ctx.query.get("code");
      const active = boolParam(ctx.query, "is_active");
      const extra = spec.listFilter?.(ctx, conn) ?? (() => true);
      return paginate(
        ctx,
        spec.store(conn.coa),
        (r) =>
          (remoteId === null || r.item.id === remoteId) &&
          (code === null || r.item.code === code) &&
          (active === undefined || r.item.isActive === active) &&
          extra(r.item),
        (r) => spec.toApi(r.item, conn),
      );
    }),

    route("POST", spec.base, W, (ctx) => {
      const body = asObject(ctx.body);
      const conn = targetConnection(ctx.biz, optString(body, "accounting_connection_id"), true);
      const shared = spec.prepare?.(body, conn) ?? {};
      const list = batch(body, spec.listKey, 1, 500);
      const store = spec.store(conn.coa);
      const existing = new Set(store.all().map((r) => r.item.id));
      const seen = new Set<string>();
      const parsed: Parsed[] = list.map((raw, i) => {
        const where = `${spec.listKey}[${i}]`;
        const p = spec.parse(asObject(raw, where), where, conn);
        if (existing.has(p.id)) {
          throw validation(
            `${where}: ${spec.what} with remote id "${p.id}" already exists; use PATCH to change it`,
            `${where}.id`,
            ["Duplicate remote id."],
          );
        }
        if (seen.has(p.id)) {
          throw validation(
            `${where}: remote id "${p.id}" appears more than once in this batch`,
            `${where}.id`,
            ["Duplicate remote id."],
          );
        }
        seen.add(p.id);
        return p;
      });
      const now = ctx.sb.clock.now();
      const rows: CoaRow[] = parsed.map((p) => {
        const item: CoaItem = {
          ramp_id: ctx.sb.rng.uuid(),
          id: p.id,
          name: p.name,
          code: p.code,
          isActive: true,
          isSynced: true,
          visibility: "VISIBLE",
          entityRemoteIds: p.entityRemoteIds,
          createdAt: now,
          updatedAt: now,
          extra: { ...shared, ...p.extra },
        };
        return { id: item.ramp_id, item };
      });
      for (const r of rows) store.insert(r);
      return ok(
        {
          [spec.listKey]: rows.map((r) => spec.toApi(r.item, conn)),
          uploaded: rows.map((r) => r.item.ramp_id),
          accounting_connection_id: conn.id,
        },
        201,
      );
    }),

    route("GET", `${spec.base}/{${spec.param}}`, R, (ctx) => {
      const { row, conn } = findRow(ctx, spec, false);
      return ok(spec.toApi(row.item, conn));
    }),

    route("PATCH", `${spec.base}/{${spec.param}}`, W, (ctx) => {
      const { row, conn } = findRow(ctx, spec, true);
      spec.patch(row.item, asObject(ctx.body), conn);
      row.item.updatedAt = ctx.sb.clock.now();
      return ok(spec.toApi(row.item, conn));
    }),

    route("DELETE", `${spec.base}/{${spec.param}}`, W, (ctx) => {
      const { row } = findRow(ctx, spec, true);
      row.item.isActive = false;
      row.item.updatedAt = ctx.sb.clock.now();
      return noContent();
    }),
  ];
}

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

// ---- the tax code field (one per connection; creating replaces) -------------------------

function taxFieldToApi(conn: Connection): Record<string, unknown> {
  const f = conn.coa.taxCodeField;
  if (!f?.isActive) throw new ApiError(404, "NOT_FOUND", "No tax code field on this connection");
  return {
    ramp_id: f.ramp_id,
    name: f.name,
    is_active: f.isActive,
    created_at: isoTime(f.createdAt),
    updated_at: isoTime(f.updatedAt),
    accounting_connection_id: conn.id,
  };
}

const taxFieldRoutes: Route[] = [
  route("POST", `${P}/tax/code`, W, (ctx) => {
    const body = asObject(ctx.body);
    const conn = targetConnection(ctx.biz, optString(body, "accounting_connection_id"), true);
    const now = ctx.sb.clock.now();
    conn.coa.taxCodeField = {
      ramp_id: ctx.sb.rng.uuid(),
      name: reqString(body, "name"),
      isActive: true,
      createdAt: now,
      updatedAt: now,
    };
    return ok(taxFieldToApi(conn), 201);
  }),
  route("GET", `${P}/tax/code`, R, (ctx) =>
    ok(taxFieldToApi(targetConnection(ctx.biz, ctx.query.get("accounting_connection_id"), false))),
  ),
  route("PATCH", `${P}/tax/code`, W, (ctx) => {
    const body = asObject(ctx.body);
    const conn = targetConnection(ctx.biz, connectionIdFrom(ctx), true);
    taxFieldToApi(conn);
    const f = conn.coa.taxCodeField;
    if (f) {
      f.name = reqString(body, "name");
      f.updatedAt = ctx.sb.clock.now();
    }
    return ok(taxFieldToApi(conn));
  }),
  route("DELETE", `${P}/tax/code`, W, (ctx) => {
    const conn = targetConnection(ctx.biz, connectionIdFrom(ctx), true);
    taxFieldToApi(conn);
    if (conn.coa.taxCodeField) conn.coa.taxCodeField.isActive = false;
    return noContent();
  }),
];

export const coaRoutes: Route[] = [
  ...collectionRoutes(glSpec),
  ...collectionRoutes(vendorSpec),
  ...collectionRoutes(optionSpec),
  ...collectionRoutes(taxRateSpec),
  ...collectionRoutes(taxOptionSpec),
  ...fieldRoutes,
  ...taxFieldRoutes,
];

/** Every selectable CoA row of a connection by ramp id (used by `/accounting/codings`). */
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
