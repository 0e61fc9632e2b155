/**
 * The push loop the chart-of-accounts lifecycle tests repeat: push the tenant's chart, and keep
 * the connection id Ramp hands back (as the tenant repository does), so the next push reuses it.
 * `tenant` may be replaced between pushes (a test changing the removal policy).
 */

import { type CoaPushDeps, type CoaPushResult, pushCoa } from "../../lib/coa/push.js";
import type { TenantConfig } from "../../lib/config/tenant.js";

export interface CoaPusher {
  tenant: TenantConfig;
  push(): Promise<CoaPushResult>;
}

export function coaPusher(deps: Omit<CoaPushDeps, "onConnectionId">, tenant: TenantConfig): CoaPusher {
  const pusher: CoaPusher = {
    tenant,
    push: () =>
      pushCoa(
        {
          ...deps,
          onConnectionId: async (id) => {
            pusher.tenant = { ...pusher.tenant, ramp: { ...pusher.tenant.ramp, connectionId: id } };
          },
        },
        { tenant: pusher.tenant },
      ),
  };
  return pusher;
}
