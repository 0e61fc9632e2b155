/** Reads what the adapter wrote back out of Tryton, for assertions. */
import { fromMajor } from "../../../lib/money/index.js";
import type { Live, LiveCompany } from "./tryton-live.js";

export interface MoveLineRow {
  id: number;
  debit: string;
  credit: string;
  amount_second_currency: string | null;
  "account.": { code: string };
  "second_currency.": { code: string } | null;
  analytic_lines: number[];
  tax_lines: number[];
}

export const idOfErp = (erpId: string) => Number(erpId.split(",")[1]);

export async function moveLines(live: Live, c: LiveCompany, moveId: number): Promise<MoveLineRow[]> {
  return live.session.rpc.searchRead<MoveLineRow>(
    "account.move.line",
    [["move", "=", moveId]],
    [
      "debit",
      "credit",
      "amount_second_currency",
      "account.code",
      "second_currency.code",
      "analytic_lines",
      "tax_lines",
    ],
    live.session.ctx(c.id),
    { order: [["id", "ASC"]] },
  );
}

export async function readMove(live: Live, c: LiveCompany, moveId: number) {
  const [row] = await live.session.rpc.read<{
    state: string;
    description: string;
    "journal.": { code: string };
  }>("account.move", [moveId], ["state", "description", "journal.code"], live.session.ctx(c.id));
  return row;
}

export async function readInvoice(live: Live, c: LiveCompany, invoiceId: number) {
  const [row] = await live.session.rpc.read<{
    state: string;
    reference: string;
    total_amount: string;
    tax_amount: string;
    untaxed_amount: string;
    move: number | null;
    "currency.": { code: string };
  }>(
    "account.invoice",
    [invoiceId],
    ["state", "reference", "total_amount", "tax_amount", "untaxed_amount", "move", "currency.code"],
    live.session.ctx(c.id),
  );
  return row;
}

/** How many moves / invoices carry a ref (Tryton has no unique constraint, so this is the duplicate check). */
export async function countRef(live: Live, c: LiveCompany, ref: string): Promise<number> {
  const ctx = live.session.ctx(c.id);
  const moves = (await live.session.rpc.model(
    "account.move",
    "search_count",
    [
      [
        ["company", "=", c.id],
        ["description", "=", ref],
      ],
    ],
    ctx,
  )) as number;
  const invoices = (await live.session.rpc.model(
    "account.invoice",
    "search_count",
    [
      [
        ["company", "=", c.id],
        ["reference", "=", ref],
      ],
    ],
    ctx,
  )) as number;
  return moves + invoices;
}

/** [account code, debit minor, credit minor] per line: Tryton prints "0" or "0.00" alike. */
export const sides = (lines: MoveLineRow[], currency: string) =>
  lines.map((l) => [
    l["account."].code,
    fromMajor(l.debit, currency).minor,
    fromMajor(l.credit, currency).minor,
  ]);
