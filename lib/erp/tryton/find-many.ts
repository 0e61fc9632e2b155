/**
 * The port's findMany: every record under each of many refs, per company, in chunks of
 * at most FIND_MANY_CHUNK refs searched with `in` (docs/tryton.md pitfall 25: never `like`).
 * Per chunk, invoices and their lines are two search_reads sent together, moves and their
 * lines two more, plus one for the tax lines when any move line has some — a bounded
 * number of round trips for any number of refs, never one per ref. Duplicates (pitfall
 * 14: no unique constraint) are all reported; summaries.ts reads the rows.
 */
import type { ErpRecordSummary } from "../port.js";
import type { TrytonCore } from "./core.js";
import { isInvoiceRef } from "./lookup.js";
import { chunked } from "./move-chunks.js";
import type { CompanyInfo } from "./refs.js";
import {
  type InvoiceLineRow,
  type InvoiceRow,
  invoiceSummary,
  type MoveLineRow,
  type MoveRow,
  moveSummary,
} from "./summaries.js";

/** Refs per search: an `in` list this long stays well inside SQLite's and trytond's limits. */
export const FIND_MANY_CHUNK = 500;

const ORDER: [string, "ASC"][] = [["id", "ASC"]];

export function findMany(
  core: TrytonCore,
  refs: readonly { ref: string; companyKey: string }[],
): Promise<Map<string, ErpRecordSummary[]>> {
  if (refs.length === 0) return Promise.resolve(new Map());
  return core.guard("looking up references", async () => {
    const byCompany = new Map<string, Set<string>>();
    for (const { ref, companyKey } of refs) {
      const set = byCompany.get(companyKey) ?? new Set<string>();
      set.add(ref);
      byCompany.set(companyKey, set);
    }
    const out = new Map<string, ErpRecordSummary[]>();
    const add = (summaries: ErpRecordSummary[]) => {
      for (const s of summaries) {
        const list = out.get(s.ref);
        if (list) list.push(s);
        else out.set(s.ref, [s]);
      }
    };
    for (const [key, set] of byCompany) {
      const company = await core.company(key);
      const all = [...set];
      for (const chunk of chunked(all.filter(isInvoiceRef), FIND_MANY_CHUNK))
        add(await invoiceSummaries(core, company, chunk));
      for (const chunk of chunked(
        all.filter((r) => !isInvoiceRef(r)),
        FIND_MANY_CHUNK,
      ))
        add(await moveSummaries(core, company, chunk));
    }
    return out;
  });
}

/** Bills, vendor credits, reimbursements: supplier invoices by `reference`, with their lines' accounts. */
async function invoiceSummaries(
  core: TrytonCore,
  company: CompanyInfo,
  refs: string[],
): Promise<ErpRecordSummary[]> {
  const rpc = core.session.rpc;
  const ctx = core.session.ctx(company.id);
  const [invoices, lines] = await Promise.all([
    rpc.searchRead<InvoiceRow>(
      "account.invoice",
      [
        ["company", "=", company.id],
        ["type", "=", "in"],
        ["reference", "in", refs],
      ],
      ["reference", "state", "total_amount", "currency.code"],
      ctx,
      { order: ORDER },
    ),
    rpc.searchRead<InvoiceLineRow>(
      "account.invoice.line",
      [
        ["invoice.company", "=", company.id],
        ["invoice.type", "=", "in"],
        ["invoice.reference", "in", refs],
        ["type", "=", "line"],
      ],
      ["invoice", "account"],
      ctx,
      { order: ORDER },
    ),
  ]);
  const byInvoice = groupBy(lines, (l) => l.invoice);
  return invoices.map((inv) => invoiceSummary(company, inv, byInvoice.get(inv.id) ?? []));
}

/** Everything else: moves by `description`, with their lines (and which lines are tax lines). */
async function moveSummaries(
  core: TrytonCore,
  company: CompanyInfo,
  refs: string[],
): Promise<ErpRecordSummary[]> {
  const rpc = core.session.rpc;
  const ctx = core.session.ctx(company.id);
  const [moves, lines] = await Promise.all([
    rpc.searchRead<MoveRow>(
      "account.move",
      [
        ["company", "=", company.id],
        ["description", "in", refs],
      ],
      ["description", "state"],
      ctx,
      { order: ORDER },
    ),
    rpc.searchRead<MoveLineRow & { tax_lines: number[] }>(
      "account.move.line",
      [
        ["move.company", "=", company.id],
        ["move.description", "in", refs],
      ],
      ["move", "account", "debit", "credit", "amount_second_currency", "second_currency.code", "tax_lines"],
      ctx,
      { order: ORDER },
    ),
  ]);
  const taxLineIds = lines.flatMap((l) => l.tax_lines ?? []);
  // A tax line of type "tax" marks the move line carrying the tax; "base" ones sit on expense lines.
  const taxRows = taxLineIds.length
    ? await rpc.searchRead<{ id: number; move_line: number }>(
        "account.tax.line",
        [
          ["id", "in", taxLineIds],
          ["type", "=", "tax"],
        ],
        ["move_line"],
        ctx,
      )
    : [];
  const taxLines = new Set(taxRows.map((t) => t.move_line));
  const byMove = groupBy(lines, (l) => l.move);
  return moves.map((m) => moveSummary(company, m, byMove.get(m.id) ?? [], taxLines));
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(keyOf(r));
    if (list) list.push(r);
    else out.set(keyOf(r), [r]);
  }
  return out;
}
