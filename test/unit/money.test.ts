import { describe, expect, it } from "vitest";
import {
  allocate,
  fromMajor,
  fromMinor,
  MoneyError,
  money,
  sum,
  toMajorString,
} from "../../lib/money/index.js";

describe("fromMajor", () => {
  it("parses decimals without float error", () => {
    expect(fromMajor("0.30", "USD")).toEqual(money(30, "USD"));
    // a float that already carries binary error is refused, never silently rounded
    expect(() => fromMajor(0.1 + 0.2, "USD")).toThrow(MoneyError);
    expect(fromMajor(1234.56, "USD").minor).toBe(123456);
    expect(fromMajor("-12.5", "usd")).toEqual(money(-1250, "USD"));
    expect(fromMajor(19.99, "USD").minor).toBe(1999);
    expect(fromMajor(1e-2, "USD").minor).toBe(1);
  });
  it("honours zero- and three-decimal currencies", () => {
    expect(fromMajor(500, "JPY").minor).toBe(500);
    expect(fromMajor("1.234", "KWD").minor).toBe(1234);
  });
  it("refuses more precision than the currency has, and garbage", () => {
    expect(() => fromMajor("1.234", "USD")).toThrow(MoneyError);
    expect(() => fromMajor("1.5", "JPY")).toThrow(/decimal places/);
    expect(() => fromMajor("12,50", "EUR")).toThrow(/not a decimal/);
    expect(() => fromMajor(Number.NaN, "EUR")).toThrow(MoneyError);
  });
});

describe("fromMinor", () => {
  it("rescales a non-ISO conversion rate to ISO minor units", () => {
    expect(fromMinor(4000, "USD", 100)).toEqual(money(4000, "USD"));
    expect(fromMinor(40000, "USD", 1000)).toEqual(money(4000, "USD"));
    expect(() => fromMinor(40001, "USD", 1000)).toThrow(MoneyError);
  });
});

describe("formatting and arithmetic", () => {
  it("prints major-unit strings", () => {
    expect(toMajorString(money(-1234, "USD"))).toBe("-12.34");
    expect(toMajorString(money(5, "USD"))).toBe("0.05");
    expect(toMajorString(money(500, "JPY"))).toBe("500");
  });
  it("sums only one currency", () => {
    expect(sum([money(1, "USD"), money(2, "USD")], "USD").minor).toBe(3);
    expect(() => sum([money(1, "EUR")], "USD")).toThrow(/mismatch/);
  });
  it("allocates exactly, keeping the sign", () => {
    const parts = allocate(money(-1000, "USD"), [1, 1, 1]);
    expect(parts.map((p) => p.minor)).toEqual([-334, -333, -333]);
    expect(parts.reduce((a, p) => a + p.minor, 0)).toBe(-1000);
  });
});
