/**
 * Currency conversion with Tryton's own rates, done exactly on our side so a
 * batch of moves needs one rate lookup instead of one `currency.compute` call
 * per amount. The formula is Tryton 6.0's Currency.compute:
 * `round_half_even(amount × rate(to) / rate(from))` to the target's digits,
 * where rates are the `currency.currency.rate` in force on the document date.
 * BigInt rational arithmetic; no floats.
 */

function decimalToFraction(value: string): { num: bigint; den: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new TypeError(`not a decimal: "${value}"`);
  const frac = m[3] ?? "";
  const num = BigInt(`${m[2]}${frac}`) * (m[1] === "-" ? -1n : 1n);
  return { num, den: 10n ** BigInt(frac.length) };
}

/** Divides with round-half-even (banker's rounding, Python Decimal's default). */
function divHalfEven(num: bigint, den: bigint): bigint {
  if (den < 0n) return divHalfEven(-num, -den);
  const negative = num < 0n;
  const n = negative ? -num : num;
  let q = n / den;
  const r = n % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/**
 * Minor units of `fromExp` digits in a currency with rate `fromRate` → minor
 * units of `toExp` digits in the currency with rate `toRate`.
 */
export function convertMinor(
  minor: number,
  from: { exponent: number; rate: string },
  to: { exponent: number; rate: string },
): number {
  const rf = decimalToFraction(from.rate);
  const rt = decimalToFraction(to.rate);
  if (rf.num === 0n) throw new RangeError("zero source rate");
  // minor/10^fe × (rt.num/rt.den) / (rf.num/rf.den) × 10^te
  const num = BigInt(minor) * rt.num * rf.den * 10n ** BigInt(to.exponent);
  const den = 10n ** BigInt(from.exponent) * rt.den * rf.num;
  const out = divHalfEven(num, den);
  return Number(out);
}
