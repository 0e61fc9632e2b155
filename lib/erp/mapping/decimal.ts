/**
 * Exact decimal-rate arithmetic on integer minor units (BigInt inside), for tax
 * and exchange rates given as decimal strings ("0.10", "1.0850"). Rounding is
 * half to even so that many small roundings do not drift in one direction.
 */
export interface Ratio {
  num: bigint;
  den: bigint;
}

function parseRate(rate: string): Ratio {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) throw new Error(`not a non-negative decimal rate: "${rate}"`);
  const frac = m[2] ?? "";
  return { num: BigInt(`${m[1]}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** round-half-even(num / den) for any signs, den > 0. */
function divRoundHalfEven(num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new Error("denominator must be positive");
  const sign = num < 0n ? -1n : 1n;
  const a = num * sign;
  let q = a / den;
  const r2 = (a % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  return q * sign;
}

function toSafeNumber(v: bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`amount out of range: ${v}`);
  return n;
}

/** minor · rate, rounded half-even (tax on a net amount, or a currency conversion at equal exponents). */
export function applyRate(minor: number, rate: string, extraScale = 0): number {
  const r = parseRate(rate);
  let num = BigInt(minor) * r.num;
  let den = r.den;
  if (extraScale > 0) num *= 10n ** BigInt(extraScale);
  if (extraScale < 0) den *= 10n ** BigInt(-extraScale);
  return toSafeNumber(divRoundHalfEven(num, den));
}

/** The tax contained in a tax-inclusive gross amount: gross · rate / (1 + rate), rounded half-even. */
export function includedTax(grossMinor: number, rate: string): number {
  const r = parseRate(rate);
  return toSafeNumber(divRoundHalfEven(BigInt(grossMinor) * r.num, r.den + r.num));
}
