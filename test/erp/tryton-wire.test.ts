/** Pure parts of the Tryton adapter: value tagging, exact conversion, rate format, error mapping. */
import { describe, expect, it } from "vitest";
import {
  convertMinor,
  TrytonRpcError,
  TrytonTransportError,
  toErpError,
} from "../../lib/erp/tryton/index.js";
import { classify, normaliseRate } from "../../lib/erp/tryton/surface.js";
import { tagDate, tagDecimal, untag } from "../../lib/erp/tryton/wire.js";

describe("wire values", () => {
  it("tags dates and decimals and untags what the server sends", () => {
    expect(tagDate("2026-01-05")).toEqual({ __class__: "date", year: 2026, month: 1, day: 5 });
    expect(tagDecimal("-42.50")).toEqual({ __class__: "Decimal", decimal: "-42.50" });
    expect(() => tagDecimal("1e3")).toThrow();
    expect(
      untag({
        a: [{ __class__: "Decimal", decimal: "1.10" }],
        d: { __class__: "date", year: 2026, month: 2, day: 3 },
      }),
    ).toEqual({ a: ["1.10"], d: "2026-02-03" });
  });
});

describe("convertMinor (Tryton's compute, exactly)", () => {
  const eur = { exponent: 2, rate: "0.9" };
  const usd = { exponent: 2, rate: "1" };
  it("rounds half to even like Python's Decimal", () => {
    expect(convertMinor(5_000, eur, usd)).toBe(5_556); // 55.5555…
    expect(convertMinor(9, { exponent: 2, rate: "2" }, usd)).toBe(4); // 4.5 → 4
    expect(convertMinor(11, { exponent: 2, rate: "2" }, usd)).toBe(6); // 5.5 → 6
    expect(convertMinor(-5_000, eur, usd)).toBe(-5_556);
  });
  it("rescales between currencies with different exponents", () => {
    expect(convertMinor(1_000, usd, { exponent: 0, rate: "150" })).toBe(1_500); // USD 10.00 → JPY 1500
  });
});

describe("rates and classification", () => {
  it("normalises Tryton rates to at least two places", () => {
    expect(normaliseRate("0.100000")).toBe("0.10");
    expect(normaliseRate("0")).toBe("0.00");
    expect(normaliseRate("0.075")).toBe("0.075");
  });
  it("tells equity from liability by the top-level type", () => {
    const t = (
      id: number,
      name: string,
      parent: number | null,
      statement: string | null,
      flags: Record<string, number> = {},
    ) =>
      [
        id,
        {
          id,
          name,
          parent,
          statement,
          assets: 0,
          payable: 0,
          receivable: 0,
          expense: 0,
          revenue: 0,
          ...flags,
        },
      ] as const;
    const types = new Map([
      t(1, "Chart", null, null),
      t(4, "Equity", 1, "balance"),
      t(5, "Retained", 4, "balance"),
      t(3, "Liability", 1, "balance"),
    ]);
    expect(classify(5, types, "Retained earnings")).toBe("EQUITY");
    expect(classify(3, types, "Loans")).toBe("LIABILITY");
    expect(classify(3, types, "Corporate Card")).toBe("CREDCARD");
    expect(classify(null, types, "View")).toBe("UNKNOWN");
  });
});

describe("error mapping", () => {
  const user = (message: string) => new TrytonRpcError("m", "UserError", [message, "", null], 200);
  it("maps Tryton's period refusals to CLOSED_PERIOD naming the period", () => {
    expect(
      toErpError(user('You cannot create a journal-period in closed period "2025-06".')).title,
    ).toContain("2025-06");
    expect(toErpError(user('To continue, you must create a period for the date "06/15/2025".')).code).toBe(
      "CLOSED_PERIOD",
    );
  });
  it("maps an account domain refusal to INACTIVE_ACCOUNT and an unknown user error to the integrator", () => {
    expect(
      toErpError(
        user('The value for field "Account" in "Account Move Line" is not valid according to its domain.'),
      ).code,
    ).toBe("INACTIVE_ACCOUNT");
    expect(toErpError(user("Something odd")).category).toBe("needs_integrator");
  });
  it("maps transport and HTTP failures to transient", () => {
    expect(toErpError(new TrytonTransportError("m", "timeout", null)).code).toBe("TIMEOUT");
    expect(toErpError(new TrytonRpcError("m", "HTTP 429", [""], 429)).code).toBe("RATE_LIMITED");
    expect(toErpError(new TrytonRpcError("m", "HTTP 502", [""], 502)).category).toBe("transient");
    expect(toErpError(new TrytonRpcError("m", "ConcurrencyException", ["x"], 200)).category).toBe(
      "transient",
    );
  });
});
