/**
 * The single-endpoint webhook mode (`POST /webhooks`, one URL for every tenant):
 * which tenant a delivery is for travels in a header Ramp adds to every delivery
 * of the subscription (`additional_headers`, docs/ramp-api.md §12.1), set when we
 * subscribe (lib/webhook/subscribe.ts). Never from the body: nothing in the body
 * is read before its signature has matched, and the signature can only be checked
 * once we know whose secret to check it with. The header is not a credential — a
 * forger can send any value — it only picks the tenant whose own secret must then
 * verify the delivery (lib/webhook/receive.ts).
 */

/**
 * As Ramp is asked to send it. Not one of Ramp's reserved names (`Host`, `User-Agent`,
 * `X-Forwarded*`, `X-Real*`, `X-Original*`). API Gateway hands it over lower-cased.
 */
export const TENANT_HEADER = "X-Ramp-Erp-Sync-Tenant";

/** The tenant a delivery names, from headers lower-cased as API Gateway v2 gives them. */
export function tenantFromHeader(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = headers[TENANT_HEADER.toLowerCase()];
  return value === undefined ? undefined : value.trim();
}

/** The tenant a subscription's `additional_headers` name (any case of the header name), if any. */
export function tenantOfSubscription(headers: Record<string, string> | null | undefined): string | null {
  if (!headers) return null;
  const want = TENANT_HEADER.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return null;
}
