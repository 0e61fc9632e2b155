/**
 * A foreign bill's payment in the journal (README "Currency"): the payable is cleared at
 * what the bill was booked at (its `@@` cost, parse.ts billCosts), the bank or card is
 * credited with what was paid in the company currency, and the difference — the realised
 * FX gain or loss — goes to the company's FX gain/loss account. The entry balances at cost:
 *
 *     demo:Liabilities:Accounts Payable   1000.00 EUR @@ 1085.00 USD
 *     demo:Assets:Bank:Operating         -1100.00 USD
 *     demo:Expenses:FX                      15.00 USD  ; ramp-fx:realised
 *
 * What was paid is Ramp's company-currency amount when the posting carries one, else the
 * document amount at the journal's price of the payment date (fx.policy erp-rates).
 */
import { money } from "../../money/index.js";
import { bookedShare, convertAtRate, impliedRate, realisedDifference } from "../mapping/fx.js";
import { ErpError, integratorError, type PostingOf } from "../port.js";
import type { JournalCompany, JournalIndex } from "./parse.js";
import { formatAmount } from "./syntax.js";

export interface CostedLeg {
  account: string;
  amount: ReturnType<typeof money>;
  /** Total cost in the company currency (`@@`), for a leg in the document currency. */
  cost?: ReturnType<typeof money>;
  tags: Array<[string, string]>;
}

export interface FxPayment {
  legs: CostedLeg[];
  /** Header tags that make the booked and paid amounts and the rate traceable on the entry. */
  tags: Array<[string, string]>;
}

export function fxPaymentLegs(
  ix: JournalIndex,
  company: JournalCompany,
  p: PostingOf<"bill_payment">,
  accountName: (remoteId: string) => string,
  price: (from: string, to: string, date: string) => string,
): FxPayment {
  const payable = accountName(p.payableAccountRemoteId);
  const costs = (ix.billCosts.get(p.billRef) ?? []).filter((l) => l.account === payable);
  if (!costs.length) {
    throw integratorError(
      "The bill's payable has no exchange cost in the journal",
      `${p.billRef}: no "${payable}  … @@ … ${company.currency}" leg; was the entry edited by hand?`,
    );
  }
  const bookedDoc = costs.reduce((a, l) => a + Math.abs(l.amount.minor), 0);
  const bookedCompany = costs.reduce((a, l) => a + l.cost.minor, 0);
  const booked = money(bookedShare(bookedCompany, p.amount.minor, bookedDoc), company.currency);
  const fromRamp = p.paid != null;
  const paid =
    p.paid ?? convertAtRate(p.amount, price(p.currency, company.currency, p.date), company.currency);
  if (paid.currency !== company.currency) {
    throw integratorError("Bill payment amount is not in the company currency", `${p.ref}: ${paid.currency}`);
  }
  const diff = realisedDifference(booked, paid);
  const legs: CostedLeg[] = [
    { account: payable, amount: p.amount, cost: booked, tags: [] },
    { account: accountName(p.creditAccountRemoteId), amount: money(-paid.minor, paid.currency), tags: [] },
  ];
  if (diff.minor !== 0) {
    if (!p.fxGainLossAccountRemoteId) {
      throw new ErpError(
        "needs_integrator",
        "MISSING_MAPPING",
        // the setting is named in the title: a needs-integrator message in Ramp carries the title, not howToFix
        `Bill payment: a realised FX ${diff.minor > 0 ? "loss" : "gain"} of ${formatAmount(money(Math.abs(diff.minor), diff.currency))} needs an FX gain/loss account (companies[${p.companyKey}].defaults.fxGainLoss is not set)`,
        {
          howToFix: `Set companies[${p.companyKey}].defaults.fxGainLoss in the tenant configuration to an account of company ${p.companyKey}, and retry.`,
          detail: `${p.ref}: booked ${formatAmount(booked)}, paid ${formatAmount(paid)}`,
        },
      );
    }
    legs.push({
      account: accountName(p.fxGainLossAccountRemoteId),
      amount: diff,
      tags: [["ramp-fx", "realised"]],
    });
  }
  return {
    legs,
    tags: [
      ["ramp-fx-rate", impliedRate(p.amount, paid)],
      ["ramp-fx-source", fromRamp ? "ramp" : "journal"],
      ["ramp-fx-booked", formatAmount(booked)],
    ],
  };
}
