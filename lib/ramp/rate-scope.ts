/**
 * What a Ramp rate limit is keyed on, and so which limiter a tenant's client draws from.
 *
 * Ramp's sources disagree: Ramp's older rate-limit page (and our project decision,
 * docs/ramp-api.md "Header decisions" and §4) count 200 requests per rolling 10 s
 * per client app — each tenant has its own app, so each gets its own budget; the 2026
 * docs as reported by a secondary source (Ramp API reference §4 "Keying", [S RSCH26]) key it on
 * the source IP — then every tenant behind one NAT shares one budget. The ERP guide's
 * "stagger chart-of-accounts uploads across customers" fits the second reading.
 *
 * - `tenant-app` (default, today's behaviour): one bucket per tenant (`TENANT#<id>`).
 * - `egress-pool`: one bucket per pool (`POOL#<name>`) for all tenants that leave through
 *   the same egress IP, shared fairly (lib/ramp/pool-fairness.ts). A deployment has one
 *   NAT, hence one pool, so the scope is a deployment setting (infra/functions.ts
 *   `ramp.rateLimit`); a tenant may override it (its `ramp.rateLimit`), e.g. one routed
 *   through another egress.
 */
import * as z from "zod";

export const RATE_LIMIT_SCOPES = ["tenant-app", "egress-pool"] as const;

const poolName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "pool names are 1–64 of A–Z a–z 0–9 _ . -");

/** The deployment's choice. */
export const RampRateLimitSchema = z
  .object({
    scope: z.enum(RATE_LIMIT_SCOPES).default("tenant-app"),
    /** The shared bucket's name when `scope` is `egress-pool`. */
    pool: poolName.default("default"),
  })
  .strict();
export type RampRateLimit = z.infer<typeof RampRateLimitSchema>;

/** A tenant's override: either field alone replaces the deployment's. */
export const TenantRateLimitSchema = z
  .object({ scope: z.enum(RATE_LIMIT_SCOPES).optional(), pool: poolName.optional() })
  .strict();
export type TenantRateLimit = z.infer<typeof TenantRateLimitSchema>;

export const DEFAULT_RATE_LIMIT: RampRateLimit = RampRateLimitSchema.parse({});

/** Which bucket a tenant's client draws from. */
export type RateLimitKey = { scope: "tenant-app"; tenantId: string } | { scope: "egress-pool"; pool: string };

export function rateLimitKeyFor(
  tenantId: string,
  deployment: RampRateLimit = DEFAULT_RATE_LIMIT,
  tenant: TenantRateLimit = {},
): RateLimitKey {
  const scope = tenant.scope ?? deployment.scope;
  if (scope === "tenant-app") return { scope, tenantId };
  return { scope, pool: tenant.pool ?? deployment.pool };
}
