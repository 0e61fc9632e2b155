/**
 * Ramp's Sync Button window and our deadline inside it. The ERP-integrations
 * guide: "Anything not posted back within 5 minutes is auto-marked as failed."
 * One value feeds both sides in tests: the sandbox's `syncRequestTimeoutMs`
 * and our `SYNC_BUTTON_WINDOW_MS` (lib/config/env.ts), so a failure case can run
 * with a 30 s window and the same code paths as the real 5 minutes.
 *
 * Ramp's clock starts at the click, not at our receipt, and a delivery can be a
 * retry; so the window is counted from the event's `created_at` when it has one
 * that is not later than our receipt (a sender clock ahead of ours would give us
 * time we do not have). The deadline is the window minus a safety margin: what
 * is still unsynced then is told to Ramp as a failure we will retry, before Ramp
 * would auto-fail it with a generic message. Pure.
 */

/** Ramp's window: 5 minutes from the click. */
export const BUTTON_WINDOW_MS = 300_000;

/**
 * Kept back from the window for telling what is left: reading the request's rows
 * in the ledger and one report call per 5,000 rows, plus clock skew between Ramp
 * and us. 15 % (45 s of 5 minutes), never under 3 s.
 */
export function buttonMarginMs(windowMs: number): number {
  return Math.max(3_000, Math.round(windowMs * 0.15));
}

export interface ButtonTimes {
  /** When Ramp's clock started (epoch ms): the event's created_at, or our receipt if absent or later. */
  startedAt: number;
  /** When we stop trying and tell Ramp what is still unsynced (epoch ms). */
  deadline: number;
}

/** The request's start and deadline from the event's `created_at` (ISO, may be absent) and our receipt time. */
export function buttonTimes(
  createdAt: string | null | undefined,
  receivedAt: number,
  windowMs: number = BUTTON_WINDOW_MS,
): ButtonTimes {
  const created = createdAt ? Date.parse(createdAt) : Number.NaN;
  const startedAt = Number.isFinite(created) && created <= receivedAt ? created : receivedAt;
  return { startedAt, deadline: startedAt + windowMs - buttonMarginMs(windowMs) };
}
