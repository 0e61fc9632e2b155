/**
 * Every page of the enabled tenants (GSI1, `pageLimit` per page), in order:
 * the walk the poll fan-out and the health tick both make over the fleet.
 */
import type { EnabledTenantsPage } from "../store/tenants.js";

export interface EnabledTenantsSource {
  listEnabled(opts: { limit?: number; cursor?: string }): Promise<EnabledTenantsPage>;
}

export async function* enabledTenantPages(
  tenants: EnabledTenantsSource,
  pageLimit = 100,
): AsyncGenerator<EnabledTenantsPage> {
  let cursor: string | undefined;
  do {
    const page = await tenants.listEnabled({ limit: pageLimit, ...(cursor ? { cursor } : {}) });
    cursor = page.cursor;
    yield page;
  } while (cursor);
}
