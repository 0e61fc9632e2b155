/**
 * Accounting connections: one active connection per business; inactive ones persist and can be
 * addressed by id (the migration tool preloads a chart into an inactive API connection).
 */

import { asObject, optBool, optString, reqString } from "../body.js";
import { activeConnection } from "../business.js";
import { newConnection } from "../coa.js";
import { ApiError, CODES, notFound, refused, validation } from "../errors.js";
import { type Ctx, noContent, ok, type Route, route } from "../http.js";
import type { Connection, ConnectionSettings } from "../model.js";
import { connectionToApi } from "../serialize.js";

const R = ["accounting:read"];
const W = ["accounting:write"];
const P = "/developer/v1/accounting";

const SETTING_KEYS = [
  "transaction_sync_button_enabled",
  "reimbursement_sync_button_enabled",
  "transaction_accounting_vendor_creation_on_sync_enabled",
  "vendor_credits_enabled",
] as const;

function applySettings(c: Connection, raw: unknown): void {
  if (raw === undefined || raw === null) return;
  const s = asObject(raw, "settings");
  for (const [k, v] of Object.entries(s)) {
    if (!(SETTING_KEYS as readonly string[]).includes(k)) {
      throw validation(`settings.${k}: unknown setting`, `settings.${k}`, ["Unknown field."]);
    }
    if (typeof v !== "boolean")
      throw validation(`settings.${k}: not a boolean`, `settings.${k}`, ["Not a valid boolean."]);
    c.settings[k as keyof ConnectionSettings] = v;
  }
}

function byId(ctx: Ctx): Connection {
  const id = ctx.params.connection_id as string;
  const c = ctx.biz.connections.find((x) => x.id === id);
  if (!c) throw notFound("Accounting connection", id);
  return c;
}

export const connectionRoutes: Route[] = [
  route("GET", `${P}/all-connections`, R, (ctx) =>
    ok({ connections: ctx.biz.connections.map(connectionToApi) }),
  ),

  route("GET", `${P}/connection`, R, (ctx) => {
    const c = activeConnection(ctx.biz);
    return ok(c ? connectionToApi(c) : { message: "No active accounting connection" });
  }),

  route("POST", `${P}/connection`, W, (ctx) => {
    const body = asObject(ctx.body);
    const name = reqString(body, "remote_provider_name");
    const isActive = optBool(body, "is_active") ?? true;
    const now = ctx.sb.clock.now();
    const current = activeConnection(ctx.biz);
    if (isActive && current) {
      // A Universal-CSV connection is upgraded to an API one (docs/ramp-api.md §6.2).
      if (current.type === "CSV") {
        current.type = "API";
        current.name = name;
        applySettings(current, body.settings);
        return ok(connectionToApi(current), 201);
      }
      throw refused(
        "Another accounting connection is active; disconnect it first or create an inactive connection (is_active: false) for the migration tool",
      );
    }
    const c = newConnection(ctx.sb.rng, now, name, "API", isActive);
    applySettings(c, body.settings);
    ctx.biz.connections.push(c);
    return ok(connectionToApi(c), 201);
  }),

  route("DELETE", `${P}/connection`, W, (ctx) => {
    const c = activeConnection(ctx.biz);
    if (!c) throw new ApiError(404, CODES.notFound, "No active accounting connection");
    if (c.type !== "API")
      throw refused("Only API-based accounting connections can be disconnected via the API");
    c.isActive = false;
    c.status = "unlinked";
    return noContent();
  }),

  route("GET", `${P}/connection/{connection_id}`, R, (ctx) => ok(connectionToApi(byId(ctx)))),

  route("PATCH", `${P}/connection/{connection_id}`, W, (ctx) => {
    const c = byId(ctx);
    if (c.type !== "API") throw refused("Settings can only be changed on API-based connections");
    const body = asObject(ctx.body);
    applySettings(c, body.settings);
    const name = optString(body, "remote_provider_name");
    if (name) c.name = name;
    return ok(connectionToApi(c));
  }),

  route("POST", `${P}/connection/{connection_id}/reactivate`, W, (ctx) => {
    const c = byId(ctx);
    const current = activeConnection(ctx.biz);
    if (current && current.id !== c.id) throw refused("Another accounting connection is active");
    c.isActive = true;
    c.status = "linked";
    c.lastLinkedAt = ctx.sb.clock.now();
    return ok(connectionToApi(c));
  }),

  route("POST", `${P}/connection/{connection_id}/ready-to-migrate`, W, (ctx) => {
    const c = byId(ctx);
    // The guide's four preconditions, checked in its order (docs/ramp-api.md, Guide "Migration tool").
    if (c.type !== "API" || c.isActive) {
      throw refused("accounting_connection_id must refer to an inactive API-based connection");
    }
    const current = activeConnection(ctx.biz);
    if (!current || current.id === c.id)
      throw refused("There is no separate active accounting connection to migrate from");
    if (c.readyToMigrate) throw refused("This connection is already marked ready to migrate");
    if (ctx.biz.connections.some((x) => x.id !== c.id && x.readyToMigrate)) {
      throw refused("Another ERP migration is already in progress");
    }
    c.readyToMigrate = true;
    return ok(connectionToApi(c));
  }),
];
