/**
 * Finding what Tryton already holds for a ref: the idempotency half of
 * look-before-create. Refs live in `account.invoice.reference` (bills, credits,
 * reimbursements) or `account.move.description` (everything else) and are searched
 * with `=`/`in`, never `like` (README pitfall 25).
 */
import { parseExternalRef } from "../../sync/kinds.js";
import type { TrytonCore } from "./core.js";
import { type ErpModel, erpRef, parseErpRef } from "./ids.js";
import type { CompanyInfo } from "./refs.js";

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
    const rpc = core.session.rpc;
    const ctx = core.session.ctx(company.id);
    const [inv] = await rpc.searchRead<{
      move: number | null;
      reconciliation_lines: number[] | null;
      payment_lines: number[] | null;
    }>(
      "account.invoice",
      [
        ["id", "=", id],
        ["company", "=", company.id],
      ],
      ["move", "reconciliation_lines", "payment_lines"],
      ctx,
    );
    if (!inv) return null;
    const lineIds = [...(inv.reconciliation_lines ?? []), ...(inv.payment_lines ?? [])];
    if (!lineIds.length) return null;
    const lines = await rpc.read<{ move: number }>("account.move.line", lineIds, ["move"], ctx);
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
