/**
 * Time as a port: every piece that reasons about leases, expiry, back-off or
 * waiting takes a Clock and a Sleep, so tests move time forward instead of
 * sleeping and production passes these two.
 */

/** Epoch milliseconds. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export type Sleep = (ms: number) => Promise<void>;

/** A negative wait (a deadline already passed) resolves on the next timer tick. */
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
