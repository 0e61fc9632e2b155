/**
 * Every page of the enabled tenants (GSI1, `pageLimit` per page), in order:
 * the walk the poll fan-out and the health tick both make over the fleet.
 * Generic over the page so each caller keeps its own port's page type.
 */
export async function* enabledTenantPages<P extends { cursor?: string | undefined }>(
  tenants: { listEnabled(opts: { limit?: number; cursor?: string }): Promise<P> },
  pageLimit = 100,
): AsyncGenerator<P> {
  let cursor: string | undefined;
  do {
    const page = await tenants.listEnabled({ limit: pageLimit, ...(cursor ? { cursor } : {}) });
    cursor = page.cursor;
    yield page;
  } while (cursor);
}
