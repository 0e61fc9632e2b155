/** What the health tick reads and where its points go (lib/store satisfies the reads). */

import type { OpenWork } from "../store/open-work.js";
import type { EnabledTenantsPage } from "../store/tenants.js";

export interface HealthStore {
  tenants: { listEnabled(opts: { limit?: number; cursor?: string }): Promise<EnabledTenantsPage> };
  openWork: { read(tenantId: string): Promise<OpenWork> };
}
