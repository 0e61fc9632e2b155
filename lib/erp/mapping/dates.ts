/**
 * Posting dates: the first present candidate (docs/ramp-api.md §14 fallbacks), as the
 * calendar date written in Ramp's timestamp. We take the date part as sent rather
 * than converting time zones: Ramp shows users that date, and re-interpreting
 * "2026-03-31T23:30:00-05:00" as April would move spend across a period close.
 * The tenant's `timeZone` (lib/config/tenant.ts) deliberately plays no part here:
 * it decides the polling weekend and how instants are shown, never which day a
 * posting lands on.
 */
import { userError } from "../port.js";

export function dateOnly(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  return m?.[1] ?? null;
}

export function postingDate(what: string, ...candidates: Array<string | null | undefined>): string {
  for (const c of candidates) {
    const d = dateOnly(c);
    if (d) return d;
  }
  throw userError(
    "MISSING_MAPPING",
    `${what} has no accounting date`,
    `Set an accounting date on ${what} in Ramp, then retry.`,
  );
}
