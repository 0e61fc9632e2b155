import { describe, expect, it } from "vitest";
import {
  applyRate,
  codingContextFromSurface,
  effectiveSelections,
  expenseLines,
  includedTax,
  lineAmounts,
  postingDate,
} from "../../lib/erp/mapping/index.js";
import { ErpError } from "../../lib/erp/port.js";
import { ctx, dept, eur, gl, line, taxSel, usd } from "./mapping-fixtures.js";

const base = { companyKey: "us", defaultExpense: "us:6999", memo: "header memo" };

describe("includedTax (tax inside a gross amount)", () => {
  it("rounds half to even and never loses a cent", () => {
    expect(includedTax(11_000, "0.10")).toBe(1_000);
    // 1.05 gross at 10%: 0.0954… → 10 cents
    expect(includedTax(105, "0.10")).toBe(10);
    // exactly half a cent: 2.5 → 2 (even), 3.5 → 4
    expect(includedTax(55, "0.10")).toBe(5);
    expect(includedTax(2_625, "0.05")).toBe(125);
    expect(includedTax(-11_000, "0.10")).toBe(-1_000);
    expect(includedTax(1_000, "0")).toBe(0);
  });
});

describe("applyRate (exchange rates between currencies of different exponents)", () => {
  it("converts exactly with half-even rounding", () => {
    expect(applyRate(10_000, "1.0850")).toBe(10_850);
    // 500 JPY at 0.0067 USD → 3.35 USD = 335 cents
    expect(applyRate(500, "0.0067", 2)).toBe(335);
    // 123.45 USD at 150.5 → 18579.225 JPY → 18579
    expect(applyRate(12_345, "150.5", -2)).toBe(18_579);
    // 0.5 cent ties go to even: 25 · 0.1 = 2.5 → 2, 35 · 0.1 = 3.5 → 4
    expect([applyRate(25, "0.1"), applyRate(35, "0.1"), applyRate(-35, "0.1")]).toEqual([2, 4, -4]);
  });
});

describe("lineAmounts", () => {
  it("keeps line amounts that already total the header", () => {
    expect(lineAmounts(usd(1000), [line(usd(600), []), line(usd(400), [])])).toEqual([usd(600), usd(400)]);
  });
  it("rescales merchant-currency line items to the header amount, exactly", () => {
    const parts = lineAmounts(usd(10_851), [
      line(eur(3_333), []),
      line(eur(3_333), []),
      line(eur(3_334), []),
    ]);
    expect(parts.map((p) => p.currency)).toEqual(["USD", "USD", "USD"]);
    expect(parts.reduce((a, p) => a + p.minor, 0)).toBe(10_851);
    // 10851·3333/10000 = 3616.64, ·3334/10000 = 3617.72: the two leftover cents go to the largest remainders
    expect(parts.map((p) => p.minor)).toEqual([3_617, 3_616, 3_618]);
  });
  it("rescales a refund and keeps it negative", () => {
    const parts = lineAmounts(usd(-1_001), [line(eur(-500), []), line(eur(-500), [])]);
    expect(parts.map((p) => p.minor)).toEqual([-501, -500]);
  });
  it("one line with the whole amount when there are no line items", () => {
    expect(lineAmounts(usd(42), [])).toEqual([usd(42)]);
  });
});

describe("effectiveSelections", () => {
  it("takes line selections and falls back to the header per field", () => {
    const header = [gl("us:6100", "Meals"), dept("us:department/Sales", "Sales")];
    const onLine = [gl("us:6300", "Software")];
    const eff = effectiveSelections(onLine, header, ctx);
    expect(eff.map((s) => s.optionRemoteId)).toEqual(["us:6300", "us:department/Sales"]);
  });
});

describe("expenseLines", () => {
  it("header coding with no line items: one line with the whole amount", () => {
    const lines = expenseLines(
      { ...base, total: usd(5_000), header: [gl("us:6100"), dept("us:department/Engineering")], items: [] },
      ctx,
    );
    expect(lines).toEqual([
      {
        accountRemoteId: "us:6100",
        amount: usd(5_000),
        tax: null,
        dimensions: [{ fieldRemoteId: "field:department", optionRemoteId: "us:department/Engineering" }],
        memo: "header memo",
      },
    ]);
  });

  it("split lines with tax: net + tax per line sums exactly to the Ramp amount", () => {
    const lines = expenseLines(
      {
        ...base,
        total: usd(10_000),
        header: [taxSel("us:tax/SALES825")],
        items: [line(usd(3_333), [gl("us:6100")], "team lunch"), line(usd(6_667), [gl("us:6300")])],
      },
      ctx,
    );
    const tax1 = includedTax(3_333, "0.0825");
    const tax2 = includedTax(6_667, "0.0825");
    expect(lines.map((l) => [l.accountRemoteId, l.amount.minor, l.tax?.amount.minor])).toEqual([
      ["us:6100", 3_333 - tax1, tax1],
      ["us:6300", 6_667 - tax2, tax2],
    ]);
    expect(lines[0]?.tax?.taxCodeRemoteId).toBe("us:tax/SALES825");
    expect(lines[0]?.memo).toBe("team lunch");
    expect(lines.reduce((a, l) => a + l.amount.minor + (l.tax?.amount.minor ?? 0), 0)).toBe(10_000);
  });

  it("falls back to the default expense account without a GL selection", () => {
    const [l] = expenseLines({ ...base, total: usd(100), header: [], items: [] }, ctx);
    expect(l?.accountRemoteId).toBe("us:6999");
  });

  it("refuses a GL account of another company, user-actionable", () => {
    const run = () =>
      expenseLines({ ...base, total: usd(100), header: [gl("eu:6100", "Meals EU")], items: [] }, ctx);
    expect(run).toThrow(ErpError);
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ category: "user_actionable", code: "UNKNOWN_ACCOUNT" });
      expect((e as Error).message).toContain("eu:6100");
    }
  });

  it("refuses a GL selection without an ERP id and a tax code without a rate", () => {
    expect(() =>
      expenseLines({ ...base, total: usd(100), header: [gl(null, "Ramp-only")], items: [] }, ctx),
    ).toThrow(/Ramp-only/);
    expect(() =>
      expenseLines({ ...base, total: usd(100), header: [taxSel("us:tax/UNKNOWN")], items: [] }, ctx),
    ).toThrow(expect.objectContaining({ code: "UNKNOWN_TAX", category: "user_actionable" }));
  });
});

describe("codingContextFromSurface", () => {
  it("maps each tax code to the sum of its rates", () => {
    const c = codingContextFromSurface({
      taxRates: [
        {
          remoteId: "us:r1",
          companyKey: "us",
          name: "State",
          rate: "0.0625",
          glAccountRemoteId: null,
          active: true,
        },
        {
          remoteId: "us:r2",
          companyKey: "us",
          name: "City",
          rate: "0.02",
          glAccountRemoteId: null,
          active: true,
        },
      ],
      taxCodes: [
        {
          remoteId: "us:c1",
          companyKey: "us",
          name: "Combined",
          taxRateRemoteIds: ["us:r1", "us:r2"],
          active: true,
        },
      ],
    });
    expect(c.taxRates.get("us:c1")).toBe("0.0825");
  });
});

describe("postingDate", () => {
  it("takes the first present candidate's calendar date, as written", () => {
    expect(postingDate("x", null, "2026-03-31T23:30:00-05:00")).toBe("2026-03-31");
    expect(() => postingDate("transaction t1", null, undefined)).toThrow(
      /transaction t1 has no accounting date/,
    );
  });
});
