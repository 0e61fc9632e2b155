/**
 * `*.ready_to_sync` events become poll jobs, and a burst of them (a user marks
 * 200 transactions ready) must not become 200 walks of the tenant's ready
 * lists. Events are grouped into fixed windows of `windowSeconds`; the first
 * event of a window enqueues one poll job delayed until just after the window
 * ends, so its listing starts after every event of the window was sent — and
 * each of those objects was ready before its event — so none is missed. Later
 * events in the same window ride along. Pure.
 */

export interface CoalescePlan {
  /** Marker id remembered (like an event id) by the first event of the window. */
  markerId: string;
  /** SQS DelaySeconds for the job (0–900). */
  delaySeconds: number;
  /** How long the marker must be remembered (ms): past the window and its job's start. */
  ttlMs: number;
}

/** null: no coalescing (every event enqueues its own job at once). */
export function coalescePlan(now: number, windowSeconds: number): CoalescePlan | null {
  if (windowSeconds <= 0) return null;
  const windowMs = Math.floor(windowSeconds * 1000);
  const index = Math.floor(now / windowMs);
  const endsAt = (index + 1) * windowMs;
  return {
    markerId: `poll-window:${windowMs}:${index}`,
    // One second past the end, so the listing cannot start inside the window.
    delaySeconds: Math.min(900, Math.ceil((endsAt - now) / 1000) + 1),
    ttlMs: windowMs + 15 * 60_000,
  };
}
