/**
 * Fair sharing of one pool's rate-limit slot between the tenants that draw from it
 * (lib/store/rate-limit-pool.ts), kept pure so it can be property-tested.
 *
 * A slot's capacity (lib/ramp/rate-window.ts `slotCapacity`) is split max-min fair
 * ("water-filling"): tenants that want less than an even share get what they want,
 * the rest split what is left evenly. So a busy tenant with many Lambdas gets no more
 * of a slot than a quiet one that is also waiting, yet takes up whatever the quiet
 * ones leave: the pool is not held idle for tenants that are not asking.
 *
 * Demand is not announced, so it is estimated from the pool item: a tenant refused in
 * this slot or the last one is hungry (unbounded demand); one that was granted
 * recently but never refused wants what it took lately plus one (room to grow); one
 * with neither is not active and reserves nothing.
 */

/** What the pool item remembers about one tenant, in slot numbers. */
export interface PoolTenantUse {
  /** Grants in the current slot. */
  current: number;
  /** Grants in the previous slot. */
  previous: number;
  /** Last slot in which the tenant asked and was refused (undefined: never, or long ago). */
  refusedSlot?: number;
}

/**
 * The slot's capacity split max-min fair between the demands (tenant → requests
 * wanted in the slot; Infinity = as many as it can get). Every share is a whole
 * number, the shares never sum above `capacity`, and when demand exceeds capacity
 * all of it is handed out. Leftover units from the integer split go to the
 * unsatisfied tenants in id order starting at `rotate` (mod their number): the
 * limiter passes the slot number, so when a slot holds fewer grants than there are
 * hungry tenants the same ones do not win every slot.
 */
export function maxMinShares(
  capacity: number,
  demands: ReadonlyMap<string, number>,
  rotate = 0,
): Map<string, number> {
  const shares = new Map<string, number>();
  let left = Math.max(0, Math.floor(capacity));
  const byDemand = [...demands.entries()]
    .map(([id, d]) => [id, Math.max(0, d)] as const)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hungry: string[] = [];
  for (let i = 0; i < byDemand.length; i++) {
    const [id, want] = byDemand[i] as readonly [string, number];
    const even = Math.floor(left / (byDemand.length - i));
    const given = Math.min(want, even);
    shares.set(id, given);
    left -= given;
    if (want > given) hungry.push(id);
  }
  hungry.sort();
  const n = hungry.length;
  for (let i = n ? ((rotate % n) + n) % n : 0; left > 0 && n > 0; i = (i + 1) % n) {
    const id = hungry[i] as string;
    shares.set(id, (shares.get(id) ?? 0) + 1);
    left--;
  }
  return shares;
}

/** A tenant's estimated demand for `slot` (see the header); 0 = not active. */
export function estimatedDemand(use: PoolTenantUse, slot: number): number {
  if (use.refusedSlot !== undefined && use.refusedSlot >= slot - 1) return Number.POSITIVE_INFINITY;
  if (use.current === 0 && use.previous === 0) return 0;
  return Math.max(use.current, use.previous) + 1;
}

/**
 * How many grants `tenant` may hold in `slot` of a pool whose slot capacity is
 * `capacity`, given what the pool item says about every tenant (the asker is
 * treated as hungry: it is asking now).
 */
export function tenantSlotShare(
  tenant: string,
  capacity: number,
  uses: ReadonlyMap<string, PoolTenantUse>,
  slot: number,
): number {
  const demands = new Map<string, number>();
  for (const [id, use] of uses) {
    const d = estimatedDemand(use, slot);
    if (d > 0) demands.set(id, d);
  }
  demands.set(tenant, Number.POSITIVE_INFINITY);
  return maxMinShares(capacity, demands, slot).get(tenant) ?? 0;
}
