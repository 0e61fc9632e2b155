/** How the operator documents write times: ISO 8601 in UTC, null when there is none. */
export const isoOf = (ms: number | undefined | null): string | null =>
  ms === undefined || ms === null ? null : new Date(ms).toISOString();

/** Whole seconds from `from` to `now`, never negative (clocks of two writers differ a little). */
export const ageSeconds = (from: number, now: number): number => Math.max(0, Math.floor((now - from) / 1000));
