/**
 * The behaviour GL accounts, accounting vendors, field options, tax rates and tax code options
 * share: batches of 1–500 validated all-or-nothing (the 422 names the first bad item), remote ids
 * unique per connection (re-uploading one is refused: use PATCH), DELETE = `is_active: false`,
 * `PATCH {reactivate: true}` restores, path ids are `ramp_id`.
 */
import { asObject, batch, type Obj, optString, optStringArray, reqString } from "../body.js";
import { targetConnection } from "../business.js";
import { isoTime } from "../clock.js";
import { notFound, validation } from "../errors.js";
import { boolParam, type Ctx, noContent, ok, paginate, type Route, route } from "../http.js";
import type { Coa, CoaItem, CoaRow, Connection } from "../model.js";
import type { SortedStore } from "../sorted-store.js";

export const R = ["accounting:read"];
export const W = ["accounting:write"];
export const P = "/developer/v1/accounting";

export interface Parsed {
  id: string;
  name: string;
  code: string | null;
  entityRemoteIds: string[] | null;
  extra: Record<string, unknown>;
}

export interface CollectionSpec {
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

export function common(item: CoaItem, conn: Connection): Record<string, unknown> {
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

export function parseBase(raw: Obj, where: string, nameKey = "name"): Parsed {
  return {
    id: reqString(raw, "id", `${where}.id`),
    name: reqString(raw, nameKey, `${where}.${nameKey}`),
    code: optString(raw, "code", `${where}.code`) ?? null,
    entityRemoteIds: optStringArray(raw, "entity_remote_ids", `${where}.entity_remote_ids`) ?? null,
    extra: {},
  };
}

export function patchCodeNameReactivate(item: CoaItem, body: Obj, nameKey = "name"): void {
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

export function connectionIdFrom(ctx: Ctx): string | undefined {
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

export function collectionRoutes(spec: CollectionSpec): Route[] {
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
