/**
 * The sandbox HTTP server (plain node:http). Developer routes go through, in order: route match
 * (an unknown path is a plain 404 before any auth, as observed live), bearer auth (401), the
 * per-app rate limiter (429 + lockout), scope check (403 DEVELOPER_7100), injected faults, then
 * the handler. `/sandbox/…` is the unauthenticated control API; `/console/…` the browser console
 * (console/routes.ts); `/files/…` the pre-signed file host behind receipt and invoice URLs (routes/files.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sleep } from "../../lib/domain/time.js";
import { authenticate, isOauthError, issueToken, requireScopes, revokeToken } from "./auth.js";
import { type Clock, systemClock } from "./clock.js";
import { applyConfigPatch, type ConfigPatch, defaultConfig, type FaultRule } from "./config.js";
import { handleConsole, isConsolePath } from "./console/routes.js";
import { ControlError, credentials, handleControl } from "./control.js";
import { ApiError, CODES, envelope } from "./errors.js";
import { type Ctx, matchRoute, type Reply, sortRoutes } from "./http.js";
import { sweepSyncRequests } from "./lifecycle.js";
import { createRng } from "./prng.js";
import { RateLimiter, rateLimitKey } from "./rate-limit.js";
import { coaRoutes } from "./routes/coa.js";
import { connectionRoutes } from "./routes/connection.js";
import { fileRouteKey, serveFile } from "./routes/files.js";
import { receiptRoutes } from "./routes/receipts.js";
import { spendRoutes } from "./routes/spend.js";
import { syncRoutes } from "./routes/syncs.js";
import { webhookRoutes } from "./routes/webhook-routes.js";
import { type SeedOptions, seedBusiness } from "./seed.js";
import { emptyCounters, registerBusiness, type SandboxState } from "./state.js";
import { WebhookDispatcher } from "./webhooks.js";

/** Every developer route the sandbox serves (the contract test checks coverage against the spec). */
export const ROUTES = sortRoutes([
  ...connectionRoutes,
  ...coaRoutes,
  ...spendRoutes,
  ...receiptRoutes,
  ...syncRoutes,
  ...webhookRoutes,
]);

export interface StartOptions extends Partial<SeedOptions> {
  port?: number;
  host?: string;
  /** Base clock; the sandbox adds its own offset (moved by `POST /sandbox/clock`). */
  clock?: Clock;
  config?: ConfigPatch;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface RunningSandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  businessId: string;
  state: SandboxState;
  close(): Promise<void>;
  control: {
    /** Advances the sandbox clock without sleeping. */
    advanceClock(ms: number): void;
    setConfig(patch: ConfigPatch): void;
    /** Resolves when no webhook delivery is in flight or waiting for a retry. */
    webhooksIdle(): Promise<void>;
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(sb: SandboxState, res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { "x-trace-id": sb.rng.hex(16), ...(reply.headers ?? {}) };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  headers["Content-Type"] ??=
    typeof reply.body === "string" ? "text/plain; charset=utf-8" : "application/json";
  res.writeHead(reply.status, headers).end(text);
}

function errorReply(sb: SandboxState, e: ApiError): Reply {
  if (isOauthError(e)) return { status: e.status, body: { error: e.code, error_description: e.message } };
  return { status: e.status, body: envelope(e, sb.rng.uuid()), headers: e.headers };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Decides whether an injected fault applies to this call (deterministic `*Next` counters first). */
function faultFor(
  sb: SandboxState,
  routeKey: string,
  wildcard = true,
): { rule: FaultRule; kind: "error" | "timeout" | "latency" } | null {
  const rule = sb.config.faults[routeKey] ?? (wildcard ? sb.config.faults["*"] : undefined);
  if (!rule) return null;
  if (rule.timeoutNext && rule.timeoutNext > 0) {
    rule.timeoutNext--;
    return { rule, kind: "timeout" };
  }
  if (rule.failNext && rule.failNext > 0) {
    rule.failNext--;
    return { rule, kind: "error" };
  }
  if (rule.timeoutRate && sb.rng.chance(rule.timeoutRate)) return { rule, kind: "timeout" };
  if (rule.errorRate && sb.rng.chance(rule.errorRate)) return { rule, kind: "error" };
  return rule.latencyMs ? { rule, kind: "latency" } : null;
}

/** Applies an injected fault: latency, an error (thrown) or a timeout (true = socket dropped). */
async function applyFault(
  sb: SandboxState,
  res: ServerResponse,
  routeKey: string,
  wildcard = true,
): Promise<boolean> {
  const fault = faultFor(sb, routeKey, wildcard);
  if (!fault) return false;
  if (fault.rule.latencyMs) await sleep(fault.rule.latencyMs);
  if (fault.kind === "timeout") {
    sb.counters.faults++;
    await sleep(fault.rule.timeoutMs ?? 1_000);
    res.destroy();
    return true;
  }
  if (fault.kind === "error") {
    sb.counters.faults++;
    throw new ApiError(fault.rule.status ?? 500, CODES.fault, "Injected server error");
  }
  return false;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(422, CODES.validation, "Request body is not valid JSON", { body: ["Invalid JSON."] });
  }
}

async function handleDeveloper(
  sb: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const raw = await readBody(req);

  if (path === "/developer/v1/token" || path === "/developer/v1/token/revoke") {
    const key = `${method} ${path}`;
    bump(sb.counters.byRoute, key);
    if (method !== "POST") return send(sb, res, { status: 405, body: "Method Not Allowed" });
    if (await applyFault(sb, res, key)) return;
    const ctype = req.headers["content-type"] ?? "";
    const form: Record<string, string> = ctype.includes("json")
      ? Object.fromEntries(
          Object.entries((parseJson(raw) as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
        )
      : Object.fromEntries(new URLSearchParams(raw));
    if (path.endsWith("/revoke")) {
      revokeToken(sb, form);
      return send(sb, res, { status: 200, body: {} });
    }
    return send(sb, res, {
      status: 200,
      body: issueToken(sb, req.headers.authorization, form),
      headers: { "Cache-Control": "no-store" },
    });
  }

  const matched = matchRoute(ROUTES, method, path);
  if (matched === null) return send(sb, res, { status: 404, body: "Not Found" });
  if (matched === "method") return send(sb, res, { status: 405, body: "Method Not Allowed" });
  const { route, params } = matched;
  const routeKey = `${route.method} ${route.pattern}`;
  bump(sb.counters.byRoute, routeKey);

  const token = authenticate(sb, req.headers.authorization);
  bump(sb.counters.byApp, token.clientId);
  const limitKey = rateLimitKey(sb.config.rateLimit, token.clientId, req.socket.remoteAddress);
  const wait = sb.limiter.check(limitKey, sb.clock.now(), sb.config.rateLimit);
  if (wait > 0) {
    sb.counters.rateLimited++;
    bump(sb.counters.rateLimitedByApp, token.clientId);
    throw new ApiError(
      429,
      CODES.rateLimited,
      "Rate limit exceeded; retry after the lockout",
      {},
      {
        "Retry-After": String(Math.ceil(wait / 1000)),
      },
    );
  }
  requireScopes(sb, token, route.scopes);

  if (await applyFault(sb, res, routeKey)) return;

  const biz = sb.businesses.get(token.businessId);
  if (!biz) throw new ApiError(401, CODES.unauthorized, "Business no longer exists");
  sweepSyncRequests(sb, biz);
  const ctx: Ctx = { sb, biz, token, params, query: url.searchParams, body: parseJson(raw), path };
  send(sb, res, await route.handler(ctx));
}

export async function startSandbox(opts: StartOptions = {}): Promise<RunningSandbox> {
  const base = opts.clock ?? systemClock;
  let offset = 0;
  const clock: Clock = { now: () => base.now() + offset };
  const seed = opts.seed ?? 1;
  const config = defaultConfig();
  if (opts.config) applyConfigPatch(config, opts.config);
  const log = opts.log ?? ((msg, extra) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`));
  const rng = createRng(seed ^ 0x5eed);
  const sb: SandboxState = {
    clock,
    config,
    rng,
    businesses: new Map(),
    defaultBusinessId: "",
    apps: new Map(),
    tokens: new Map(),
    limiter: new RateLimiter(),
    counters: emptyCounters(),
    baseUrl: "",
    fileSecret: createRng(seed ^ 0xf11e5).hex(32),
    // The config object is patched in place, never replaced, so the dispatcher reads live values.
    webhooks: new WebhookDispatcher(() => config.webhooks, createRng(seed ^ 0x3b00c), clock.now, log),
    log,
  };
  const biz = seedBusiness({ ...opts, seed }, clock.now());
  registerBusiness(sb, biz);
  sb.defaultBusinessId = biz.id;
  const hooks = {
    advanceClock: (ms: number) => {
      offset += ms;
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", sb.baseUrl || "http://127.0.0.1");
    const run = async () => {
      try {
        if (url.pathname.startsWith("/sandbox/")) {
          const raw = await readBody(req);
          const body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
          for (const b of sb.businesses.values()) sweepSyncRequests(sb, b);
          const r = handleControl(
            sb,
            {
              method: req.method ?? "GET",
              path: url.pathname.replace(/\/+$/, ""),
              query: url.searchParams,
              body,
            },
            hooks,
          );
          send(sb, res, { status: r.status, body: r.body });
          return;
        }
        if (isConsolePath(url.pathname)) {
          // The console (console/routes.ts): pages a browser opens; its actions reuse the control API.
          const raw = await readBody(req);
          for (const b of sb.businesses.values()) sweepSyncRequests(sb, b);
          const body = raw.trim() ? (JSON.parse(raw) as unknown) : {};
          const r = await handleConsole(sb, {
            method: req.method ?? "GET",
            path: url.pathname,
            query: url.searchParams,
            body,
          });
          send(sb, res, r);
          return;
        }
        const fileKey = fileRouteKey(req.method ?? "GET", url.pathname);
        if (fileKey) {
          // The file host is no developer route: counted, faulted only by its own key (not "*").
          bump(sb.counters.byRoute, fileKey);
          if (await applyFault(sb, res, fileKey, false)) return;
          await serveFile(sb, req.method ?? "GET", url.pathname, url.searchParams, res);
          return;
        }
        await handleDeveloper(sb, req, res, url);
      } catch (e) {
        if (res.headersSent || res.destroyed) return;
        if (e instanceof ApiError) return send(sb, res, errorReply(sb, e));
        if (e instanceof ControlError) return send(sb, res, { status: e.status, body: { error: e.message } });
        if (e instanceof SyntaxError) return send(sb, res, { status: 400, body: { error: "invalid JSON" } });
        log("unhandled error", { error: e instanceof Error ? e.stack : String(e) });
        send(sb, res, {
          status: 500,
          body: envelope(new ApiError(500, "INTERNAL", "Internal error"), sb.rng.uuid()),
        });
      }
    };
    void run();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  sb.baseUrl = `http://${opts.host ?? "127.0.0.1"}:${addr.port}`;
  const creds = credentials(biz) as { client_id: string; client_secret: string; business_id: string };

  return {
    url: sb.baseUrl,
    clientId: creds.client_id,
    clientSecret: creds.client_secret,
    businessId: creds.business_id,
    state: sb,
    control: {
      advanceClock: hooks.advanceClock,
      setConfig: (patch) => applyConfigPatch(sb.config, patch),
      webhooksIdle: () => sb.webhooks.idle(),
    },
    close: async () => {
      sb.webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
