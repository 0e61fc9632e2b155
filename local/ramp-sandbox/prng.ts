/**
 * Deterministic randomness: every id, amount and choice the sandbox makes comes from a seeded
 * PRNG, so the same seed always yields the same demo business (tests can hard-code nothing
 * yet still rely on reproducibility).
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  uuid(): string;
  hex(bytes: number): string;
}

/** mulberry32: tiny, fast, good enough for test data (not for secrets in production). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const byte = (): number => Math.floor(next() * 256);
  const hex = (bytes: number): string => {
    let out = "";
    for (let i = 0; i < bytes; i++) out += byte().toString(16).padStart(2, "0");
    return out;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
    hex,
    uuid: () => {
      // RFC 4122 version-4 layout so format: uuid validators accept it.
      const h = hex(16);
      const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

/** Derives an independent stream from a seed and a label, so adding data of one kind never shifts another. */
export function childRng(seed: number, label: string): Rng {
  let h = seed >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return createRng(h);
}
