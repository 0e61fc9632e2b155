/**
 * One reconciliation of a tenant: each listing in the window, page by page
 * (≤ 100 objects, one Ramp list call), its ledger rows in one batched read per
 * page, the ERP's records in one findMany per few pages, then the pure
 * judgement (classify.ts) and the tallies (report.ts). While one page is looked
 * up in the ledger and the ERP the next is read from Ramp; never more than one
 * page waits, so memory stays flat over any number of objects.
 */
import { externalRef, type Kind, ledgerKeyOf } from "../domain/kinds.js";
import type { ErpRecordSummary } from "../erp/port.js";
import type { ReceiptKind } from "../receipts/message.js";
import { REASON_TEXT } from "../receipts/rules.js";
import { classify, type Observed } from "./classify.js";
import {
  type RampRow,
  type RampSide,
  type RampSource,
  type ReconcileErp,
  type ReconcileStore,
  type ReconcileWindow,
  SOURCE_OF_KIND,
} from "./ports.js";
import { createTally, type ReconcileReport } from "./report.js";

/**
 * References per ERP findMany: the journal reads its whole file once per call and
 * Tryton searches a few hundred references per request, so a few pages per call
 * keeps both the calls and each call's size small.
 */
export const ERP_BATCH_REFS = 500;

/** Listing order, as the poller's (lib/poll/plan.ts): bills before the card charges they settle. */
const SOURCES: readonly RampSource[] = [
  "bill",
  "transaction",
  "reimbursement",
  "transfer",
  "cashback",
  "vendor_credit",
];

export interface ReconcileDeps {
  ramp: RampSide;
  store: ReconcileStore;
  erp: ReconcileErp;
  now: () => number;
}

export interface ReconcileRequest {
  tenantId: string;
  kinds: readonly Kind[];
  window: ReconcileWindow;
  /**
   * Compare each record's attachments with the receipts Ramp holds (default true). Off for a
   * tenant with `sync.attachReceipts` off: nothing promised to attach them, so none is missing.
   */
  receipts?: boolean;
}

export interface ReconcileStats {
  /** Pages read per listing (each one Ramp list call). */
  pages: Partial<Record<RampSource, number>>;
  objects: number;
  ledgerReads: number;
  erpCalls: number;
}

export async function reconcile(
  deps: ReconcileDeps,
  req: ReconcileRequest,
): Promise<{ report: ReconcileReport; stats: ReconcileStats }> {
  const tally = createTally();
  const stats: ReconcileStats = { pages: {}, objects: 0, ledgerReads: 0, erpCalls: 0 };
  const now = deps.now();
  let waiting: Array<Omit<Observed, "records">> = [];

  async function flushErp(): Promise<void> {
    const batch = waiting;
    waiting = [];
    const refs = batch
      .filter((o) => o.ramp.companyKey !== null)
      .map((o) => ({
        ref: externalRef(o.ramp.kind, o.ramp.rampId),
        companyKey: o.ramp.companyKey as string,
      }));
    let found = new Map<string, ErpRecordSummary[]>();
    if (refs.length) {
      stats.erpCalls++;
      found = await deps.erp.findMany(refs);
    }
    const recordsOf = (o: (typeof batch)[number]) =>
      o.ramp.companyKey === null ? [] : (found.get(externalRef(o.ramp.kind, o.ramp.rampId)) ?? []);
    const { attached, why } = await receiptsOf(batch.map((o) => ({ o, records: recordsOf(o) })));
    for (const o of batch) {
      const ref = externalRef(o.ramp.kind, o.ramp.rampId);
      const observed: Observed = {
        ...o,
        records: recordsOf(o),
        ...(attached.has(ref) ? { attached: attached.get(ref) as string[], receiptWhy: why } : {}),
      };
      tally.add(observed, classify(observed, now));
    }
  }

  /**
   * The receipts attached under the batch's records (one listAttachments call), and for the
   * missing ones the reason their rows hold (receipts the worker gave up on, or is retrying).
   */
  async function receiptsOf(
    batch: ReadonlyArray<{ o: Omit<Observed, "records">; records: readonly ErpRecordSummary[] }>,
  ): Promise<{ attached: Map<string, string[]>; why: Map<string, string> }> {
    const withFiles = batch.filter(
      (b) =>
        req.receipts !== false &&
        b.o.ramp.receiptIds.length > 0 &&
        b.records.length === 1 &&
        b.o.ramp.companyKey !== null,
    );
    const attached = new Map<string, string[]>();
    const why = new Map<string, string>();
    if (!withFiles.length) return { attached, why };
    const targets = withFiles.map((b) => ({
      ref: externalRef(b.o.ramp.kind, b.o.ramp.rampId),
      companyKey: b.o.ramp.companyKey as string,
      erpId: (b.records[0] as ErpRecordSummary).erpId,
    }));
    stats.erpCalls++;
    const listed = await deps.erp.listAttachments(targets);
    for (const t of targets) attached.set(t.ref, listed.get(t.ref) ?? []);
    const lacking = withFiles.filter((b) => {
      const have = new Set(attached.get(externalRef(b.o.ramp.kind, b.o.ramp.rampId)));
      return b.o.ramp.receiptIds.some((id) => !have.has(id));
    });
    const receiptKinds = new Set(["transaction", "reimbursement", "bill"]);
    const rowsFor = lacking
      .filter((b) => receiptKinds.has(b.o.ramp.kind))
      .map((b) => ({ kind: b.o.ramp.kind as ReceiptKind, rampId: b.o.ramp.rampId }));
    if (rowsFor.length && deps.store.receipts)
      for (const r of await deps.store.receipts.rowsOf(req.tenantId, rowsFor))
        if (r.state !== "attached" && r.reason)
          why.set(
            r.receiptId,
            `${r.state === "given_up" ? "given up" : `failed ${r.attempts}×, retrying`}: ${REASON_TEXT[r.reason]}${r.detail ? ` — ${r.detail}` : ""}`,
          );
    return { attached, why };
  }

  async function lookUp(source: RampSource, page: RampRow[]): Promise<void> {
    const rows = page.filter((r) => req.kinds.includes(r.kind));
    if (!rows.length) return;
    stats.objects += new Set(rows.map((r) => r.rampId)).size;
    stats.ledgerReads++;
    const [ledger, settles] = await Promise.all([
      deps.store.ledger.getMany(req.tenantId, rows),
      source === "transaction"
        ? deps.store.settlesLinks.getMany(
            req.tenantId,
            rows.map((r) => r.rampId),
          )
        : Promise.resolve(new Map<string, unknown>()),
    ]);
    for (const r of rows) {
      // A charge a card-paid bill settles is never posted: Ramp gets the payment's ERP id.
      const ramp = settles.has(r.rampId)
        ? { ...r, recordElsewhere: "settled by its card-paid bill's payment (not expensed again)" }
        : r;
      waiting.push({ ramp, ledger: ledger.get(ledgerKeyOf(r)) });
    }
    if (waiting.length >= ERP_BATCH_REFS) await flushErp();
  }

  const wanted = SOURCES.filter((s) => req.kinds.some((k) => SOURCE_OF_KIND[k] === s));
  for (const source of wanted) {
    let inFlight: Promise<void> = Promise.resolve();
    for await (const page of deps.ramp.pages(source, req.window)) {
      stats.pages[source] = (stats.pages[source] ?? 0) + 1;
      // The previous page's lookups ran while this one was read from Ramp.
      await inFlight;
      inFlight = lookUp(source, page);
      // Unhandled until awaited: keep a rejection from surfacing as unhandled meanwhile.
      inFlight.catch(() => {});
    }
    await inFlight;
  }
  await flushErp();
  return { report: tally.report(req.tenantId, req.window.since), stats };
}
