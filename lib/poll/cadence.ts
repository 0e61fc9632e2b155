/**
 * When a tenant is due for a poll (the guide's cadence, docs/ramp-api.md, Guide "Polling cadence"): every 1–4 h on
 * weekdays, every 12 h at weekends, both per tenant (`cadence` in the tenant
 * document). The schedule fires more often than any interval (e.g. every
 * 15 minutes) and asks each tenant `isDue`; the answer depends only on the
 * last dispatch and the clock, so it is a pure function. Pure.
 *
 * "Weekend" is Saturday and Sunday on the tenant's own wall clock (`timeZone` in
 * the tenant document, lib/domain/time-zone.ts): a Sydney customer's Saturday
 * starts at Friday 13:00 or 14:00 UTC depending on daylight saving.
 */
import type { TenantConfig } from "../config/tenant.js";
import { DEFAULT_TIME_ZONE, zonedTime } from "../domain/time-zone.js";

const HOUR = 3_600_000;

export interface CadenceOptions {
  /**
   * A poll dispatched a little after the previous schedule tick is still due on
   * the tick one interval later (10:00:03 + 2 h is due at 12:00:00): without
   * this slack every poll would slip by one tick. Default 5 minutes.
   */
  toleranceMs?: number;
}

/** Saturday or Sunday at `now` on the wall clock of `timeZone` (IANA name, DST-correct; default UTC). */
export function isWeekend(now: number, timeZone: string = DEFAULT_TIME_ZONE): boolean {
  const day = zonedTime(now, timeZone).weekday;
  return day === 0 || day === 6;
}

/** The interval (ms) that applies at `now` for a tenant in `timeZone`. */
export function pollIntervalMs(
  cadence: TenantConfig["cadence"],
  now: number,
  timeZone: string = DEFAULT_TIME_ZONE,
): number {
  const hours = isWeekend(now, timeZone) ? cadence.weekendHours : cadence.weekdayHours;
  return hours * HOUR;
}

/** True when the tenant has never been polled or its interval (at `now`) has passed since `lastPolledAt`. */
export function isDue(
  tenant: Pick<TenantConfig, "cadence" | "enabled" | "timeZone">,
  lastPolledAt: number | null,
  now: number,
  opts: CadenceOptions = {},
): boolean {
  if (!tenant.enabled) return false;
  if (lastPolledAt === null) return true;
  // A clock that went backwards (or a marker from the future) must not stall polling forever.
  if (lastPolledAt > now) return true;
  const tolerance = opts.toleranceMs ?? 5 * 60_000;
  return now - lastPolledAt >= pollIntervalMs(tenant.cadence, now, tenant.timeZone) - tolerance;
}
