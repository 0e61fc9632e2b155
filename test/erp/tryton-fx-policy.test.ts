/**
 * Currency policy against the live Tryton (README "Currency"): a 1,000.00 EUR bill of the USD
 * company Acme Corp, mapped from a Ramp bill (fx_conversion_rate 1.0900) under each policy,
 * is booked at Tryton's own rate (EUR 0.9 → 1,111.11 USD) under erp-rates and at Ramp's
 * (1,090.00 USD) under ramp-rates; paid 1,100.00 USD, its payment clears the payable at the
 * booked amount, credits the bank with what was paid and books the realised difference to
 * the configured FX gain/loss account (6900) — every figure to the cent, the invoice paid.
 */
import { describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import { mapBill, mapBillPayment } from "../../lib/erp/mapping/index.js";
import { ErpError } from "../../lib/erp/port.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { money } from "../../lib/money/index.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { idOfErp, moveLines, readInvoice, sides } from "./support/inspect.js";
import { useLiveAdapter } from "./support/live-adapter.js";
import { LIVE, type Live, liveDefaults, newRampId, today } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
useLiveAdapter((l, e) => {
  live = l;
  erp = e;
});

function tenant(policy: "erp-rates" | "ramp-rates", gainLoss: string | null) {
  const c = live.us;
  return parseTenantConfig({
    tenantId: "acme-fx",
    displayName: "Acme FX",
    ramp: { remoteProviderName: "Tryton" },
    erp: { kind: "tryton", url: LIVE.url, database: LIVE.database, username: LIVE.username },
    fx: { policy },
    companies: [
      {
        key: c.key,
        erpCompanyId: String(c.id),
        currency: "USD",
        defaults: { ...liveDefaults(c), fallbackVendor: c.vendor, fxGainLoss: gainLoss },
      },
    ],
  });
}

/** A Ramp bill as the client normalises it: 1,000.00 EUR at 1.0900, paid 1,100.00 USD by ACH. */
function eurBill(): RampBill {
  const id = newRampId();
  const day = `${today()}T00:00:00+00:00`;
  return {
    id,
    entityId: null,
    status: "PAID",
    syncStatus: "NOT_SYNCED",
    approvalStatus: "APPROVED",
    amount: money(100_000, "EUR"),
    fxConversionRate: "1.0900",
    invoiceNumber: `FX-${id.slice(0, 8)}`,
    memo: "Consulting in EUR",
    issuedAt: day,
    dueAt: null,
    accountingDate: day,
    paidAt: day,
    vendor: null,
    selections: [],
    lineItems: [],
    payment: {
      id: newRampId(),
      amount: money(110_000, "USD"),
      paymentMethod: "ACH",
      paymentDate: day,
      effectiveDate: day,
      details: null,
    },
    remoteId: null,
    deepLinkUrl: null,
    invoiceUrls: [],
  };
}

const ctx = { taxRates: new Map<string, string>() };

describe.each([
  { policy: "erp-rates" as const, booked: 111_111, fx: [0, 1_111] }, // EUR 0.9 / USD 1: a gain of 11.11
  { policy: "ramp-rates" as const, booked: 109_000, fx: [1_000, 0] }, // Ramp's 1.0900: a loss of 10.00
])("EUR bill booked at one rate, paid at another ($policy)", ({ policy, booked, fx }) => {
  it("books the realised difference to the FX gain/loss account; payable and bank to the cent", async () => {
    const c = live.us;
    const cfg = tenant(policy, c.account("6900"));
    const bill = eurBill();
    const billPosting = mapBill(bill, cfg, ctx);
    const posted = await erp.post(billPosting);
    const inv = await readInvoice(live, c, idOfErp(posted.erpId));
    expect(inv?.["currency."].code).toBe("EUR");
    const billLines = await moveLines(live, c, inv?.move as number);
    expect(sides(billLines, "USD").sort()).toEqual(
      [
        ["2000", 0, booked],
        ["6000", booked, 0],
      ].sort(),
    );
    // The EUR amount stays on the record as its second currency.
    expect(billLines.map((l) => l.amount_second_currency).sort()).toEqual(["-1000.00", "1000.00"]);

    const pay = await erp.post(mapBillPayment(bill, posted.erpId, cfg, ctx));
    const payLines = await moveLines(live, c, idOfErp(pay.erpId));
    expect(sides(payLines, "USD")).toEqual([
      ["2000", booked, 0],
      ["1000", 0, 110_000],
      ["6900", ...fx],
    ]);
    expect((await readInvoice(live, c, idOfErp(posted.erpId)))?.state).toBe("paid");
  });
});

describe("without an FX gain/loss account", () => {
  it("a payment with a realised difference fails alone, naming the setting; the bill stays unpaid", async () => {
    const c = live.us;
    const cfg = tenant("ramp-rates", null);
    const bill = eurBill();
    const posted = await erp.post(mapBill(bill, cfg, ctx));
    const err = await erp.post(mapBillPayment(bill, posted.erpId, cfg, ctx)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).category).toBe("needs_integrator");
    expect((err as ErpError).message).toMatch(/companies\[acme-us\]\.defaults\.fxGainLoss/);
    expect((await readInvoice(live, c, idOfErp(posted.erpId)))?.state).toBe("posted");
  });
});
