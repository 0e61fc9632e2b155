/**
 * fx.policy `ramp-rates` for supplier invoices (README "Currency"). Tryton 6.0 converts an
 * invoice at its own rate of the invoice date when it creates the invoice's move, and has no
 * per-invoice rate. A supplier invoice can be *validated* first, which creates that move as a
 * draft; we rewrite the draft's company-currency debit/credit to Ramp's rate (each side's total
 * is the document total converted half-even, spread over the side's lines by their
 * second-currency amounts, so the move balances exactly) and then post the invoice, which
 * keeps the existing move. The second-currency fields keep the EUR amounts: the original
 * amount and the booked amount are both on the record.
 */
import { allocate, fromMajor, money, toMajorString } from "../../money/index.js";
import { convertAtRate } from "../mapping/fx.js";
import type { TrytonSession } from "./session.js";
import { tagDecimal } from "./wire.js";

interface DraftLine {
  id: number;
  amount_second_currency: string | null;
}

/** Company-currency minor units per line (debit positive) for these document-currency amounts at `rate`. */
export function linesAtRate(
  docMinors: readonly number[],
  rate: string,
  doc: string,
  company: string,
): number[] {
  const out = docMinors.map(() => 0);
  for (const side of [1, -1]) {
    const idx = docMinors.map((m, i) => (Math.sign(m) === side ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) continue;
    const total = idx.reduce((a, i) => a + Math.abs(docMinors[i] ?? 0), 0);
    const converted = convertAtRate(money(total, doc), rate, company);
    const parts = allocate(
      converted,
      idx.map((i) => Math.abs(docMinors[i] ?? 0)),
    );
    idx.forEach((i, k) => {
      out[i] = side * (parts[k]?.minor ?? 0);
    });
  }
  return out;
}

/** Validates the invoice (draft move at Tryton's rate) and rewrites that move's lines to `rate`. */
export async function rebookAtRate(
  session: TrytonSession,
  companyId: number,
  invoiceId: number,
  rate: string,
  currencies: { doc: string; company: string },
): Promise<void> {
  const rpc = session.rpc;
  const ctx = session.ctx(companyId);
  await rpc.button("account.invoice", "validate_invoice", [invoiceId], ctx);
  const [inv] = await rpc.read<{ move: number | null }>("account.invoice", [invoiceId], ["move"], ctx);
  if (!inv?.move) throw new Error(`validated invoice ${invoiceId} has no move`);
  const lines = await rpc.searchRead<DraftLine>(
    "account.move.line",
    [["move", "=", inv.move]],
    ["amount_second_currency"],
    ctx,
  );
  const docMinors = lines.map((l) => fromMajor(l.amount_second_currency ?? "0", currencies.doc).minor);
  const company = linesAtRate(docMinors, rate, currencies.doc, currencies.company);
  const dec = (minor: number) => tagDecimal(toMajorString(money(Math.abs(minor), currencies.company)));
  // one write call for every line: Tryton's write takes (ids, values) pairs
  const pairs = lines.flatMap((line, i) => {
    const m = company[i] ?? 0;
    return [[line.id], { debit: dec(Math.max(m, 0)), credit: dec(Math.min(m, 0)) }];
  });
  await rpc.model("account.move.line", "write", pairs, ctx);
}
