/**
 * Finding what Tryton already holds for a ref: the idempotency half of
 * look-before-create. Refs live in `account.invoice.reference` (bills, credits,
 * reimbursements) or `account.move.description` (everything else) and are searched
 * with `=`/`in`, never `like` (docs/tryton.md pitfall 25).
 */
import { parseExternalRef } from "../../domain/kinds.js";
import type { TrytonCore } from "./core.js";
import { type ErpModel, erpRef, parseErpRef } from "./ids.js";
import type { CompanyInfo } from "./refs.js";
import type { TrytonSession } from "./session.js";

/** A record holding a ref, with its Tryton state (draft, posted, paid…). */
export interface Found {
  model: ErpModel;
  id: number;
  state: string;
}

const INVOICE_KINDS = new Set(["bill", "vendor_credit", "reimbursement"]);

/** The ref of the payment move of a reimbursement Ramp already paid. */
export const paymentRefOf = (ref: string) => `${ref}#payment`;

/**
 * A reimbursement's own ref names its invoice; its payment move carries `<ref>#payment`
 * and is a move, not an invoice (looking it up among invoices found nothing, so a
 * retry after a kill between the payment's post and its reconciliation paid twice).
 */
export const isInvoiceRef = (ref: string) =>
  !ref.endsWith("#payment") && INVOICE_KINDS.has(parseExternalRef(ref)?.kind ?? "");

/** Records holding each ref (the oldest when duplicates exist); two queries for any number of refs. */
export async function findRecords(
  core: TrytonCore,
  company: CompanyInfo,
  refs: string[],
): Promise<Map<string, Found>> {
  const rpc = core.session.rpc;
  const ctx = core.session.ctx(company.id);
  const invoiceRefs = refs.filter(isInvoiceRef);
  const moveRefs = refs.filter((r) => !isInvoiceRef(r));
  const order: [string, "ASC"][] = [["id", "ASC"]];
  const [invoices, moves] = await Promise.all([
    invoiceRefs.length
      ? rpc.searchRead<{ id: number; reference: string; state: string }>(
          "account.invoice",
          [
            ["company", "=", company.id],
            ["type", "=", "in"],
            ["reference", "in", invoiceRefs],
          ],
          ["reference", "state"],
          ctx,
          { order },
        )
      : [],
    moveRefs.length
      ? rpc.searchRead<{ id: number; description: string; state: string }>(
          "account.move",
          [
            ["company", "=", company.id],
            ["description", "in", moveRefs],
          ],
          ["description", "state"],
          ctx,
          { order },
        )
      : [],
  ]);
  const out = new Map<string, Found>();
  for (const r of invoices)
    if (!out.has(r.reference)) out.set(r.reference, { model: "account.invoice", id: r.id, state: r.state });
  for (const r of moves)
    if (!out.has(r.description)) out.set(r.description, { model: "account.move", id: r.id, state: r.state });
  return out;
}

/** The record holding one ref, or undefined. */
export async function findRecord(
  core: TrytonCore,
  company: CompanyInfo,
  ref: string,
): Promise<Found | undefined> {
  return (await findRecords(core, company, [ref])).get(ref);
}

/** The oldest payment move of a bill (ERP id), other than the bill's own move; the port's findBillPayment. */
export function findBillPayment(
  core: TrytonCore,
  billErpId: string,
  companyKey: string,
): Promise<string | null> {
  return core.guard("looking up a bill payment", async () => {
    const company = await core.company(companyKey);
    const id = parseErpRef(billErpId, "account.invoice");
    if (id === null) return null;
    const inv = await companyInvoice<{
      move: number | null;
      reconciliation_lines: number[] | null;
      payment_lines: number[] | null;
    }>(core.session, company.id, id, ["move", "reconciliation_lines", "payment_lines"]);
    if (!inv) return null;
    const lineIds = [...(inv.reconciliation_lines ?? []), ...(inv.payment_lines ?? [])];
    if (!lineIds.length) return null;
    const lines = await core.session.rpc.read<{ move: number }>(
      "account.move.line",
      lineIds,
      ["move"],
      core.session.ctx(company.id),
    );
    const moves = lines.map((l) => l.move).filter((m) => m !== inv.move);
    return moves.length ? erpRef("account.move", Math.min(...moves)) : null;
  });
}

/** Which of these move lines (an invoice's lines to pay) are not reconciled yet. */
export async function openLines(core: TrytonCore, company: CompanyInfo, ids: number[]): Promise<number[]> {
  const rows = await core.session.rpc.read<{ id: number; reconciliation: number | null }>(
    "account.move.line",
    ids,
    ["reconciliation"],
    core.session.ctx(company.id),
  );
  return rows.filter((r) => r.reconciliation === null).map((r) => r.id);
}

/** The move's lines on `account` not reconciled yet (a payment move's payable line, until it is settled). */
export function unreconciledLines(
  session: TrytonSession,
  companyId: number,
  moveId: number,
  account: number,
): Promise<number[]> {
  return session.rpc.search(
    "account.move.line",
    [
      ["move", "=", moveId],
      ["account", "=", account],
      ["reconciliation", "=", null],
    ],
    session.ctx(companyId),
  );
}

/**
 * The invoice with this id, if it belongs to the company (ids of another company are
 * not ours to touch, and with the filter "all" the record rules would let them through).
 */
export async function companyInvoice<T>(
  session: TrytonSession,
  companyId: number,
  id: number,
  fields: string[],
): Promise<T | null> {
  const rows = await session.rpc.searchRead<T>(
    "account.invoice",
    [
      ["id", "=", id],
      ["company", "=", companyId],
    ],
    fields,
    session.ctx(companyId),
  );
  return rows[0] ?? null;
}
