/**
 * Ramp's side of reconciliation over the tenant's own Ramp client (its token,
 * retries and the DynamoDB-shared rate window the Lambdas use): every object of
 * a listing in the window, whatever its sync status, 100 per page (Ramp's
 * maximum: the fewest list calls), turned into plain RampRows.
 *
 * Dates (docs/ramp-api.md §10, ../shared/ramp-api/REFERENCE.md §10): transactions
 * take `from_date` (on `user_transaction_time`), reimbursements, transfers and
 * cashbacks `from_date` (reimbursements: on creation; transfers and cashbacks do
 * not say on what — creation is the plausible reading), bills `from_created_at`;
 * vendor credits document no date filter. The window is also applied here, on the
 * same field, wherever the normalised object carries it (bills do not carry their
 * creation time): an API that ignores a parameter (the sandbox does for
 * reimbursements, transfers and cashbacks) yields the same window.
 */

import type { Kind } from "../domain/kinds.js";
import type { Money } from "../money/index.js";
import type { RampClient } from "../ramp/client.js";
import type { LineItem, RampBill, Selection } from "../ramp/model.js";
import { invoiceFileId } from "../receipts/invoice-id.js";
import { paymentMode } from "../sync/bill-phases.js";
import type { CompanyOfObject } from "./company.js";
import type { RampRow, RampSide, RampSource, ReconcileWindow } from "./ports.js";

/** Ramp's largest page: N objects cost ⌈N/100⌉ list calls. */
export const RAMP_PAGE_SIZE = 100;

type ListClient = Pick<
  RampClient,
  | "listTransactions"
  | "listReimbursements"
  | "listTransfers"
  | "listCashbacks"
  | "listBills"
  | "listVendorCredits"
>;

export function rampSideOf(
  ramp: ListClient,
  companyOf: (entityId: string | null) => CompanyOfObject | null,
): RampSide {
  const row = (
    kind: Kind,
    o: { id: string; entityId: string | null },
    synced: boolean | null,
    amount: Money,
    coding: { header: readonly Selection[]; lines: readonly LineItem[] } | null,
    recordElsewhere: string | null = null,
    receiptIds: string[] = [],
  ): RampRow => {
    const company = companyOf(o.entityId);
    return {
      kind,
      rampId: o.id,
      entityId: o.entityId,
      companyKey: company?.key ?? null,
      synced,
      amount,
      accountRemoteIds:
        coding && company ? glAccounts(coding.header, coding.lines, company.defaultExpense) : null,
      recordElsewhere,
      receiptIds,
    };
  };

  async function* rows(source: RampSource, w: ReconcileWindow): AsyncGenerator<RampRow> {
    const from = w.since ? `${w.since}T00:00:00Z` : undefined;
    const extra = from ? { from_date: from } : {};
    const size = RAMP_PAGE_SIZE;
    switch (source) {
      case "transaction":
        for await (const t of ramp.listTransactions({ pageSize: size, extra }))
          if (inWindow(t.userTransactionTime, w))
            yield row("transaction", t, t.syncStatus === "SYNCED", t.amount, coded(t), null, t.receiptIds);
        return;
      case "reimbursement":
        for await (const r of ramp.listReimbursements({ pageSize: size, extra }))
          if (inWindow(r.createdAt, w))
            yield row("reimbursement", r, r.syncStatus === "SYNCED", r.amount, coded(r), null, r.receiptIds);
        return;
      case "transfer":
        for await (const t of ramp.listTransfers({ pageSize: size, extra }))
          if (inWindow(t.createdAt, w)) yield row("transfer", t, t.syncStatus === "SYNCED", t.amount, null);
        return;
      case "cashback":
        for await (const c of ramp.listCashbacks({ pageSize: size, extra }))
          if (inWindow(c.createdAt, w)) yield row("cashback", c, c.syncStatus === "SYNCED", c.amount, null);
        return;
      case "bill":
        for await (const b of ramp.listBills({
          pageSize: size,
          extra: from ? { from_created_at: from } : {},
        }))
          yield* billRows(b);
        return;
      case "vendor_credit":
        // Fully used credits were posted too: the listing hides them unless asked.
        for await (const v of ramp.listVendorCredits({
          extra: { page_size: size, include_fully_used: true },
        }))
          if (inWindow(v.createdAt, w)) yield row("vendor_credit", v, null, v.amount, coded(v));
        return;
    }
  }

  function* billRows(b: RampBill): Generator<RampRow> {
    const invoices = [...new Set(b.invoiceUrls.map(invoiceFileId))];
    yield row("bill", b, b.syncStatus !== "NOT_SYNCED", b.amount, coded(b), null, invoices);
    // Only a paid bill owes its payment phase (the guide's decision table).
    if (b.status !== "PAID") return;
    const elsewhere =
      paymentMode(b) === "paid_in_erp"
        ? "paid in the ERP: the ERP's own payment was reported, nothing posted under this reference"
        : null;
    yield row(
      "bill_payment",
      b,
      b.syncStatus === "BILL_AND_PAYMENT_SYNCED",
      b.payment?.amount ?? b.amount,
      null,
      elsewhere,
    );
  }

  return {
    async *pages(source, window) {
      let page: RampRow[] = [];
      let objects = 0;
      for await (const r of rows(source, window)) {
        // A bill yields two rows, one after the other: a page is ≤ 100 objects, not rows.
        if (page.at(-1)?.rampId !== r.rampId) {
          if (objects === RAMP_PAGE_SIZE) {
            yield page;
            page = [];
            objects = 0;
          }
          objects++;
        }
        page.push(r);
      }
      if (page.length) yield page;
    },
  };
}

const coded = (o: { selections: readonly Selection[]; lineItems: readonly LineItem[] }) => ({
  header: o.selections,
  lines: o.lineItems,
});

/** Client-side half of the window: a date-time on or after `since` (unknown dates are kept). */
function inWindow(at: string | null, w: ReconcileWindow): boolean {
  return w.since === null || at === null || at.slice(0, 10) >= w.since;
}

/**
 * The GL accounts the posting's expense lines hit, as lib/erp/mapping/coding.ts
 * codes them: each line's GL selection, else the header's, else the company's
 * default expense; no lines = one line from the header. Null when a GL selection
 * is not linked to the ERP (the syncer fails such an object: nothing to compare).
 */
export function glAccounts(
  header: readonly Selection[],
  lines: readonly LineItem[],
  defaultExpense: string,
): string[] | null {
  const gl = (s: readonly Selection[]) => s.find((x) => x.type === "GL_ACCOUNT");
  const onHeader = gl(header);
  const out = new Set<string>();
  for (const line of lines.length ? lines.map((l) => l.selections) : [[]]) {
    const s = gl(line) ?? onHeader;
    if (s && !s.optionRemoteId) return null;
    out.add(s?.optionRemoteId ?? defaultExpense);
  }
  return [...out].sort();
}
