/**
 * A deliberately small router over node:http: routes are `METHOD /path/{param}` patterns,
 * each developer route declares the scopes it needs (docs/ramp-api.md §2.3), and list endpoints
 * share one keyset-pagination helper.
 */
import { validation } from "./errors.js";
import type { Business } from "./model.js";
import type { SandboxState, Token } from "./state.js";

export interface Ctx {
  sb: SandboxState;
  biz: Business;
  token: Token | null;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  path: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  pattern: string;
  scopes: string[];
  handler: Handler;
  regex: RegExp;
  keys: string[];
}

export function route(method: string, pattern: string, scopes: string[], handler: Handler): Route {
  const keys: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/\{(\w+)\}/g, (_, k: string) => {
      keys.push(k);
      return "([^/]+)";
    })}/?$`,
  );
  return { method, pattern, scopes, handler, regex, keys };
}

/** Literal paths win over parameterised ones (`/vendors/credits` before `/vendors/{vendor_id}`). */
export function sortRoutes(routes: Route[]): Route[] {
  return [...routes].sort((a, b) => a.keys.length - b.keys.length);
}

export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | "method" | null {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route: r, params };
  }
  return pathMatched ? "method" : null;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

// ---- query parameters -------------------------------------------------------------------

export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === "true" || v === "True" || v === "1") return true;
  if (v === "false" || v === "False" || v === "0") return false;
  throw validation(`${name} must be a boolean`, name, ["Not a valid boolean."]);
}

export function enumParam<T extends string>(
  q: URLSearchParams,
  name: string,
  values: readonly T[],
): T | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    throw validation(`${name} must be one of: ${values.join(", ")}`, name, [
      `Must be one of: ${values.join(", ")}.`,
    ]);
  }
  return v as T;
}

export function timeParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw validation(`${name} must be a date or date-time`, name, ["Not a valid datetime."]);
  return t;
}

export function pageSize(q: URLSearchParams): number {
  const raw = q.get("page_size");
  if (raw === null) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 100) {
    throw validation("Value must be between 2 and 100", "page_size", ["Value must be between 2 and 100"]);
  }
  return n;
}

/**
 * Serves one keyset page: `{ data, page: { next } }` where `next` is the full URL of the same
 * query with `start` set to the last id returned, or null at the end.
 */
export interface Pageable<T> {
  page(start: string | undefined, limit: number, match: (item: T) => boolean): { items: T[]; more: boolean };
}

export function paginate<T extends { id: string }>(
  ctx: Ctx,
  store: Pageable<T>,
  match: (item: T) => boolean,
  toApi: (item: T) => unknown,
): Reply {
  const size = pageSize(ctx.query);
  const start = ctx.query.get("start") ?? undefined;
  const { items, more } = store.page(start, size, match);
  let next: string | null = null;
  const last = items[items.length - 1];
  if (more && last) {
    const q = new URLSearchParams(ctx.query);
    q.set("start", last.id);
    next = `${ctx.sb.baseUrl}${ctx.path}?${q.toString()}`;
  }
  return ok({ data: items.map(toApi), page: { next } });
}
