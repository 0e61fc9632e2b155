/**
 * Receipt URLs a warm receipts Lambda has already listed, per tenant. A run lists its
 * transactions' time window (`GET /receipts?from_date&to_date`); in a drain the windows of
 * successive runs overlap, and without this each run would page through the same receipts
 * again (measured: 187 list calls for 721 receipts where ⌈721/100⌉ = 8 is the floor). Every
 * receipt a page carries is kept, not only the ones the run wanted.
 *
 * Entries live 30 minutes, half the pre-signed URLs' lifetime (about 1 h, OpenAPI), so a cached
 * URL is nearly always still valid; one that is not answers 403 and the run fetches a fresh one
 * by id (attach.ts), as for any expired URL. Bounded: the oldest entries go first.
 */
export interface UrlCache {
  get(receiptId: string, now: number): string | null;
  put(receiptId: string, url: string, now: number): void;
}

export const URL_CACHE_TTL_MS = 30 * 60_000;
export const URL_CACHE_MAX = 50_000;

export function createUrlCache(o: { ttlMs?: number; max?: number } = {}): UrlCache {
  const ttl = o.ttlMs ?? URL_CACHE_TTL_MS;
  const max = o.max ?? URL_CACHE_MAX;
  const entries = new Map<string, { url: string; at: number }>();
  return {
    get(id, now) {
      const e = entries.get(id);
      if (!e) return null;
      if (now - e.at >= ttl) {
        entries.delete(id);
        return null;
      }
      return e.url;
    },
    put(id, url, now) {
      entries.delete(id);
      entries.set(id, { url, at: now });
      while (entries.size > max) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}
