/**
 * fx.policy in the mappers (lib/erp/mapping/fx-postings.ts): a foreign bill carries Ramp's
 * rate only under ramp-rates; its payment in the company currency is "paid" whole; one in
 * the bill's currency is converted at Ramp's rate under ramp-rates and left to the ERP
 * under erp-rates; a card transaction not in the company currency is refused under ramp-rates.
 */
import { describe, expect, it } from "vitest";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import { mapBill, mapBillPayment, mapTransaction } from "../../lib/erp/mapping/index.js";
import { ErpError } from "../../lib/erp/port.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { bill, ctx, eur, gl, line, tenant, transaction, usd } from "./mapping-fixtures.js";

function withPolicy(policy: "erp-rates" | "ramp-rates", gainLoss: string | null = "us:6900"): TenantConfig {
  const t = tenant();
  return parseTenantConfig({
    ...t,
    fx: { policy },
    companies: t.companies.map((c) =>
      c.key === "us" ? { ...c, defaults: { ...c.defaults, fxGainLoss: gainLoss } } : c,
    ),
  });
}

const eurBill = (over: Partial<RampBill> = {}): RampBill =>
  bill({
    amount: eur(100_000),
    fxConversionRate: "1.0850",
    lineItems: [line(eur(100_000), [gl("us:6200", "Consulting")])],
    ...over,
  });

const paidWith = (amount: ReturnType<typeof usd>): Partial<RampBill> => ({
  status: "PAID",
  paidAt: "2026-03-20T00:00:00+00:00",
  payment: {
    id: "pay-1",
    amount,
    paymentMethod: "ACH",
    paymentDate: "2026-03-20T00:00:00+00:00",
    effectiveDate: "2026-03-20T00:00:00+00:00",
    details: null,
  },
});

describe("fx.policy on bills", () => {
  it("defaults to erp-rates, and a document without fx or fxGainLoss still parses", () => {
    const t = tenant();
    expect(t.fx.policy).toBe("erp-rates");
    expect(t.companies[0]?.defaults.fxGainLoss ?? null).toBeNull();
    expect(mapBill(eurBill(), t, ctx).rampRate).toBeNull();
  });

  it("ramp-rates: a foreign bill carries Ramp's fx_conversion_rate; a company-currency bill none", () => {
    expect(mapBill(eurBill(), withPolicy("ramp-rates"), ctx).rampRate).toBe("1.0850");
    expect(mapBill(bill(), withPolicy("ramp-rates"), ctx).rampRate).toBeNull();
  });

  it("ramp-rates: a missing or malformed rate fails alone, naming fx_conversion_rate and the way out", () => {
    for (const rate of [null, "abc", "0"]) {
      const err = (() => {
        try {
          mapBill(eurBill({ fxConversionRate: rate }), withPolicy("ramp-rates"), ctx);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ErpError);
      expect((err as ErpError).category).toBe("needs_integrator");
      expect((err as ErpError).message).toMatch(/fx_conversion_rate/);
      expect((err as ErpError).howToFix).toMatch(/erp-rates/);
    }
  });

  it("a payment in the company currency is what was paid; the bill is settled whole, under both policies", () => {
    for (const policy of ["erp-rates", "ramp-rates"] as const) {
      const p = mapBillPayment(eurBill(paidWith(usd(110_000))), "J000001", withPolicy(policy), ctx);
      expect(p).toMatchObject({
        currency: "EUR",
        amount: eur(100_000),
        paid: usd(110_000),
        fxGainLossAccountRemoteId: "us:6900",
      });
    }
  });

  it("a payment in the bill's currency: converted at Ramp's rate under ramp-rates, left to the ERP under erp-rates", () => {
    const b = eurBill(paidWith(eur(100_000)));
    expect(mapBillPayment(b, "J1", withPolicy("ramp-rates"), ctx).paid).toEqual(usd(108_500));
    expect(mapBillPayment(b, "J1", withPolicy("erp-rates"), ctx).paid).toBeNull();
  });

  it("a payment in a third currency is user-actionable", () => {
    const b = eurBill(paidWith({ minor: 100, currency: "GBP" }));
    expect(() => mapBillPayment(b, "J1", withPolicy("erp-rates"), ctx)).toThrow(/paid in GBP/);
  });

  it("the gain/loss account is passed as configured (null while unset)", () => {
    const p = mapBillPayment(eurBill(paidWith(usd(110_000))), "J1", withPolicy("erp-rates", null), ctx);
    expect(p.fxGainLossAccountRemoteId).toBeNull();
  });
});

describe("fx.policy on card transactions", () => {
  it("ramp-rates refuses an amount not in the company currency; erp-rates leaves it to the ERP", () => {
    const tx = transaction({ amount: eur(5_000) });
    expect(() => mapTransaction(tx, withPolicy("ramp-rates"), ctx)).toThrow(/no amount in USD/);
    expect(mapTransaction(tx, withPolicy("erp-rates"), ctx).currency).toBe("EUR");
    expect(mapTransaction(transaction(), withPolicy("ramp-rates"), ctx).currency).toBe("USD");
  });
});
