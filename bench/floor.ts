/**
 * The Ramp-call floor of a drain: the fewest calls any correct integration could make to
 * export what was ready, given Ramp's limits (ARCHITECTURE "Performance shape").
 *
 *   floor = Σ over (listing, entity) max(1, ⌈n/100⌉)        list calls, 100 = Ramp's largest page
 *         + Σ over sync types ⌈max(synced, failed)/5000⌉   POST /accounting/syncs calls
 *
 * Per (listing, entity), not per listing: a tenant with an entity map is listed with
 * `entity_id` (so each object lands with its ERP company and an unmapped entity fails
 * visibly, lib/poll/plan.ts), and Ramp pages each filtered listing on its own — two
 * entities with 50 transactions each cost two calls, not one.
 * An enabled listing with nothing ready still costs its one call: no integration learns a
 * listing is empty without asking. One bill listing feeds two sync types (BILL_SYNC,
 * BILL_PAYMENT_SYNC); vendor credits are listed but never told (no Ramp marking is known).
 * One sync call carries up to 5,000 successful and 5,000 failed items of one type, so
 * with no failures the sync part is Σ ⌈N_type/5000⌉.
 * Not in the floor: the token mint and the poller's one `GET /entities` per walk (it finds
 * entities nobody mapped); they show up as the gap between the figure and its floor.
 */
import { type ReadySource, readyListStart } from "../lib/ramp/resume.js";

/** Ramp's largest `page_size`. */
export const LIST_PAGE_MAX = 100;
/** Ramp's most items per list (successful_syncs, failed_syncs) of one sync call. */
export const SYNC_ITEMS_MAX = 5_000;
export const SYNC_ROUTE = "POST /developer/v1/accounting/syncs";

export interface ListedCount {
  source: ReadySource;
  entityId: string;
  /** Objects the listing returns for this entity. */
  objects: number;
}

/** What Ramp was told, per sync type. */
export type Told = Record<string, { synced: number; failed: number }>;

export interface RampFloor {
  list: number;
  sync: number;
  total: number;
  /** The same floor split by route, keyed as the sandbox counts routes (`GET /developer/v1/bills`). */
  byRoute: Record<string, number>;
}

/** The route a listing is served on, as the sandbox's stats name it. */
export function listRoute(source: ReadySource): string {
  return `GET ${readyListStart(source).split("?")[0]}`;
}

export function rampFloor(listed: readonly ListedCount[], told: Told): RampFloor {
  const byRoute: Record<string, number> = {};
  let list = 0;
  for (const l of listed) {
    const calls = Math.max(1, Math.ceil(l.objects / LIST_PAGE_MAX));
    const route = listRoute(l.source);
    byRoute[route] = (byRoute[route] ?? 0) + calls;
    list += calls;
  }
  let sync = 0;
  for (const t of Object.values(told)) sync += Math.ceil(Math.max(t.synced, t.failed) / SYNC_ITEMS_MAX);
  if (sync > 0) byRoute[SYNC_ROUTE] = sync;
  return { list, sync, total: list + sync, byRoute };
}
