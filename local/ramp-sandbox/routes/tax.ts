/** Tax (beta): tax rates, the single tax code field of a connection, and its options. */
import { asObject, optString, optStringArray, reqString } from "../body.js";
import { targetConnection } from "../business.js";
import { isoTime } from "../clock.js";
import { ApiError, refused, validation } from "../errors.js";
import { noContent, ok, type Route, route } from "../http.js";
import type { Connection } from "../model.js";
import {
  type CollectionSpec,
  collectionRoutes,
  common,
  connectionIdFrom,
  P,
  parseBase,
  R,
  W,
} from "./coa-collection.js";

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
    // Required for API-based connections (docs/ramp-api.md §7.5).
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

export const taxRoutes: Route[] = [
  ...collectionRoutes(taxRateSpec),
  ...collectionRoutes(taxOptionSpec),
  ...taxFieldRoutes,
];
