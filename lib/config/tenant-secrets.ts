import { ConfigError } from "./errors.js";
/**
 * The one naming scheme of tenant secrets in Secrets Manager:
 * `<prefix>/<tenantId>/<kind>` — `ramp` (Ramp app credentials), `erp` (the ERP
 * password), `webhook` (Ramp webhook signing secrets). A name is derived from
 * the tenant id, never chosen: the tenant configuration may only repeat it
 * (lib/config/tenant.ts), and every place that reads a secret for a tenant
 * checks the id against the tenant first (`assertTenantSecretId`). The IAM
 * policies (infra/constructs/grants.ts) grant by kind, for any tenant.
 */

/** Shared by the stack's IAM patterns and the runtime's checks, so they cannot drift. */
export const SECRET_PREFIX = "ramp-erp-sync";

export const TENANT_SECRET_KINDS = ["ramp", "erp", "webhook"] as const;
export type TenantSecretKind = (typeof TENANT_SECRET_KINDS)[number];

export const tenantSecretId = (tenantId: string, kind: TenantSecretKind): string =>
  `${SECRET_PREFIX}/${tenantId}/${kind}`;

/** A tenant's resource (secret, journal) named by, or resolved for, another tenant — never read. */
export class TenantIsolationError extends ConfigError {
  override readonly name: string = "TenantIsolationError";
}

/**
 * Defence in depth inside a function that serves every tenant: IAM lets it read
 * any tenant's secret of a kind, so before reading `secretId` for `tenantId`
 * the code checks that the id is that tenant's own.
 */
export function assertTenantSecretId(tenantId: string, kind: TenantSecretKind, secretId: string): string {
  const own = tenantSecretId(tenantId, kind);
  if (secretId !== own) {
    throw new TenantIsolationError(
      `tenant ${tenantId}: refusing to read secret "${secretId}" as its ${kind} secret (its own is "${own}")`,
    );
  }
  return secretId;
}
