import { RampError } from "./errors.js";
/**
 * The small interfaces the Ramp client depends on. Production wires them to
 * DynamoDB (lib/store/tokens.ts, lib/store/rate-limit.ts) and Secrets Manager
 * (lib/aws/secrets.ts); unit tests use the in-memory versions in ./memory.ts.
 */

/** A tenant's OAuth app credentials. Only ever held in memory; never logged, never stored in DynamoDB. */
export interface RampCredentials {
  clientId: string;
  clientSecret: string;
}

export interface CredentialsProvider {
  get(tenantId: string): Promise<RampCredentials>;
}

export interface CachedToken {
  accessToken: string;
  /** Epoch milliseconds at which Ramp stops accepting the token. */
  expiresAt: number;
}

/** Where a tenant's current access token lives between Lambda invocations. */
export interface TokenStore {
  get(tenantId: string): Promise<CachedToken | null>;
  put(tenantId: string, token: CachedToken): Promise<void>;
}

export interface AcquireOptions {
  /** Give up (RateLimitWaitError) rather than wait longer than this. */
  maxWaitMs?: number;
}

/**
 * Permission to send one request to Ramp for one tenant. Shared by every
 * process that talks to Ramp as that tenant, so the rolling-window limit holds
 * across concurrent Lambdas.
 */
export interface RateLimiter {
  acquire(options?: AcquireOptions): Promise<void>;
  /** Ramp answered 429: nobody may send for this tenant before `untilMs` (epoch ms). */
  recordLockout(untilMs: number): Promise<void>;
}

/** Raised by a limiter when the wait for a slot (or a lockout) would exceed the caller's budget. */
export class RateLimitWaitError extends RampError {
  override name = "RateLimitWaitError";
  /** Nothing was sent; trying later (e.g. the next SQS delivery) is safe. */
  readonly retryable = true;
  constructor(
    readonly waitMs: number,
    readonly blockedUntil: number | null,
  ) {
    super(`rate limiter would wait ${waitMs} ms${blockedUntil ? " (tenant locked out after a 429)" : ""}`);
  }
}
