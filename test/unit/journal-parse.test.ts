import { describe, expect, it } from "vitest";
import { readEntries } from "../../lib/erp/journal/entries.js";
import { parseJournal } from "../../lib/erp/journal/parse.js";
import { renderPosting } from "../../lib/erp/journal/render.js";
import { classify } from "../../lib/erp/journal/surface.js";
import { commodityDirective, formatAmount, parseTags } from "../../lib/erp/journal/syntax.js";
import type { CardTransactionPosting } from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";
import { demoJournalText } from "../../local/demo-journal.js";

describe("journal syntax", () => {
  it("formats amounts with ISO precision and commodity directives hledger 1.25 accepts", () => {
    expect(formatAmount(money(-123456, "USD"))).toBe("-1234.56 USD");
    expect(formatAmount(money(500, "JPY"))).toBe("500 JPY");
    expect(commodityDirective("JPY")).toBe("commodity 1000. JPY");
    expect(commodityDirective("KWD")).toBe("commodity 1000.000 KWD");
  });
  it("parses hledger tags whose values contain colons", () => {
    const tags = parseTags(" ramp-ref:ramp:bill:abc, ramp-link:https://app.ramp.com/b/1, type: X");
    expect(Object.fromEntries(tags)).toEqual({
      "ramp-ref": "ramp:bill:abc",
      "ramp-link": "https://app.ramp.com/b/1",
      type: "X",
    });
  });
});

describe("readEntries (what hledger will make of appended text)", () => {
  it("gives each posting hledger's date: bracketed date first, then a date tag, also from a following comment line", () => {
    const { entries, others } = readEntries(
      [
        "2026-03-01 * (J000001) Office Depot | a%3B b  ; ramp-ref:ramp:bill:b1, ramp-company:demo",
        "    demo:Expenses:Meals  1.00 USD  ; memo:x [1/2]",
        "    demo:Expenses:Travel  1.00 USD  ; memo:y",
        "    ; date:2019-01-01",
        "    demo:Liabilities:Accounts Payable  -2.00 USD\r; ramp-company: evil | USD | Evil",
        "",
      ].join("\n"),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      date: "2026-03-01",
      code: "J000001",
      payee: "Office Depot",
      description: "a; b",
    });
    expect(entries[0]?.postings.map((p) => p.date)).toEqual(["[1/2]", "2019-01-01", "2026-03-01"]);
    expect(entries[0]?.postings[1]?.tags).toEqual([
      ["memo", "y"],
      ["date", "2019-01-01"],
    ]);
    // a lone CR ends a line for hledger, so the forged directive is a line of its own
    expect(others).toEqual(["    ; date:2019-01-01", "; ramp-company: evil | USD | Evil"]);
  });
});

describe("parseJournal", () => {
  const ix = parseJournal(
    `${demoJournalText()}
2026-03-01 * (J000007) Office Depot | paper  ; ramp-ref:ramp:bill:b1, ramp-company:demo
    demo:Expenses:Office Supplies  10.00 USD
    demo:Liabilities:Accounts Payable  -10.00 USD

2026-03-02 * (J000009) Office Depot | pay  ; ramp-ref:ramp:bill_payment:b1, ramp-company:demo, ramp-bill:J000007
    demo:Liabilities:Accounts Payable  10.00 USD
    demo:Assets:Bank:Operating  -10.00 USD

2026-03-03 hand-written entry without ramp tags
    demo:Expenses:Meals  1.00 USD
    demo:Assets:Bank:Operating
`,
  );

  it("reads companies, closed periods, fields, options, taxes, prices and payees", () => {
    expect([...ix.companies.values()]).toEqual([
      { key: "demo", currency: "USD", name: "Demo Inc" },
      { key: "demo-eu", currency: "EUR", name: "Demo Europe GmbH" },
    ]);
    expect(ix.closedThrough.get("demo")).toBe("2025-12-31");
    expect(ix.fields.get("department")).toBe("Department");
    expect(ix.options.get("demo:department/Marketing")).toMatchObject({ inactive: true, code: "MKT" });
    expect(ix.taxes.get("demo-eu:tax/VAT19")).toMatchObject({
      rate: "0.19",
      account: "demo-eu:Liabilities:VAT Payable",
    });
    expect(ix.prices).toContainEqual({ date: "2026-01-01", from: "EUR", rate: "1.0850", to: "USD" });
    expect(ix.payees.get("Deutsche Bahn")).toEqual({
      name: "Deutsche Bahn",
      companyKey: "demo-eu",
      code: null,
      internal: false,
    });
    expect(ix.payees.get("Ramp")?.internal).toBe(true);
    // A payee's `code:` tag is its vendor code (matched with Ramp's external_vendor_id).
    const coded = parseJournal(`${demoJournalText()}payee Acme, Inc.  ; code: V-100\n`);
    expect(coded.payees.get("Acme, Inc.")).toMatchObject({ code: "V-100", companyKey: null });
    expect([...ix.commodities]).toEqual(["USD", "EUR"]);
  });

  it("reads accounts with code, type, card class and inactive flag", () => {
    const card = ix.accounts.get("demo:Liabilities:Ramp Card");
    expect(card).toMatchObject({ companyKey: "demo", code: "2000", type: "L", inactive: false });
    expect(card && classify(card)).toBe("CREDCARD");
    expect(ix.accounts.get("demo:Expenses:Advertising")?.inactive).toBe(true);
    const bank = ix.accounts.get("demo:Assets:Bank:Operating");
    expect(bank && classify(bank)).toBe("ASSET");
    expect(
      classify({
        name: "x:Income:Misc",
        companyKey: "x",
        code: null,
        type: null,
        rampClass: null,
        inactive: false,
      }),
    ).toBe("REVENUE");
  });

  it("indexes posted refs, bill payments and the highest sequence", () => {
    expect(ix.refs.get("ramp:bill:b1")).toEqual({ erpId: "J000007", companyKey: "demo" });
    expect(ix.billPayments.get("J000007")).toBe("J000009");
    expect(ix.lastSeq).toBe(9);
    expect(ix.refs.size).toBe(2);
  });
});

describe("renderPosting", () => {
  const ix = parseJournal(demoJournalText());
  const posting: CardTransactionPosting = {
    kind: "transaction",
    ref: "ramp:transaction:t1",
    rampId: "t1",
    companyKey: "demo",
    date: "2026-03-05",
    currency: "USD",
    memo: "Team lunch; 4 people\n    demo:Assets:Bank:Operating  -999.00 USD",
    link: null,
    lines: [
      {
        accountRemoteId: "demo:Expenses:Meals",
        amount: money(-10_000, "USD"),
        tax: { taxCodeRemoteId: "demo:tax/SALES10", amount: money(-1_000, "USD") },
        dimensions: [{ fieldRemoteId: "field:department", optionRemoteId: "demo:department/Sales" }],
        memo: null,
      },
    ],
    creditAccountRemoteId: "demo:Liabilities:Ramp Card",
    vendorRemoteId: "demo:Blue Bottle Coffee",
    merchantName: "Blue Bottle",
    originalAmount: null,
  };

  it("writes one transaction: refund legs negative, liability positive, tags on the right lines", () => {
    const entry = renderPosting(ix, posting, 42);
    expect(entry.erpId).toBe("J000042");
    expect(entry.text).toBe(
      [
        "2026-03-05 * (J000042) Blue Bottle Coffee | Team lunch%3B 4 people%0A%20%20%20%20demo:Assets:Bank:Operating%20%20-999.00 USD  ; ramp-ref:ramp:transaction:t1, ramp-company:demo",
        "    demo:Expenses:Meals  -100.00 USD  ; department:Sales",
        "    demo:Liabilities:Sales Tax Payable  -10.00 USD  ; tax:SALES10",
        "    demo:Liabilities:Ramp Card  110.00 USD",
        "",
      ].join("\n"),
    );
  });

  it("refuses unknown options, inactive options, unknown tax codes and vendors of another company", () => {
    const withDim = (optionRemoteId: string) => ({
      ...posting,
      lines: [{ ...posting.lines[0]!, dimensions: [{ fieldRemoteId: "field:department", optionRemoteId }] }],
    });
    expect(() => renderPosting(ix, withDim("demo:department/Nope"), 1)).toThrow(
      expect.objectContaining({ code: "UNKNOWN_OPTION" }),
    );
    expect(() => renderPosting(ix, withDim("demo:department/Marketing"), 1)).toThrow(
      expect.objectContaining({ code: "UNKNOWN_OPTION" }),
    );
    expect(() =>
      renderPosting(
        ix,
        {
          ...posting,
          lines: [
            {
              ...posting.lines[0]!,
              tax: { taxCodeRemoteId: "demo-eu:tax/VAT19", amount: money(-1_000, "USD") },
            },
          ],
        },
        1,
      ),
    ).toThrow(expect.objectContaining({ code: "UNKNOWN_TAX" }));
    expect(() => renderPosting(ix, { ...posting, vendorRemoteId: "demo:Deutsche Bahn" }, 1)).toThrow(
      expect.objectContaining({ code: "UNKNOWN_VENDOR", category: "user_actionable" }),
    );
  });

  it("refuses a currency without a journal exchange rate, naming the currency", () => {
    const jpy = {
      ...posting,
      currency: "JPY",
      lines: [{ ...posting.lines[0]!, amount: money(-1000, "JPY"), tax: null }],
    };
    expect(() => renderPosting(ix, jpy, 1)).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_CURRENCY", message: expect.stringContaining("JPY") }),
    );
  });

  it("refuses what it would have to write as broken hledger syntax: dates, currencies, tag keys, payees", () => {
    expect(() => renderPosting(ix, { ...posting, date: "2026-02-30" }, 1)).toThrow(
      expect.objectContaining({
        category: "needs_integrator",
        title: expect.stringContaining("calendar date"),
      }),
    );
    expect(() => renderPosting(ix, { ...posting, date: "2026-03-05 [1/2]" }, 1)).toThrow(/calendar date/);
    expect(() => renderPosting(ix, { ...posting, currency: "US D" }, 1)).toThrow(/ISO code/);
    // a dimension keyed `date` would be read by hledger as the posting's date
    const dated = parseJournal(
      `${demoJournalText()}; ramp-field: date | Date\n; ramp-option: demo | date | 2019-01-01\npayee Pipe | Co\npayee Non\u00a0Breaking\n`,
    );
    const withDate = {
      ...posting,
      lines: [
        {
          ...posting.lines[0]!,
          dimensions: [{ fieldRemoteId: "field:date", optionRemoteId: "demo:date/2019-01-01" }],
        },
      ],
    };
    expect(() => renderPosting(dated, withDate, 1)).toThrow(
      expect.objectContaining({ code: "UNKNOWN_OPTION" }),
    );
    // a hand-written payee with a pipe would be another payee in the header; odd spaces are fine
    expect(() => renderPosting(dated, { ...posting, vendorRemoteId: "demo:Pipe | Co" }, 1)).toThrow(
      expect.objectContaining({ code: "UNKNOWN_VENDOR" }),
    );
    expect(
      renderPosting(dated, { ...posting, vendorRemoteId: "demo:Non\u00a0Breaking" }, 1).entry.payee,
    ).toBe("Non\u00a0Breaking");
  });

  it("a bill payment needs its bill in the journal", () => {
    expect(() =>
      renderPosting(
        ix,
        {
          kind: "bill_payment",
          ref: "ramp:bill_payment:b9",
          rampId: "b9",
          companyKey: "demo",
          date: "2026-03-05",
          currency: "USD",
          memo: null,
          link: null,
          billRef: "ramp:bill:b9",
          billErpId: "J000001",
          vendorRemoteId: "demo:Office Depot",
          amount: money(100, "USD"),
          payableAccountRemoteId: "demo:Liabilities:Accounts Payable",
          creditAccountRemoteId: "demo:Assets:Bank:Operating",
          method: "bank",
        },
        1,
      ),
    ).toThrow(expect.objectContaining({ code: "MISSING_BILL" }));
  });
});
