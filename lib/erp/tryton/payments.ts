/**
 * Paying a posted supplier invoice with our own payment move (journal CASH):
 * debit the invoice's payable (with its party), credit the bank, or the card
 * liability for a card-paid bill, so no second AP payment ever comes from the
 * bank. A full payment mirrors the open payable lines exactly (company amount
 * and second currency) and is reconciled with them, which turns the invoice
 * `paid`; a partial one is attached to the invoice's payment lines.
 *
 * Own move rather than the `account.invoice.pay` wizard: the wizard can only
 * credit a payment method's account, and the card-paid case needs the card
 * liability.
 */
import { fromMajor, type Money, money, toMajorString } from "../../money/index.js";
import { impliedRate, realisedDifference } from "../mapping/fx.js";
import { ErpError, userError } from "../port.js";
import { companyInvoice, unreconciledLines } from "./lookup.js";
import { type LineSpec, moveValues } from "./moves.js";
import type { Refs } from "./refs.js";
import type { TrytonSession } from "./session.js";
import type { WriteHooks } from "./write-hooks.js";

interface InvoiceRow {
  id: number;
  state: string;
  company: number;
  party: number;
  account: number;
  reference: string | null;
  amount_to_pay: string;
  lines_to_pay: number[];
  "currency.": { code: string; id: number };
}

interface PayLineRow {
  id: number;
  debit: string;
  credit: string;
  amount_second_currency: string | null;
  second_currency: number | null;
  reconciliation: number | null;
}

export function readInvoice(
  session: TrytonSession,
  companyId: number,
  id: number,
): Promise<InvoiceRow | null> {
  return companyInvoice<InvoiceRow>(session, companyId, id, [
    "state",
    "company",
    "party",
    "account",
    "reference",
    "amount_to_pay",
    "lines_to_pay",
    "currency.code",
  ]);
}

export interface PayInput {
  invoice: InvoiceRow;
  /** Description of the payment move: the external ref (what `find` looks up). */
  ref: string;
  date: string;
  period: number;
  journal: number;
  creditAccount: number;
  /** Document-currency amount, or null for "whatever is left to pay". */
  amount: Money | null;
  /**
   * A foreign invoice paid in full: what was paid in the company currency (null: the document
   * amount at Tryton's rate of the payment date), and the FX gain/loss account's remote id
   * the realised difference goes to (README "Currency").
   */
  fx?: { paid: Money | null; gainLossRemoteId: string | null; companyKey: string };
}

export async function payInvoice(
  session: TrytonSession,
  refs: Refs,
  input: PayInput,
  hooks: WriteHooks = {},
): Promise<number> {
  const rpc = session.rpc;
  const ctx = session.ctx(refs.company.id);
  const inv = input.invoice;
  const docCurrency = inv["currency."].code;
  const c = refs.company.currency;
  const open = (
    await rpc.read<PayLineRow>(
      "account.move.line",
      inv.lines_to_pay,
      ["debit", "credit", "amount_second_currency", "second_currency", "reconciliation"],
      ctx,
    )
  ).filter((l) => l.reconciliation === null);
  const toPay = fromMajor(inv.amount_to_pay, docCurrency).minor;
  if (input.amount && input.amount.currency !== docCurrency) {
    throw userError(
      "UNSUPPORTED_CURRENCY",
      `The payment is in ${input.amount.currency} but the bill ${inv.reference ?? inv.id} is in ${docCurrency}`,
      "Pay the bill in its own currency in Ramp, then retry the sync.",
    );
  }
  const full = open.length > 0 && (input.amount === null || input.amount.minor === toPay);
  let companyMinor: number;
  let second: LineSpec["second"] = null;
  if (full) {
    companyMinor = open.reduce((s, l) => s + fromMajor(l.credit, c).minor - fromMajor(l.debit, c).minor, 0);
    const secondId = open[0]?.second_currency ?? null;
    if (secondId !== null) {
      const docMinor = open.reduce(
        (s, l) => s - fromMajor(l.amount_second_currency ?? "0", docCurrency).minor,
        0,
      );
      second = { currencyId: secondId, money: money(docMinor, docCurrency) };
    }
  } else {
    const amount = input.amount ?? money(toPay, docCurrency);
    companyMinor = refs.converter(docCurrency, input.date)(amount.minor);
    if (docCurrency !== c) second = { currencyId: inv["currency."].id, money: amount };
  }
  // A full payment of a foreign invoice clears the payable at what it was booked at; the bank
  // is credited with what was paid, and the difference is the realised FX gain or loss.
  const realised =
    full && docCurrency !== c && input.fx
      ? realisedLine(refs, input, docCurrency, companyMinor, second?.money ?? money(toPay, docCurrency))
      : null;
  const paidMinor = realised ? realised.paidMinor : companyMinor;
  const values = moveValues(
    {
      journal: input.journal,
      period: input.period,
      date: input.date,
      ref: input.ref,
      lines: [
        { account: inv.account, party: inv.party, minor: companyMinor, second, description: inv.reference },
        { account: input.creditAccount, minor: -paidMinor, second: null, description: inv.reference },
        ...(realised?.line ? [realised.line] : []),
      ],
    },
    refs,
  );
  const [moveId] = await rpc.create("account.move", [values], ctx);
  if (moveId === undefined) throw new Error("account.move.create returned no id");
  await hooks.at?.("erp-created");
  await rpc.button("account.move", "post", [moveId], ctx);
  await hooks.at?.("erp-unsettled");
  await settle(session, refs.company.id, inv, moveId, full ? open.map((l) => l.id) : null);
  return moveId;
}

/** Reconciles a full payment with the open payable lines, or attaches a partial one to the invoice. */
export async function settle(
  session: TrytonSession,
  companyId: number,
  inv: InvoiceRow,
  moveId: number,
  openLines: number[] | null,
): Promise<void> {
  const rpc = session.rpc;
  const ctx = session.ctx(companyId);
  const [payLine] = await unreconciledLines(session, companyId, moveId, inv.account);
  if (payLine === undefined) return; // already reconciled
  if (openLines?.length) {
    await rpc.wizard(
      "account.move.reconcile_lines",
      { model: "account.move.line", ids: [...openLines, payLine] },
      [["start", {}]],
      ctx,
    );
  } else {
    await rpc.write("account.invoice", [inv.id], { payment_lines: [["add", [payLine]]] }, ctx);
  }
}

/** What was paid in the company currency, and the gain/loss line when it differs from what was booked. */
function realisedLine(
  refs: Refs,
  input: PayInput,
  docCurrency: string,
  bookedMinor: number,
  docAmount: Money,
): { paidMinor: number; line: LineSpec | null } {
  const fx = input.fx as NonNullable<PayInput["fx"]>;
  const c = refs.company.currency;
  const paid = fx.paid ?? money(refs.converter(docCurrency, input.date)(docAmount.minor), c);
  if (paid.currency !== c) throw new Error(`internal: payment in ${paid.currency} for company in ${c}`);
  const booked = money(bookedMinor, c);
  const diff = realisedDifference(booked, paid);
  if (diff.minor === 0) return { paidMinor: paid.minor, line: null };
  const amount = `${toMajorString(money(Math.abs(diff.minor), c))} ${c}`;
  if (!fx.gainLossRemoteId) {
    throw new ErpError(
      "needs_integrator",
      "MISSING_MAPPING",
      // the setting is named in the title: a needs-integrator message in Ramp carries the title, not howToFix
      `Bill payment: a realised FX ${diff.minor > 0 ? "loss" : "gain"} of ${amount} needs an FX gain/loss account (companies[${fx.companyKey}].defaults.fxGainLoss is not set)`,
      {
        howToFix: `Set companies[${fx.companyKey}].defaults.fxGainLoss in the tenant configuration to an account of company ${fx.companyKey}, and retry.`,
        detail: `${input.ref}: booked ${toMajorString(booked)}, paid ${toMajorString(paid)} ${c}`,
      },
    );
  }
  const account = refs.account(fx.gainLossRemoteId, input.date).id;
  const rate = impliedRate(docAmount, paid);
  return {
    paidMinor: paid.minor,
    line: {
      account,
      minor: diff.minor,
      second: null,
      // traceable: the document amount, both company amounts and the payment's rate
      description: `Realised FX ${diff.minor > 0 ? "loss" : "gain"}: ${toMajorString(docAmount)} ${docCurrency} booked ${toMajorString(booked)} ${c}, paid ${toMajorString(paid)} ${c} (rate ${rate})`,
    },
  };
}
