/**
 * Currency policy arithmetic (README "Currency"): converting a document amount at a
 * stated rate, the realised difference when a foreign bill is paid at another rate
 * than it was booked, and the rate written on the ERP record for traceability.
 * Exact: BigInt inside, integer minor units out, rounded half to even in the
 * target currency's minor units — the rounding Tryton's Currency.round and
 * Python's Decimal use, so both ERPs and this code agree to the cent.
 */
import { currencyExponent, type Money, money } from "../../money/index.js";
import { applyRate } from "./decimal.js";

/** `erp-rates`: the ERP's own rates (Tryton rates, journal price directives); `ramp-rates`: the rate Ramp applied. */
export type FxPolicy = "erp-rates" | "ramp-rates";

const RATE = /^\d{1,12}(?:\.\d{1,12})?$/;

/** A positive decimal rate string ("1.0850"), or null when Ramp's value is not one. */
export function validRate(rate: string | null | undefined): string | null {
  const r = rate?.trim() ?? "";
  return RATE.test(r) && /[1-9]/.test(r) ? r : null;
}

/** `amount` × `rate` in `target`'s minor units, rounded half to even. */
export function convertAtRate(amount: Money, rate: string, target: string): Money {
  if (amount.currency === target) return amount;
  const scale = currencyExponent(target) - currencyExponent(amount.currency);
  const minor = applyRate(amount.minor, rate, scale);
  return money(minor === 0 ? 0 : minor, target);
}

/**
 * The part of a booked company-currency amount that a part payment clears:
 * booked × part / whole, half to even (the whole amount clears exactly what was booked).
 */
export function bookedShare(bookedMinor: number, partMinor: number, wholeMinor: number): number {
  if (partMinor === wholeMinor || wholeMinor === 0) return bookedMinor;
  const num = BigInt(bookedMinor) * BigInt(partMinor);
  return Number(divHalfEven(num, BigInt(wholeMinor)));
}

/**
 * Realised FX on paying a liability: what was paid minus what the payable was booked at,
 * both in the company currency. Positive = a loss (paid more than booked; debit the
 * gain/loss account), negative = a gain.
 */
export function realisedDifference(booked: Money, paid: Money): Money {
  if (booked.currency !== paid.currency)
    throw new RangeError(`realised difference of ${booked.currency} and ${paid.currency}`);
  const d = paid.minor - booked.minor;
  return money(d === 0 ? 0 : d, paid.currency);
}

/**
 * The rate `to / from` as a decimal string with `places` decimals (half even), for the
 * memo of an ERP record: e.g. 1,100.00 USD for 1,000.00 EUR → "1.100000".
 */
export function impliedRate(from: Money, to: Money, places = 6): string {
  if (from.minor === 0) return "0";
  const shift = currencyExponent(from.currency) - currencyExponent(to.currency) + places;
  let num = BigInt(Math.abs(to.minor));
  let den = BigInt(Math.abs(from.minor));
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = divHalfEven(num, den)
    .toString()
    .padStart(places + 1, "0");
  return places ? `${q.slice(0, -places)}.${q.slice(-places)}` : q;
}

function divHalfEven(num: bigint, den: bigint): bigint {
  if (den < 0n) return divHalfEven(-num, -den);
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / den;
  const r2 = (a % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}
