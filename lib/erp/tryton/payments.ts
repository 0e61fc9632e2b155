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
import { fromMajor, type Money, money } from "../../money/index.js";
import { userError } from "../port.js";
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
  const values = moveValues(
    {
      journal: input.journal,
      period: input.period,
      date: input.date,
      ref: input.ref,
      lines: [
        { account: inv.account, party: inv.party, minor: companyMinor, second, description: inv.reference },
        { account: input.creditAccount, minor: -companyMinor, second: null, description: inv.reference },
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
