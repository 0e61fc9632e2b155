/**
 * When a tenant is due for a poll (the guide's cadence, docs/ramp-api.md, Guide "Polling cadence"): every 1–4 h on
 * weekdays, every 12 h at weekends, both per tenant (`cadence` in the tenant
 * document). The schedule fires more often than any interval (e.g. every
 * 15 minutes) and asks each tenant `isDue`; the answer depends only on the
 * last dispatch and the clock, so it is a pure function. Pure.
 */
import type { TenantConfig } from "../config/tenant.js";

const HOUR = 3_600_000;

export interface CadenceOptions {
  /**
   * A poll dispatched a little after the previous schedule tick is still due on
   * the tick one interval later (10:00:03 + 2 h is due at 12:00:00): without
   * this slack every poll would slip by one tick. Default 5 minutes.
   */
  toleranceMs?: number;
  /**
   * Where "weekend" is decided. Tenant documents carry no time zone yet, so the
   * default is UTC; a positive offset is east of Greenwich (minutes).
   */
  utcOffsetMinutes?: number;
}

/** Saturday or Sunday at `now`, in UTC shifted by `utcOffsetMinutes`. */
export function isWeekend(now: number, utcOffsetMinutes = 0): boolean {
  const day = new Date(now + utcOffsetMinutes * 60_000).getUTCDay();
  return day === 0 || day === 6;
}

/** The interval (ms) that applies at `now`. */
export function pollIntervalMs(
  cadence: TenantConfig["cadence"],
  now: number,
  opts: CadenceOptions = {},
): number {
  const hours = isWeekend(now, opts.utcOffsetMinutes) ? cadence.weekendHours : cadence.weekdayHours;
  return hours * HOUR;
}

/** True when the tenant has never been polled or its interval (at `now`) has passed since `lastPolledAt`. */
export function isDue(
  tenant: Pick<TenantConfig, "cadence" | "enabled">,
  lastPolledAt: number | null,
  now: number,
  opts: CadenceOptions = {},
): boolean {
  if (!tenant.enabled) return false;
  if (lastPolledAt === null) return true;
  // A clock that went backwards (or a marker from the future) must not stall polling forever.
  if (lastPolledAt > now) return true;
  const tolerance = opts.toleranceMs ?? 5 * 60_000;
  return now - lastPolledAt >= pollIntervalMs(tenant.cadence, now, opts) - tolerance;
}
