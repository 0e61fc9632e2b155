/**
 * How soon a Sync Button row that failed transiently is tried again. Inside its
 * request's window (lib/domain/button-window.ts) waiting out the priority queue's
 * 30-minute visibility would leave the row to Ramp's auto-fail, so the syncer
 * shortens the message's visibility instead (functions/syncer/make-handler.ts,
 * ChangeMessageVisibility): 1, 2, 4 … seconds, at most a tenth of the time left
 * (never over 15 s, never under 1 s), and never past the deadline. At and after
 * the deadline: null — the row is ordinary work again (the deadline job has told
 * Ramp "we'll retry", lib/poll/button-deadline.ts). Pure.
 */
export function buttonRetryDelayS(receiveCount: number, now: number, deadline: number | null): number | null {
  if (deadline === null || now >= deadline) return null;
  const leftS = (deadline - now) / 1000;
  const cap = Math.min(15, Math.max(1, leftS / 10));
  const backoff = 2 ** Math.max(0, Math.min(10, receiveCount - 1));
  return Math.max(1, Math.min(Math.ceil(leftS), Math.round(Math.min(backoff, cap))));
}

/** Inside the window a transient failure is not reportable (its retries are seconds apart); after it, N applies. */
export function inButtonWindow(deadline: number | null | undefined, now: number): boolean {
  return typeof deadline === "number" && now < deadline;
}
