/**
 * What the vendor resolver (vendor-creation.ts) remembers between SQS batches: per tenant, Ramp's
 * accounting-vendor list and the ERP's vendor list, indexed by name. Built once per syncer
 * container (functions/syncer/deps.ts) and handed to every invocation's syncer, so a warm Lambda
 * reads each list once instead of once per batch of ten messages (issue #15: 97 lists for 1,000
 * transactions).
 *
 * Rules, the same for both lists:
 * - the first lookup reads the whole list; every later lookup answers from memory;
 * - a name miss re-reads the list once before the resolver creates anything (another container
 *   may have created or uploaded that vendor since), unless the list was read less than
 *   `refreshAfterMs` ago: then the miss stands. Without that floor a batch of new merchants would
 *   re-list once per merchant; and skipping the refresh is safe, because the ERP's createVendor
 *   finds an existing vendor by name (ErpPort) and an upload Ramp refuses as a duplicate is read
 *   back by remote id (vendor-creation.ts) — the refresh saves calls, it does not keep us correct;
 * - what the resolver creates or uploads is added at once, so the next batch finds it without a list;
 * - a list older than `maxAgeMs` is dropped and the next lookup re-reads it: vendors deactivated,
 *   renamed or re-created in Ramp or the ERP (coa-push, a user) would otherwise be served for the
 *   container's whole life, which can be hours;
 * - at most `maxEntries` names per list and `maxTenants` tenants, least recently used out first:
 *   every Lambda serves every tenant, and 512 MB must not fill with the vendor lists of tenants seen
 *   once. An evicted name is only a miss (the rules above), never a wrong answer;
 * - a failed read changes nothing: the lookups waiting for it fail (their items are retried) and the
 *   next lookup reads again; a tenant whose config version changed starts empty (its companies or
 *   connection may be others).
 */
import type { TenantConfig } from "../config/tenant.js";

/** An accounting vendor Ramp holds: our remote id (`<company key>:<ERP id>`) and Ramp's id. */
export interface RampVendorRow {
  remoteId: string;
  rampId: string;
  name: string;
}

/** An active ERP vendor. */
export interface ErpVendorRow {
  remoteId: string;
  companyKey: string;
  name: string;
}

/** One cached list of one tenant. */
export interface CachedVendorList<R> {
  /**
   * The row of that name `match` accepts, reading the list with `read` when there is none yet,
   * when it is too old, or (once) on a miss when it was read long enough ago.
   */
  find(name: string, match: (row: R) => boolean, read: () => Promise<R[]>): Promise<R | undefined>;
  /** Remembers a row the caller just created or uploaded, under each of these names. */
  add(names: readonly string[], row: R): void;
  /** Forgets the rows `match` accepts (e.g. a vendor Ramp refused to code with). */
  forget(match: (row: R) => boolean): void;
}

export interface TenantVendorCache {
  ramp: CachedVendorList<RampVendorRow>;
  erp: CachedVendorList<ErpVendorRow>;
  /**
   * Runs `run` unless a run of the same key is in flight, whose promise is shared instead; the key
   * is forgotten when its run settles (the lists keep the result). Concurrent batches of one
   * container (the local stack runs several) then create and upload a new merchant's vendor once,
   * instead of racing to a refused duplicate upload.
   */
  once<T>(key: string, run: () => Promise<T>): Promise<T>;
}

export interface VendorCache {
  /** This tenant's lists (empty ones when the tenant is new here or its config version changed). */
  forTenant(tenant: Pick<TenantConfig, "tenantId" | "version">): TenantVendorCache;
}

export interface VendorCacheOptions {
  /** Names kept per list per tenant. */
  maxEntries?: number;
  /** Tenants kept. */
  maxTenants?: number;
  /** A list read longer ago than this is read again by the next lookup. */
  maxAgeMs?: number;
  /** A miss re-reads the list only when it was read at least this long ago. */
  refreshAfterMs?: number;
  clock?: () => number;
}

export const VENDOR_CACHE_DEFAULTS = {
  // ~150 bytes a name: 20,000 names ≈ 3 MB per list; larger charts stay correct with misses.
  maxEntries: 20_000,
  maxTenants: 50,
  maxAgeMs: 15 * 60_000,
  // A warm container's invocations are seconds apart: one refresh a minute at most per list.
  refreshAfterMs: 60_000,
} as const;

/** Exact name match, ignoring case and surrounding/duplicate spaces only (the resolver's rule). */
export const nameKey = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

interface Entry<R> {
  rows: R[];
  /** When the row was learned: the start of the read that listed it, or when it was added. */
  at: number;
}

function inFlight(): TenantVendorCache["once"] {
  const running = new Map<string, Promise<unknown>>();
  return <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const had = running.get(key);
    if (had) return had as Promise<T>;
    const p = run();
    running.set(key, p);
    const forget = () => {
      if (running.get(key) === p) running.delete(key);
    };
    p.then(forget, forget);
    return p;
  };
}

function cachedList<R extends { remoteId: string; name: string }>(
  o: Required<VendorCacheOptions>,
): CachedVendorList<R> {
  let byName = new Map<string, Entry<R>>();
  /** Start of the last successful read; null = never read (or dropped). */
  let readAt: number | null = null;
  let reading: Promise<void> | null = null;

  const put = (map: Map<string, Entry<R>>, key: string, row: R, at: number) => {
    const e = map.get(key);
    const others = (e?.rows ?? []).filter((r) => r.remoteId !== row.remoteId);
    map.delete(key);
    map.set(key, { rows: [...others, row], at: Math.max(at, e?.at ?? at) });
    while (map.size > o.maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };

  /** One read at a time; the lookups that arrive meanwhile wait for it. */
  const refresh = (read: () => Promise<R[]>) => {
    reading ??= (async () => {
      const started = o.clock();
      try {
        const rows = await read();
        const next = new Map<string, Entry<R>>();
        for (const r of rows) put(next, nameKey(r.name), r, started);
        // Rows added while the read was in flight may be missing from it: keep them.
        for (const [k, e] of byName) if (e.at >= started) for (const r of e.rows) put(next, k, r, e.at);
        byName = next;
        readAt = started;
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  const lookup = (name: string, match: (row: R) => boolean): R | undefined => {
    const key = nameKey(name);
    const e = byName.get(key);
    const row = e?.rows.find(match);
    if (e && row) {
      // Least recently used goes first when the list is full.
      byName.delete(key);
      byName.set(key, e);
    }
    return row;
  };

  return {
    async find(name, match, read) {
      // Never read, or too old to trust even for hits: read it (the read replaces what it lists).
      if (readAt === null || o.clock() - readAt >= o.maxAgeMs) await refresh(read);
      const hit = lookup(name, match);
      if (hit) return hit;
      // A read already under way may bring it; else one refresh, if the list is not fresh.
      if (reading) await reading;
      else if (o.clock() - (readAt ?? 0) >= o.refreshAfterMs) await refresh(read);
      return lookup(name, match);
    },
    add(names, row) {
      const now = o.clock();
      for (const k of new Set(names.map(nameKey))) put(byName, k, row, now);
    },
    forget(match) {
      for (const [k, e] of byName) {
        const rows = e.rows.filter((r) => !match(r));
        if (rows.length === e.rows.length) continue;
        if (rows.length) byName.set(k, { ...e, rows });
        else byName.delete(k);
      }
    },
  };
}

export function createVendorCache(options: VendorCacheOptions = {}): VendorCache {
  const o: Required<VendorCacheOptions> = { ...VENDOR_CACHE_DEFAULTS, clock: Date.now, ...options };
  const tenants = new Map<string, { version: number; lists: TenantVendorCache }>();
  return {
    forTenant(tenant) {
      const had = tenants.get(tenant.tenantId);
      tenants.delete(tenant.tenantId);
      const lists =
        had && had.version === tenant.version
          ? had.lists
          : { ramp: cachedList<RampVendorRow>(o), erp: cachedList<ErpVendorRow>(o), once: inFlight() };
      tenants.set(tenant.tenantId, { version: tenant.version, lists });
      while (tenants.size > o.maxTenants) {
        const oldest = tenants.keys().next().value;
        if (oldest === undefined) break;
        tenants.delete(oldest);
      }
      return lists;
    },
  };
}
