/**
 * The arithmetic of the shared rate limiter, kept pure so it can be unit-tested
 * and shared by the DynamoDB limiter (lib/store/rate-limit.ts) and the in-memory one.
 *
 * Time is cut into slots (1 s by default) and every request is counted in the
 * slot of the sender's clock. Ramp counts a rolling 10 s window by its own
 * clock, so a window of Ramp's can overlap 11 of our slots, and more once the
 * senders' clocks are skewed or a request leaves late in its slot. We therefore
 * require every run of `spanSlots` consecutive slots — the window plus the skew
 * margin on both sides, rounded up, plus one — to hold at most `budget`
 * (= limit − safety margin). Each new request checks every such run that contains
 * its slot, so the property holds whatever order slots fill in.
 */
export interface RateWindowConfig {
  /** Ramp's allowance per window (200). */
  limit: number;
  /** Ramp's rolling window (10 000 ms). */
  windowMs: number;
  /** Counting granularity. */
  slotMs: number;
  /** How far two clocks (ours, other Lambdas', Ramp's) may disagree, plus in-flight latency. */
  skewMs: number;
  /** Requests kept in reserve below `limit`. */
  safetyMargin: number;
  /**
   * Most requests in one slot. Spreads the allowance over the window instead of
   * spending it in one burst (which would then leave the next 10 s idle).
   */
  maxPerSlot: number;
  /** After a 429, nothing is sent for this long (or Retry-After, if longer). */
  lockoutMs: number;
}

export const RAMP_RATE_DEFAULTS = {
  limit: 200,
  windowMs: 10_000,
  slotMs: 1_000,
  skewMs: 500,
  safetyMargin: 10,
  lockoutMs: 60_000,
} as const;

export type RateWindowInput = Partial<RateWindowConfig>;

export function rateWindowConfig(input: RateWindowInput = {}): RateWindowConfig {
  const base = { ...RAMP_RATE_DEFAULTS, ...stripUndefined(input) };
  const budget = base.limit - base.safetyMargin;
  if (budget < 1)
    throw new Error(`rate limit budget must be positive (limit ${base.limit}, margin ${base.safetyMargin})`);
  // Default burst: twice the even share of one slot, so five slots spend the budget.
  const evenShare = (budget * base.slotMs) / base.windowMs;
  const maxPerSlot = input.maxPerSlot ?? Math.max(1, Math.ceil(evenShare * 2));
  return { ...base, maxPerSlot };
}

export function spanSlots(cfg: RateWindowConfig): number {
  return Math.ceil((cfg.windowMs + 2 * cfg.skewMs) / cfg.slotMs) + 1;
}

function budget(cfg: RateWindowConfig): number {
  return cfg.limit - cfg.safetyMargin;
}

export function slotOf(nowMs: number, cfg: RateWindowConfig): number {
  return Math.floor(nowMs / cfg.slotMs);
}

export function slotStartMs(slot: number, cfg: RateWindowConfig): number {
  return slot * cfg.slotMs;
}

/**
 * How many requests slot `current` may hold in total, given the counts of the
 * other slots (keyed by slot number). A request may be sent while the slot's
 * count is below this number.
 */
export function slotCapacity(
  counts: ReadonlyMap<number, number>,
  current: number,
  cfg: RateWindowConfig,
): number {
  const span = spanSlots(cfg);
  const total = budget(cfg);
  let capacity = cfg.maxPerSlot;
  for (let start = current - span + 1; start <= current; start++) {
    let others = 0;
    for (let s = start; s < start + span; s++) {
      if (s !== current) others += counts.get(s) ?? 0;
    }
    capacity = Math.min(capacity, total - others);
  }
  return Math.max(0, capacity);
}

/** Slots that can no longer share a run with any present or future slot. */
export function isStaleSlot(slot: number, current: number, cfg: RateWindowConfig): boolean {
  return slot < current - spanSlots(cfg);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
