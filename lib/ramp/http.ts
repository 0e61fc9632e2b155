/**
 * The one road to Ramp: every request takes a rate-limiter grant, carries the
 * tenant's bearer token (minted with client credentials and cached in the
 * TokenStore), is retried on 429/5xx/network failures within a bounded number
 * of attempts and total time, and comes back either parsed by a zod schema or
 * as a typed error carrying Ramp's `x-trace-id`.
 */
import type { z } from "zod";
import { type RampLogger, silentLogger } from "../domain/logger.js";
import { registerSecret } from "../domain/redact.js";
import { type Clock, type Sleep, systemClock, sleep as timerSleep } from "../domain/time.js";
import { RampResponseError, RampTransportError, rampApiErrorFrom } from "./errors.js";
import type { CredentialsProvider, RateLimiter, TokenStore } from "./ports.js";
import { RAMP_RATE_DEFAULTS } from "./rate-window.js";
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "./retry.js";
import { TokenResponseSchema } from "./schemas/token.js";

/** Scopes the connector needs (docs/ramp-api.md §2.3). */
export const DEFAULT_SCOPES = [
  "accounting:read",
  "accounting:write",
  "transactions:read",
  "reimbursements:read",
  "bills:read",
  "receipts:read",
  "transfers:read",
  "cashbacks:read",
  "entities:read",
  "vendors:read",
  "vendors:write",
] as const;

const TOKEN_PATH = "/developer/v1/token";

export interface RampHttpDeps {
  tenantId: string;
  /** `https://api.ramp.com`, `https://demo-api.ramp.com`, or a local simulator. */
  baseUrl: string;
  credentials: CredentialsProvider;
  tokens: TokenStore;
  limiter: RateLimiter;
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  logger?: RampLogger;
  scopes?: readonly string[];
  /** Mint a new token this long before the cached one expires (default 5 min). */
  refreshAheadMs?: number;
  /** Silence after a 429 when Retry-After does not ask for longer (default 60 s, Ramp's lockout). */
  lockoutMs?: number;
  /** Per-attempt timeout (Ramp itself gives up at 60 s with a 504). */
  requestTimeoutMs?: number;
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[];
export type Query = Record<string, QueryValue>;

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path from the API root (`/developer/v1/...`), may already hold a query string. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Response schema; omit for 204 answers. */
  schema?: z.ZodType<T>;
  /**
   * False for a POST whose repetition would create a second object (webhook subscribe):
   * it is then retried only on 429, which Ramp answers before doing anything.
   */
  idempotent?: boolean;
}

export interface RampHttp {
  request<T>(spec: RequestSpec<T> & { schema: z.ZodType<T> }): Promise<T>;
  request(spec: RequestSpec<unknown>): Promise<unknown>;
  /** Items of every page of a list endpoint, following `page.next` until it is null. */
  paginate<T>(
    path: string,
    query: Query,
    item: z.ZodType<T>,
    pageSchema: z.ZodType<PageOf<T>>,
  ): AsyncGenerator<T>;
  readonly tenantId: string;
}

export interface PageOf<T> {
  data: T[];
  page?: { next?: string | null } | null | undefined;
}

export function createRampHttp(deps: RampHttpDeps): RampHttp {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? timerSleep;
  const random = deps.random ?? Math.random;
  const log = deps.logger ?? silentLogger;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const refreshAheadMs = deps.refreshAheadMs ?? 5 * 60_000;
  const lockoutMs = deps.lockoutMs ?? RAMP_RATE_DEFAULTS.lockoutMs;
  const requestTimeoutMs = deps.requestTimeoutMs ?? 65_000;
  const scopes = (deps.scopes ?? DEFAULT_SCOPES).join(" ");
  const base = new URL(deps.baseUrl);
  let memo: { accessToken: string; expiresAt: number } | null = null;
  let minting: Promise<string> | null = null;

  const fresh = (t: { expiresAt: number } | null) => t !== null && t.expiresAt - refreshAheadMs > clock();

  async function accessToken(rejected?: string): Promise<string> {
    if (!rejected && memo && fresh(memo)) return memo.accessToken;
    const stored = await deps.tokens.get(deps.tenantId);
    // Another Lambda may have refreshed already; use its token unless it is the one just refused.
    if (stored && fresh(stored) && stored.accessToken !== rejected) {
      // Minted by another Lambda: still a credential this process now holds.
      registerSecret(stored.accessToken);
      memo = stored;
      return stored.accessToken;
    }
    // One mint per process at a time.
    minting ??= mint().finally(() => {
      minting = null;
    });
    return minting;
  }

  async function mint(): Promise<string> {
    const creds = await deps.credentials.get(deps.tenantId);
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString("base64");
    // Whatever provider handed them in, the secret and its Basic form must never reach a log line.
    registerSecret(creds.clientSecret);
    registerSecret(basic);
    const form = new URLSearchParams({ grant_type: "client_credentials", scope: scopes });
    const started = clock();
    const res = await send(
      { method: "POST", path: TOKEN_PATH, schema: TokenResponseSchema },
      { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      form.toString(),
    );
    registerSecret(res.access_token);
    const token = { accessToken: res.access_token, expiresAt: started + res.expires_in * 1000 };
    await deps.tokens.put(deps.tenantId, token);
    memo = token;
    log.info("ramp token minted", {
      tenantId: deps.tenantId,
      expiresAt: new Date(token.expiresAt).toISOString(),
    });
    return token.accessToken;
  }

  function urlOf(path: string, query?: Query): URL {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue;
      url.searchParams.set(k, Array.isArray(v) ? v.join(",") : String(v));
    }
    return url;
  }

  /**
   * One logical call. With `fixedHeaders` (the token call) no bearer token is
   * used; otherwise a 401 triggers one token refresh and one more attempt.
   */
  async function send<T>(spec: RequestSpec<T>, fixedHeaders?: Record<string, string>, rawBody?: string) {
    const url = urlOf(spec.path, spec.query);
    const route = url.pathname;
    const idempotent = spec.idempotent ?? true;
    const started = clock();
    let attempt = 0;
    let refreshedAfter401 = false;
    for (;;) {
      attempt++;
      const elapsed = clock() - started;
      await deps.limiter.acquire({ maxWaitMs: Math.max(0, policy.maxTotalMs - elapsed) });
      const headers: Record<string, string> = { accept: "application/json", ...fixedHeaders };
      let token: string | undefined;
      if (!fixedHeaders) {
        token = await accessToken();
        headers.authorization = `Bearer ${token}`;
      }
      let body: string | undefined = rawBody;
      if (body === undefined && spec.body !== undefined) {
        body = JSON.stringify(spec.body);
        headers["content-type"] = "application/json";
      }
      const t0 = clock();
      let res: Response;
      let text: string;
      try {
        res = await fetchImpl(url, {
          method: spec.method,
          headers,
          body,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        text = await res.text();
      } catch (cause) {
        const err = new RampTransportError(describe(cause), spec.method, route, cause);
        log.warn("ramp request failed in transport", {
          tenantId: deps.tenantId,
          method: spec.method,
          route,
          attempt,
        });
        if (idempotent && (await backOff(attempt, started, null))) continue;
        throw err;
      }
      const traceId = res.headers.get("x-trace-id");
      const logData = {
        tenantId: deps.tenantId,
        method: spec.method,
        route,
        status: res.status,
        traceId,
        attempt,
        ms: clock() - t0,
      };
      if (res.ok) {
        log.debug("ramp request", logData);
        return parseBody(spec, text, res.status, traceId, route);
      }
      const parsedBody = safeJson(text);
      const err = rampApiErrorFrom(res.status, parsedBody, traceId, spec.method, route);
      log.warn("ramp request refused", { ...logData, code: err.code });
      if (res.status === 401 && token && !refreshedAfter401) {
        refreshedAfter401 = true;
        await accessToken(token);
        continue;
      }
      if (res.status === 429) {
        if (await waitOutLockout(res, attempt, started)) continue;
        throw err;
      }
      if (err.retryable && idempotent) {
        const retryAfter = parseRetryAfter(res.headers.get("retry-after"), clock());
        if (await backOff(attempt, started, retryAfter)) continue;
      }
      throw err;
    }
  }

  /**
   * A 429: every Lambda of the tenant stops until Ramp's lockout is over (the shared limiter makes the
   * next attempt wait it out); false when that is past this call's attempts or time budget.
   */
  async function waitOutLockout(res: Response, attempt: number, started: number): Promise<boolean> {
    const retryAfter = parseRetryAfter(res.headers.get("retry-after"), clock());
    const until = clock() + Math.max(lockoutMs, retryAfter ?? 0);
    await deps.limiter.recordLockout(until);
    return attempt < policy.maxAttempts && until - started <= policy.maxTotalMs;
  }

  /** Sleeps before the next attempt; false when attempts or total time are spent. */
  async function backOff(attempt: number, started: number, retryAfterMs: number | null): Promise<boolean> {
    if (attempt >= policy.maxAttempts) return false;
    const delay = Math.max(backoffDelay(attempt, policy, random), retryAfterMs ?? 0);
    if (clock() - started + delay > policy.maxTotalMs) return false;
    await sleep(delay);
    return true;
  }

  function parseBody<T>(
    spec: RequestSpec<T>,
    text: string,
    status: number,
    traceId: string | null,
    route: string,
  ) {
    if (!spec.schema) return undefined as T;
    const json = safeJson(text);
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      throw new RampResponseError(
        `status ${status}: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".")}: ${i.message}`)
          .join("; ")}`,
        spec.method,
        route,
        traceId,
        parsed.error.issues,
      );
    }
    return parsed.data;
  }

  async function* paginate<T>(
    path: string,
    query: Query,
    _item: z.ZodType<T>,
    pageSchema: z.ZodType<PageOf<T>>,
  ): AsyncGenerator<T> {
    // Ramp accepts 2–100 per page; default to the largest to spend the fewest requests.
    const size = typeof query.page_size === "number" ? Math.min(100, Math.max(2, query.page_size)) : 100;
    let next: string | null = urlOf(path, { ...query, page_size: size }).toString();
    const seen = new Set<string>();
    while (next) {
      // `page.next` is a full URL on Ramp's host; only its path and query are used, so the
      // bearer token never leaves for another host.
      const target: URL = new URL(next, base);
      const relative: string = target.pathname + target.search;
      if (seen.has(relative))
        throw new RampResponseError("page.next repeats a page", "GET", target.pathname, null, []);
      seen.add(relative);
      const page: PageOf<T> = await send({ method: "GET", path: relative, schema: pageSchema });
      for (const item of page.data) yield item;
      next = page.page?.next ?? null;
    }
  }

  return {
    tenantId: deps.tenantId,
    request: <T>(spec: RequestSpec<T>) => send(spec),
    paginate,
  } as RampHttp;
}

function safeJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.name === "TimeoutError" ? "timed out" : err.message;
  return String(err);
}
