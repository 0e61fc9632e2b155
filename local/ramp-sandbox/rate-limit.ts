/**
 * Ramp's limiter: N requests per rolling window; the call that exceeds it gets 429 and
 * starts a lockout; any call during the lockout is refused and restarts it (Ramp's older
 * rate-limit page, adopted as a project decision). Keyed per client app by default, or per
 * source address (`keyBy: "source"`): Ramp's docs disagree on which (lib/ramp/rate-scope.ts).
 */
export type RateLimitKeying = "client" | "source";

export interface RateLimitSettings {
  enabled: boolean;
  limit: number;
  windowMs: number;
  lockoutMs: number;
  keyBy?: RateLimitKeying;
}

/** The window a call counts in: its client app's, or its source address's. */
export function rateLimitKey(s: RateLimitSettings, clientId: string, sourceAddress: string | undefined) {
  return s.keyBy === "source" ? `source:${sourceAddress ?? "unknown"}` : clientId;
}

interface AppWindow {
  hits: number[];
  lockedUntil: number;
}

export class RateLimiter {
  private apps = new Map<string, AppWindow>();

  /** Returns 0 when the call may proceed, else the ms to wait (for Retry-After). */
  check(appId: string, now: number, s: RateLimitSettings): number {
    if (!s.enabled) return 0;
    let w = this.apps.get(appId);
    if (!w) {
      w = { hits: [], lockedUntil: 0 };
      this.apps.set(appId, w);
    }
    if (now < w.lockedUntil) {
      w.lockedUntil = now + s.lockoutMs;
      return s.lockoutMs;
    }
    const cutoff = now - s.windowMs;
    let drop = 0;
    while (drop < w.hits.length && (w.hits[drop] as number) <= cutoff) drop++;
    if (drop > 0) w.hits.splice(0, drop);
    if (w.hits.length >= s.limit) {
      w.lockedUntil = now + s.lockoutMs;
      w.hits = [];
      return s.lockoutMs;
    }
    w.hits.push(now);
    return 0;
  }

  reset(): void {
    this.apps.clear();
  }
}
