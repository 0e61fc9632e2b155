/**
 * Time source. Everything time-dependent in the sandbox (token expiry, rate-limit windows,
 * lockouts, the sync-request deadline) reads `now()` from here, so tests advance a manual
 * clock instead of sleeping.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function manualClock(startEpochMs: number): ManualClock {
  let t = startEpochMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (epochMs) => {
      t = epochMs;
    },
  };
}

/** ISO-8601 with an explicit UTC offset, the way Ramp prints date-times. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Midnight UTC of the day, as a date-time (Ramp's accounting dates carry a zero time). */
export function isoDay(epochMs: number): string {
  return `${isoDate(epochMs)}T00:00:00+00:00`;
}
