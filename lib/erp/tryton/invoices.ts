/**
 * Supplier invoices (account.invoice, type "in") for bills, vendor credits and
 * reimbursements. Tryton 6.0 has no separate credit-note type: a credit note is
 * an "in" invoice with negative lines.
 *
 * Totals: Tryton computes tax per line rounded (rate × net). Ramp's tax amount
 * may differ by a cent or more, so after Tryton computes the invoice taxes we
 * overwrite each tax's amount with Ramp's. Tryton keeps it, because its tax
 * update only rewrites a tax whose *base* changed. The posted invoice therefore
 * totals exactly the Ramp amount, tax included, and keeps the tax code.
 *
 * create() runs no on_change (docs/tryton.md pitfall 8): address, payable account and journal
 * are spelled out; a foreign invoice needs its currency on every line (docs/tryton.md pitfall 21).
 */
import { fromMajor, money, toMajorString } from "../../money/index.js";
import type { ExpenseLine } from "../port.js";
import { rebookAtRate } from "./invoice-rate.js";
import type { Refs } from "./refs.js";
import type { TrytonRpc } from "./rpc.js";
import type { TrytonSession } from "./session.js";
import { tagDate, tagDecimal } from "./wire.js";
import type { WriteHooks } from "./write-hooks.js";

export interface InvoiceInput {
  ref: string;
  date: string;
  dueDate: string | null;
  currency: string;
  party: { id: number; addresses: number[] };
  payableAccountRemoteId: string;
  journal: number;
  lines: readonly ExpenseLine[];
  /** -1 for credit notes: Ramp's positive amounts become negative invoice lines. */
  sign: 1 | -1;
  description: string;
  /** fx.policy ramp-rates: book the foreign invoice at this rate (invoice-rate.ts), not Tryton's. */
  rampRate?: string | null;
}

export interface InvoiceDraft {
  values: Record<string, unknown>;
  /** Tax id → Ramp's tax amount for it, in document minor units (signed like the invoice). */
  taxes: Map<number, number>;
  currency: string;
  needsAddress: boolean;
  /** Set for a foreign invoice booked at Ramp's rate: the rate and the company currency. */
  rampRate: { rate: string; companyCurrency: string } | null;
}

export function invoiceDraft(input: InvoiceInput, refs: Refs): InvoiceDraft {
  refs.period(input.date);
  const payable = refs.account(input.payableAccountRemoteId, input.date);
  const foreign = input.currency !== refs.company.currency;
  const currencyId = foreign ? refs.currencyId(input.currency) : null;
  const taxes = new Map<number, number>();
  const lines = input.lines.map((line) => {
    const account = refs.account(line.accountRemoteId, input.date);
    const options = line.dimensions.map((d) => refs.option(d.optionRemoteId));
    const tax = line.tax ? refs.tax(line.tax.taxCodeRemoteId) : null;
    if (tax && line.tax) taxes.set(tax.id, (taxes.get(tax.id) ?? 0) + input.sign * line.tax.amount.minor);
    const values: Record<string, unknown> = {
      type: "line",
      account: account.id,
      description: line.memo ?? input.description,
      quantity: 1,
      unit_price: tagDecimal(toMajorString(money(input.sign * line.amount.minor, input.currency))),
    };
    if (currencyId !== null) values.currency = currencyId;
    if (tax) values.taxes = [["add", [tax.id]]];
    if (options.length) {
      values.analytic_accounts = [["create", options.map((o) => ({ root: o.root, account: o.id }))]];
    }
    return values;
  });
  const values: Record<string, unknown> = {
    company: refs.company.id,
    type: "in",
    party: input.party.id,
    account: payable.id,
    journal: input.journal,
    invoice_date: tagDate(input.date),
    reference: input.ref,
    description: input.description.slice(0, 250),
    lines: [["create", lines]],
  };
  if (input.party.addresses[0] !== undefined) values.invoice_address = input.party.addresses[0];
  if (input.dueDate) values.payment_term_date = tagDate(input.dueDate);
  if (currencyId !== null) values.currency = currencyId;
  const rampRate =
    foreign && input.rampRate ? { rate: input.rampRate, companyCurrency: refs.company.currency } : null;
  return {
    values,
    taxes,
    currency: input.currency,
    needsAddress: input.party.addresses.length === 0,
    rampRate,
  };
}

/**
 * Creates, fixes the tax amounts to Ramp's and posts. Returns the invoice id.
 * On a failure after create, the draft is deleted again so a retry starts clean.
 */
/**
 * Deletes an unposted invoice; a validated one (invoice-rate.ts) goes back to draft first,
 * which deletes its draft move (Tryton refuses to delete a validated invoice).
 */
export async function discardInvoice(session: TrytonSession, companyId: number, id: number): Promise<void> {
  const ctx = session.ctx(companyId);
  await session.rpc.button("account.invoice", "draft", [id], ctx).catch(() => undefined);
  await session.rpc.model("account.invoice", "delete", [[id]], ctx).catch(() => undefined);
}

export async function createAndPostInvoice(
  session: TrytonSession,
  companyId: number,
  draft: InvoiceDraft,
  hooks: WriteHooks = {},
): Promise<number> {
  const rpc: TrytonRpc = session.rpc;
  const ctx = session.ctx(companyId);
  const values = { ...draft.values };
  if (draft.needsAddress) {
    // Parties without an address (e.g. employees) cannot be invoiced: give them an empty one.
    const [address] = await rpc.create("party.address", [{ party: values.party }], ctx);
    values.invoice_address = address;
  }
  const [id] = await rpc.create("account.invoice", [values], ctx);
  if (id === undefined) throw new Error("account.invoice.create returned no id");
  try {
    if (draft.taxes.size) {
      await rpc.write("account.invoice", [id], {}, ctx); // computes the draft taxes (docs/tryton.md pitfall 9)
      const rows = await rpc.searchRead<{ id: number; tax: number | null; amount: string }>(
        "account.invoice.tax",
        [["invoice", "=", id]],
        ["tax", "amount"],
        ctx,
      );
      const seen = new Set<number>();
      for (const row of rows) {
        if (row.tax === null || seen.has(row.tax)) continue;
        seen.add(row.tax);
        const want = draft.taxes.get(row.tax) ?? 0;
        if (fromMajor(row.amount, draft.currency).minor !== want) {
          await rpc.write(
            "account.invoice.tax",
            [row.id],
            { amount: tagDecimal(toMajorString(money(want, draft.currency))) },
            ctx,
          );
        }
      }
    }
    if (draft.rampRate) {
      await rebookAtRate(session, companyId, id, draft.rampRate.rate, {
        doc: draft.currency,
        company: draft.rampRate.companyCurrency,
      });
    }
    await hooks.at?.("erp-created");
    await rpc.button("account.invoice", "post", [id], ctx);
  } catch (err) {
    await discardInvoice(session, companyId, id);
    throw err;
  }
  return id;
}
