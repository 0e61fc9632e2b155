/**
 * The whole sandbox's mutable state: businesses (tenants) with their client apps, issued tokens,
 * counters and configuration. One process can host several businesses at once.
 */
import type { Clock } from "./clock.js";
import type { SandboxConfig } from "./config.js";
import type { Business, ClientApp } from "./model.js";
import type { Rng } from "./prng.js";
import type { RateLimiter } from "./rate-limit.js";
import type { WebhookDispatcher } from "./webhooks.js";

export interface Token {
  token: string;
  clientId: string;
  businessId: string;
  scopes: string[];
  expiresAt: number;
}

export interface Counters {
  /** Calls per route key ("GET /developer/v1/transactions"), including refused ones. */
  byRoute: Record<string, number>;
  byApp: Record<string, number>;
  rateLimited: number;
  rateLimitedByApp: Record<string, number>;
  faults: number;
}

export interface SandboxState {
  clock: Clock;
  config: SandboxConfig;
  /** Runtime randomness (tokens, sync ids, event ids); seeded so runs are reproducible. */
  rng: Rng;
  businesses: Map<string, Business>;
  defaultBusinessId: string;
  apps: Map<string, { app: ClientApp; businessId: string }>;
  tokens: Map<string, Token>;
  limiter: RateLimiter;
  counters: Counters;
  baseUrl: string;
  /** Signs the pre-signed file URLs (`/files/…`); derived from the seed, not from `rng`. */
  fileSecret: string;
  webhooks: WebhookDispatcher;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

export function emptyCounters(): Counters {
  return { byRoute: {}, byApp: {}, rateLimited: 0, rateLimitedByApp: {}, faults: 0 };
}

export function registerBusiness(sb: SandboxState, biz: Business): void {
  sb.businesses.set(biz.id, biz);
  for (const app of biz.apps) sb.apps.set(app.clientId, { app, businessId: biz.id });
}

export function removeAllBusinesses(sb: SandboxState): void {
  sb.businesses.clear();
  sb.apps.clear();
  sb.tokens.clear();
  sb.limiter.reset();
}
