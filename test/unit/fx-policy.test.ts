/**
 * The pure currency arithmetic behind fx.policy (lib/erp/mapping/fx.ts): conversion at a
 * stated rate rounds half to even in the target's minor units, a realised difference is
 * paid − booked, a part payment clears its share of the booked amount, and the rate on
 * the record reads back as the rate used.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bookedShare,
  convertAtRate,
  impliedRate,
  realisedDifference,
  validRate,
} from "../../lib/erp/mapping/fx.js";
import { money } from "../../lib/money/index.js";

const eur = (minor: number) => money(minor, "EUR");
const usd = (minor: number) => money(minor, "USD");

describe("convertAtRate", () => {
  it("rounds half to even in the target's minor units", () => {
    // 0.05 EUR × 1.1 = 0.055 USD → 0.06 (half, 5 odd → up); 0.15 × 1.1 = 0.165 → 0.16 (half, 6 even → stays)
    expect(convertAtRate(eur(5), "1.1", "USD")).toEqual(usd(6));
    expect(convertAtRate(eur(15), "1.1", "USD")).toEqual(usd(16));
    expect(convertAtRate(eur(-15), "1.1", "USD")).toEqual(usd(-16));
    expect(convertAtRate(eur(100_000), "1.0850", "USD")).toEqual(usd(108_500));
  });
  it("rescales between exponents (EUR → JPY, JPY → USD)", () => {
    expect(convertAtRate(eur(1_000), "161.235", "JPY")).toEqual(money(1_612, "JPY"));
    expect(convertAtRate(money(1_000, "JPY"), "0.0066", "USD")).toEqual(usd(660));
  });
  it("is the exact half-even product for any amount and rate (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
        // rates that are multiples of 0.5 make exact halves common, so the tie rule is exercised
        fc.oneof(
          fc.integer({ min: 1, max: 99_999_999 }),
          fc.integer({ min: 1, max: 19_999 }).map((k) => k * 5_000),
        ),
        (minor, r) => {
          const rate = `${Math.floor(r / 10_000)}.${String(r % 10_000).padStart(4, "0")}`;
          const out = convertAtRate(eur(minor), rate, "USD").minor;
          // |minor × r / 10^4 − out| ≤ 1/2, and exactly 1/2 only with an even result
          const exact = BigInt(minor) * BigInt(r);
          const diff2 = (exact - BigInt(out) * 10_000n) * 2n;
          const abs = diff2 < 0n ? -diff2 : diff2;
          expect(abs <= 10_000n).toBe(true);
          if (abs === 10_000n) expect(Math.abs(out % 2)).toBe(0);
        },
      ),
    );
  });
  it("leaves an amount already in the target currency alone", () => {
    expect(convertAtRate(usd(12_345), "1.5", "USD")).toEqual(usd(12_345));
  });
});

describe("realisedDifference", () => {
  it("is paid − booked: a loss when more was paid, a gain when less", () => {
    expect(realisedDifference(usd(108_500), usd(110_000))).toEqual(usd(1_500));
    expect(realisedDifference(usd(111_111), usd(110_000))).toEqual(usd(-1_111));
    expect(realisedDifference(usd(5), usd(5))).toEqual(usd(0));
    expect(() => realisedDifference(usd(1), eur(1))).toThrow(/USD and EUR/);
  });
  it("booked + difference is always what was paid (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -1e12, max: 1e12 }), (b, p) => {
        expect(b + realisedDifference(usd(b), usd(p)).minor).toBe(p);
      }),
    );
  });
});

describe("bookedShare", () => {
  it("clears exactly what was booked on a full payment, a half-even share of it on a part", () => {
    expect(bookedShare(108_501, 100_000, 100_000)).toBe(108_501);
    expect(bookedShare(108_501, 50_000, 100_000)).toBe(54_250); // 54250.5 → even
    expect(bookedShare(108_503, 50_000, 100_000)).toBe(54_252); // 54251.5 → even
  });
});

describe("impliedRate and validRate", () => {
  it("reads back the rate used, to six places", () => {
    expect(impliedRate(eur(100_000), usd(110_000))).toBe("1.100000");
    expect(impliedRate(eur(3), usd(1))).toBe("0.333333");
    expect(impliedRate(eur(10_000), money(16_124, "JPY"))).toBe("161.240000");
  });
  it("accepts positive decimals only", () => {
    expect(validRate(" 1.0850 ")).toBe("1.0850");
    expect(validRate("1")).toBe("1");
    for (const bad of [null, undefined, "", "0", "0.000", "-1.2", "1,08", "1e3", "abc"])
      expect(validRate(bad), String(bad)).toBeNull();
  });
});
