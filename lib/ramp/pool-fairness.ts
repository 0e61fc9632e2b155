/**
 * Fair sharing of one pool's rate-limit window between the tenants that draw from it
 * (lib/store/rate-limit-pool.ts), kept pure so it can be property-tested.
 *
 * The pool's budget for a window (lib/ramp/rate-window.ts: Ramp's limit less the
 * margin) is split max-min fair ("water-filling"): tenants that want less than an even
 * share get what they want, the rest split what is left evenly. So a busy tenant with
 * many Lambdas gets no more of a window than a quiet one that is also waiting, yet
 * takes up whatever the quiet ones leave: the pool is not held idle for tenants that
 * are not asking. The window, not the slot, is what is shared: a tenant with one slow
 * caller asks a few times per slot, and a per-slot split would let the busy tenant
 * spend the whole window's budget in its first slots.
 *
 * Demand is not announced, so it is estimated from the pool item: a tenant refused
 * within the trailing window is hungry (unbounded demand); one granted in it but never
 * refused wants what it took plus one (room to grow); one with neither is not active
 * and reserves nothing.
 */

/** What the pool item remembers about one tenant over the trailing window. */
export interface PoolTenantUse {
  /** Grants in the trailing window (the current slot and the span's earlier ones). */
  inWindow: number;
  /** Last slot in which the tenant asked and was refused (undefined: never, or long ago). */
  refusedSlot?: number;
}

/**
 * A budget split max-min fair between the demands (tenant → requests wanted; Infinity = as many as it can get). Every share is a whole
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
  // Ascending demand: those under the even split of what is left are served in full…
  let i = 0;
  for (; i < byDemand.length; i++) {
    const [id, want] = byDemand[i] as readonly [string, number];
    if (want > Math.floor(left / (byDemand.length - i))) break;
    shares.set(id, want);
    left -= want;
  }
  // …and the rest, each wanting more than that, split the remainder evenly.
  const hungry = byDemand.slice(i).map(([id]) => id);
  const n = hungry.length;
  if (n === 0) return shares;
  const even = Math.floor(left / n);
  for (const id of hungry) shares.set(id, even);
  left -= even * n;
  hungry.sort();
  for (let k = 0; k < left; k++) {
    const id = hungry[(((rotate + k) % n) + n) % n] as string;
    shares.set(id, (shares.get(id) ?? 0) + 1);
  }
  return shares;
}

/** A tenant's estimated demand for the window of `span` slots ending at `slot`; 0 = not active. */
export function estimatedDemand(use: PoolTenantUse, slot: number, span: number): number {
  if (use.refusedSlot !== undefined && use.refusedSlot > slot - span) return Number.POSITIVE_INFINITY;
  if (use.inWindow === 0) return 0;
  return use.inWindow + 1;
}

/**
 * How many grants `tenant` may hold in the trailing window of `span` slots ending at
 * `slot`, out of the pool's `budget`, given what the pool item says about every tenant
 * (the asker is treated as hungry: it is asking now).
 */
export function tenantWindowShare(
  tenant: string,
  budget: number,
  uses: ReadonlyMap<string, PoolTenantUse>,
  slot: number,
  span: number,
): number {
  const demands = new Map<string, number>();
  for (const [id, use] of uses) {
    const d = estimatedDemand(use, slot, span);
    if (d > 0) demands.set(id, d);
  }
  demands.set(tenant, Number.POSITIVE_INFINITY);
  return maxMinShares(budget, demands, slot).get(tenant) ?? 0;
}
