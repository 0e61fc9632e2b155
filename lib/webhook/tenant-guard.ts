/**
 * The webhook function reads signing secrets for whichever tenant the path
 * names, and IAM lets it read every tenant's. The receiver takes the secret id
 * from the tenant configuration, so the configuration handed to it must be the
 * requested tenant's own and name that tenant's own secret — checked here, in
 * front of the receiver, in addition to the schema and the store's key check.
 */
import type { TenantConfig } from "../config/tenant.js";
import { assertTenantSecretId, TenantIsolationError } from "../config/tenant-secrets.js";

type TenantLookup = { get(tenantId: string): Promise<TenantConfig | undefined> };

export function ownSecretsOnly(tenants: TenantLookup): TenantLookup {
  return {
    async get(tenantId) {
      const tenant = await tenants.get(tenantId);
      if (!tenant) return tenant;
      if (tenant.tenantId !== tenantId)
        throw new TenantIsolationError(
          `asked for tenant ${tenantId}, got tenant ${tenant.tenantId}'s configuration`,
        );
      if (tenant.ramp.webhookSecretId !== null)
        assertTenantSecretId(tenantId, "webhook", tenant.ramp.webhookSecretId);
      return tenant;
    },
  };
}
