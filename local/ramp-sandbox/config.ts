/**
 * Run-time knobs, all settable through `PUT /sandbox/config` (and `startSandbox` options).
 * Defaults follow docs/ramp-api.md "Header decisions": 200 requests per rolling 10 s per client app, a 60 s
 * lockout that calls during it restart, 10-day tokens, a 5-minute sync-request window.
 */
import { BUTTON_WINDOW_MS } from "../../lib/domain/button-window.js";
import type { RateLimitKeying } from "./rate-limit.js";
export interface FaultRule {
  /** Share of calls answered with `status` (0..1), drawn from the seeded PRNG. */
  errorRate?: number;
  /** The next N calls fail (deterministic, for tests). */
  failNext?: number;
  status?: number;
  latencyMs?: number;
  /** Share of calls that hang for `timeoutMs` and then lose their socket. */
  timeoutRate?: number;
  timeoutNext?: number;
  timeoutMs?: number;
}

export interface WebhookConfig {
  signatureHeader: string;
  encoding: "hex" | "base64";
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Deliver every business event twice (same event id). */
  duplicate: boolean;
  /** Deliver the events produced by one action in reverse order. */
  outOfOrder: boolean;
}

export interface SandboxConfig {
  tokenTtlSeconds: number;
  /** Lifetime of pre-signed receipt and invoice URLs (Ramp: 1 hour by default). */
  fileUrlTtlSeconds: number;
  /**
   * `keyBy`: what one window counts — each client app (`client`, the project's reading) or each
   * source address (`source`, the per-IP reading), so a test can prove a shared pool is respected.
   */
  rateLimit: {
    enabled: boolean;
    limit: number;
    windowMs: number;
    lockoutMs: number;
    keyBy: RateLimitKeying;
  };
  /** Keyed by route ("GET /developer/v1/transactions") or "*" for every developer route. */
  faults: Record<string, FaultRule>;
  syncRequestTimeoutMs: number;
  webhooks: WebhookConfig;
}

export function defaultConfig(): SandboxConfig {
  return {
    tokenTtlSeconds: 864_000,
    fileUrlTtlSeconds: 3_600,
    rateLimit: { enabled: true, limit: 200, windowMs: 10_000, lockoutMs: 60_000, keyBy: "client" },
    faults: {},
    // Ramp's Sync Button window, the same value our deadline is computed from (one setting: tests
    // that shorten it pass one value to both, test/support/button-world.ts).
    syncRequestTimeoutMs: BUTTON_WINDOW_MS,
    webhooks: {
      signatureHeader: "X-Ramp-Signature",
      encoding: "hex",
      timeoutMs: 10_000,
      maxAttempts: 10,
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
      duplicate: false,
      outOfOrder: false,
    },
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ConfigPatch = DeepPartial<SandboxConfig>;

/** Merges a patch; `faults` entries replace per route (null removes one). */
export function applyConfigPatch(cfg: SandboxConfig, patch: ConfigPatch): void {
  if (patch.tokenTtlSeconds !== undefined) cfg.tokenTtlSeconds = patch.tokenTtlSeconds;
  if (patch.fileUrlTtlSeconds !== undefined) cfg.fileUrlTtlSeconds = patch.fileUrlTtlSeconds;
  if (patch.syncRequestTimeoutMs !== undefined) cfg.syncRequestTimeoutMs = patch.syncRequestTimeoutMs;
  if (patch.rateLimit) Object.assign(cfg.rateLimit, patch.rateLimit);
  if (patch.webhooks) Object.assign(cfg.webhooks, patch.webhooks);
  if (patch.faults) {
    for (const [route, rule] of Object.entries(patch.faults)) {
      if (rule === null || rule === undefined) delete cfg.faults[route];
      else cfg.faults[route] = { ...rule } as FaultRule;
    }
  }
}
