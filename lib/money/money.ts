import { ServiceError } from "../domain/errors.js";
import { currencyExponent } from "./currencies.js";

/**
 * The one money type past every parser: an integer number of minor units
 * (cents for USD, yen for JPY) and an ISO-4217 code. Never a float.
 * Safe integers cover ±90 trillion dollars, far beyond any single object.
 */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

/** The base of lib/money's errors: an amount or currency that is not money. */
export class MoneyError extends ServiceError {
  override readonly name: string = "MoneyError";
}

export function money(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`minor units must be a safe integer, got ${minor}`);
  if (!/^[A-Z]{3}$/.test(currency))
    throw new MoneyError(`currency must be an ISO-4217 code, got "${currency}"`);
  return { minor, currency };
}

/**
 * Parses a decimal in major units ("12.34", 12.34, "-0.5", 1e-2) into minor units
 * by string arithmetic, so 0.1 + 0.2 style float error cannot creep in.
 * More fractional digits than the currency has is an error, not a rounding.
 */
export function fromMajor(value: number | string, currency: string): Money {
  const exp = currencyExponent(currency);
  const text = typeof value === "number" ? numberToPlainString(value) : value.trim();
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new MoneyError(`not a decimal amount: "${text}"`);
  const [, sign, whole, fractionRaw = ""] = m;
  const fraction = fractionRaw.replace(/0+$/, "");
  if (fraction.length > exp) {
    throw new MoneyError(`${text} ${currency} has more than ${exp} decimal places`);
  }
  const minor = Number(`${whole}${fraction.padEnd(exp, "0")}`) * (sign === "-" ? -1 : 1);
  return money(minor === 0 ? 0 : minor, currency.toUpperCase());
}

/**
 * Minor units scaled by an explicit conversion rate (Ramp's `minor_unit_conversion_rate`,
 * e.g. 100 for USD). When it disagrees with ISO's exponent, the amount is rescaled to ISO
 * minor units so that every Money of one currency has the same scale.
 */
export function fromMinor(amount: number, currency: string, conversionRate?: number | null): Money {
  const code = currency.toUpperCase();
  if (conversionRate == null) return money(amount, code);
  const isoRate = 10 ** currencyExponent(code);
  if (conversionRate === isoRate) return money(amount, code);
  if (conversionRate <= 0 || !Number.isInteger(conversionRate)) {
    throw new MoneyError(`invalid minor_unit_conversion_rate ${conversionRate}`);
  }
  const scaled = (amount * isoRate) / conversionRate;
  if (!Number.isInteger(scaled)) {
    throw new MoneyError(`${amount}/${conversionRate} ${code} cannot be expressed in ISO minor units`);
  }
  return money(scaled, code);
}

/** Decimal string in major units, e.g. {minor:-1234, USD} → "-12.34"; JPY → "500". */
export function toMajorString(m: Money): string {
  const exp = currencyExponent(m.currency);
  const abs = Math.abs(m.minor)
    .toString()
    .padStart(exp + 1, "0");
  const whole = exp === 0 ? abs : abs.slice(0, -exp);
  const frac = exp === 0 ? "" : `.${abs.slice(-exp)}`;
  return `${m.minor < 0 ? "-" : ""}${whole}${frac}`;
}

function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.minor + b.minor, a.currency);
}

export function sum(items: readonly Money[], currency: string): Money {
  return items.reduce((acc, m) => add(acc, m), money(0, currency));
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

/**
 * Splits `total` over `weights` so the parts sum exactly to `total`
 * (largest-remainder; used to spread a header amount over lines or a tax amount).
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new MoneyError("allocate needs at least one weight");
  const totalWeight = weights.reduce((a, w) => a + Math.abs(w), 0);
  if (totalWeight === 0) return weights.map((_, i) => money(i === 0 ? total.minor : 0, total.currency));
  const sign = total.minor < 0 ? -1 : 1;
  const absTotal = Math.abs(total.minor);
  const raw = weights.map((w) => (absTotal * Math.abs(w)) / totalWeight);
  const floors = raw.map(Math.floor);
  let rest = absTotal - floors.reduce((a, b) => a + b, 0);
  const order = raw
    .map((r, i) => ({ i, frac: r - Math.floor(r) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    rest--;
  }
  return floors.map((f) => money(sign * f === 0 ? 0 : sign * f, total.currency));
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`not a finite amount: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Exponent notation (1e-7, 1e21): expand without float arithmetic.
  const [mantissa = "", expText = "0"] = s.toLowerCase().split("e");
  const e = Number(expText);
  const negative = mantissa.startsWith("-");
  const [int = "", frac = ""] = mantissa.replace("-", "").split(".");
  const digits = int + frac;
  const point = int.length + e;
  const plain =
    point <= 0
      ? `0.${"0".repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + "0".repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? "-" : "") + plain;
}
