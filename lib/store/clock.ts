/**
 * Time as epoch milliseconds, injected into every repository that reasons about
 * leases or expiry so tests move time forward instead of sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** DynamoDB TTL wants epoch seconds. */
export const ttlSeconds = (epochMs: number) => Math.ceil(epochMs / 1000);
