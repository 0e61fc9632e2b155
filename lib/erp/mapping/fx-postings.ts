/**
 * What fx.policy (README "Currency") changes in the postings: the rate a foreign bill is
 * booked at, and a foreign bill payment's document and company-currency amounts. Pure;
 * the adapters then book the payable at what the ERP holds for the bill and the realised
 * difference to the FX gain/loss account.
 */
import type { CompanyConfig } from "../../config/tenant.js";
import type { Money } from "../../money/index.js";
import type { RampBill } from "../../ramp/model.js";
import { ErpError, userError } from "../port.js";
import { convertAtRate, type FxPolicy, validRate } from "./fx.js";

const what = (bill: RampBill) => `Bill ${bill.invoiceNumber ?? bill.id}`;

/** `ramp-rates` books what Ramp shows in the entity's currency: an amount in another currency cannot be. */
export function assertRampRatesAmount(
  policy: FxPolicy,
  label: string,
  amount: Money,
  company: CompanyConfig,
): void {
  if (policy !== "ramp-rates" || amount.currency === company.currency) return;
  throw new ErpError(
    "needs_integrator",
    "UNSUPPORTED_CURRENCY",
    `${label}: Ramp gave no amount in ${company.currency}, the currency of company ${company.key}`,
    {
      howToFix: `Link the Ramp entity to a company in its own currency, or set fx.policy to erp-rates so the ERP converts the ${amount.currency} amount, and retry.`,
      detail: `fx.policy ramp-rates; amount in ${amount.currency}`,
    },
  );
}

/** The rate Ramp applied to a foreign bill, under `ramp-rates`; null when the ERP converts or nothing needs converting. */
export function billRampRate(policy: FxPolicy, bill: RampBill, company: CompanyConfig): string | null {
  if (policy !== "ramp-rates" || bill.amount.currency === company.currency) return null;
  const rate = validRate(bill.fxConversionRate ?? null);
  if (rate) return rate;
  throw new ErpError(
    "needs_integrator",
    "UNSUPPORTED_CURRENCY",
    `${what(bill)}: Ramp sent no usable fx_conversion_rate for ${bill.amount.currency} → ${company.currency}`,
    {
      howToFix:
        "Set fx.policy to erp-rates to book it at the ERP's rate, or ask Ramp support about the bill's rate, and retry.",
      detail: `fx_conversion_rate ${JSON.stringify(bill.fxConversionRate ?? null)}`,
    },
  );
}

/**
 * A bill payment's amounts: `amount` in the bill's currency (what the payment settles) and,
 * for a foreign bill, `paid` in the company currency when it is known.
 * Where Ramp's docs are silent (the currency of `payment.amount`) we take the plausible
 * reading: in the company (payer) currency it is what left the bank, and the bill is settled
 * whole (Ramp documents no part payment of a bill); in the bill's currency it is converted at
 * Ramp's `fx_conversion_rate` under `ramp-rates`, by the ERP at its rate of the payment date
 * under `erp-rates` (`paid` null).
 */
export function billPaymentAmounts(
  policy: FxPolicy,
  bill: RampBill,
  company: CompanyConfig,
): { amount: Money; paid: Money | null } {
  const paidAmount = bill.payment?.amount ?? bill.amount;
  const billCurrency = bill.amount.currency;
  if (billCurrency === company.currency) return { amount: paidAmount, paid: null };
  if (paidAmount.currency === company.currency) return { amount: bill.amount, paid: paidAmount };
  if (paidAmount.currency !== billCurrency) {
    throw userError(
      "UNSUPPORTED_CURRENCY",
      `${what(bill)} (${billCurrency}) was paid in ${paidAmount.currency}`,
      `Pay the bill in ${billCurrency} or in ${company.currency} in Ramp, or record the payment in the ERP by hand, then retry.`,
    );
  }
  const rate = billRampRate(policy, bill, company);
  return { amount: paidAmount, paid: rate ? convertAtRate(paidAmount, rate, company.currency) : null };
}
