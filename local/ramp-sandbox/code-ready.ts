/**
 * The "code ready objects against the active chart" control call: after an integration pushed a
 * real ERP's chart into the sandbox, every ready object is re-coded so each selection refers to
 * something that ERP really has (ramp ids, external ids, category info from the upload).
 * Deterministic from a seed. Options: share left without an accounting vendor, spread over
 * entities (with each entity's remote id, respecting `entity_remote_ids` scoping), expense
 * accounts only, dates moved inside the current year.
 */
import { activeApiConnection, addHistory, billSyncReady } from "./business.js";
import { chartFromConnection, forEntity } from "./chart.js";
import { codeObject } from "./coding.js";
import type { Bill, Business, Connection, Entity, Line, SpendObject } from "./model.js";
import { childRng, type Rng } from "./prng.js";

export interface CodeReadyOptions {
  seed?: number;
  /** 0..1: share of transactions and reimbursements left without an accounting-vendor selection. */
  vendorlessShare?: number;
  /** Reassign ready objects across the business's entities (deterministically). */
  spreadEntities?: boolean;
  /** Entity id → remote id (the ERP company/subsidiary it is linked to). */
  entityRemoteIds?: Record<string, string>;
  expenseOnly?: boolean;
  currentYear?: boolean;
  connectionId?: string;
}

export interface CodeReadyResult {
  connection_id: string;
  coded: {
    transactions: number;
    reimbursements: number;
    bills: number;
    vendor_credits: number;
    vendors_linked: number;
  };
}

const DAY = 86_400_000;

function moveEntity(o: { entityId: string; currency: string; lines: Line[] }, e: Entity): void {
  if (o.entityId === e.id) return;
  o.entityId = e.id;
  o.currency = e.currency;
  for (const l of o.lines) l.currency = e.currency;
}

export function codeReadyObjects(biz: Business, now: number, opts: CodeReadyOptions): CodeReadyResult {
  const conn: Connection | null | undefined = opts.connectionId
    ? biz.connections.find((c) => c.id === opts.connectionId)
    : activeApiConnection(biz);
  if (!conn) throw new Error("no active API accounting connection to code against");
  for (const [entityId, remoteId] of Object.entries(opts.entityRemoteIds ?? {})) {
    const e = biz.entities.find((x) => x.id === entityId);
    if (!e) throw new Error(`unknown entity ${entityId}`);
    e.remoteId = remoteId;
  }
  const chart = chartFromConnection(conn, { expenseOnly: opts.expenseOnly ?? true });
  const seed = opts.seed ?? biz.seed;
  const rng: Rng = childRng(seed, "code-ready");
  const vendorless = opts.vendorlessShare ?? 0;
  const year = new Date(now).getUTCFullYear();
  const yearStart = Date.UTC(year, 0, 1);
  const span = Math.max(1, Math.floor((now - yearStart) / DAY));
  const keepDates = opts.currentYear === false;
  const inYear = (t: number) => keepDates || new Date(t).getUTCFullYear() === year;
  const newDate = () => yearStart + rng.int(0, span - 1) * DAY + rng.int(0, DAY - 1);
  const entityFor = (o: SpendObject): Entity => {
    if (opts.spreadEntities && biz.entities.length > 0) return rng.pick(biz.entities);
    return biz.entities.find((e) => e.id === o.entityId) ?? (biz.entities[0] as Entity);
  };
  const result: CodeReadyResult = {
    connection_id: conn.id,
    coded: { transactions: 0, reimbursements: 0, bills: 0, vendor_credits: 0, vendors_linked: 0 },
  };

  for (const r of biz.reimbursements.all()) {
    if (r.status !== "SYNC_READY") continue;
    const e = entityFor(r);
    if (r.entityId !== e.id) r.merchantCurrency = e.currency;
    moveEntity(r, e);
    if (!inYear(r.transactionDate)) {
      r.transactionDate = newDate();
      r.accountingDate = r.transactionDate;
      r.createdAt = r.transactionDate;
      r.submittedAt = r.transactionDate;
      r.approvedAt = r.transactionDate;
    }
    codeObject(rng, chart, r, {
      vendorless: rng.chance(vendorless),
      entityRemoteId: e.remoteId,
      withTax: true,
    });
    addHistory(r, now, "coded_against_active_chart", { connection_id: conn.id });
    result.coded.reimbursements++;
  }
  // Ramp vendors get linked to accounting vendors of the active chart (by name, else by pick),
  // so bills' `vendor.remote_id` names a vendor the ERP has. The link is per entity, chosen among
  // the vendors scoped to that entity's remote id: a multi-company chart holds one vendor of the
  // same name per company, and a bill must name its own company's.
  if (chart.vendors.length > 0) {
    // Its own stream, so linking leaves the coding draws below unchanged.
    const linkRng = childRng(seed, "code-ready-vendor-links");
    for (const v of biz.vendors.all()) {
      const linkIn = (choices: typeof chart.vendors) => {
        const byName = choices.find((c) => c.selection.name === v.name);
        return (byName ?? linkRng.pick(choices)).selection.external_id;
      };
      const byEntity: Record<string, string> = {};
      for (const e of biz.entities) {
        const scoped = forEntity(chart.vendors, e.remoteId);
        if (scoped.length > 0) byEntity[e.id] = linkIn(scoped);
      }
      const primary = biz.entities[0];
      v.accountingVendorRemoteId = (primary ? byEntity[primary.id] : undefined) ?? linkIn(chart.vendors);
      v.accountingVendorRemoteIdByEntity = byEntity;
      result.coded.vendors_linked++;
    }
  }
  for (const b of biz.bills.all()) {
    if (!billSyncReady(b)) continue;
    const e = entityFor(b);
    if (b.payment && b.entityId !== e.id) b.payment.currency = e.currency;
    moveEntity(b, e);
    if (!inYear(b.issuedAt)) {
      const issued = newDate();
      const shift = issued - b.issuedAt;
      b.issuedAt = issued;
      b.accountingDate = issued;
      b.dueAt = issued + 30 * DAY;
      b.createdAt = issued;
      if (b.paidAt !== null) b.paidAt = Math.min(now, b.paidAt + shift);
      if (b.payment) {
        b.payment.paymentDate = Math.min(now, b.payment.paymentDate + shift);
        if (b.payment.effectiveDate !== null)
          b.payment.effectiveDate = Math.min(now, b.payment.effectiveDate + shift);
      }
    }
    codeObject(rng, chart, b, { vendorless: true, entityRemoteId: e.remoteId, withTax: false });
    addHistory(b, now, "coded_against_active_chart", { connection_id: conn.id });
    result.coded.bills++;
  }
  // Card charges that paid a bill follow their bill: same entity, currency and payment date.
  const payerOf = new Map<string, Bill>();
  for (const b of biz.bills.all()) {
    if (b.payment?.kind === "CARD") for (const id of b.payment.transactionIds ?? []) payerOf.set(id, b);
  }
  for (const t of biz.transactions.all()) {
    if (t.status !== "SYNC_READY") continue;
    const bill = payerOf.get(t.id);
    const e = bill ? (biz.entities.find((x) => x.id === bill.entityId) ?? entityFor(t)) : entityFor(t);
    if (t.entityId !== e.id && t.merchantCurrency === t.currency) t.merchantCurrency = e.currency;
    moveEntity(t, e);
    if (bill?.payment) {
      t.merchantMinor = t.merchantCurrency === t.currency ? t.minor : t.merchantMinor;
      t.userTime = bill.payment.paymentDate;
      t.accountingDate = bill.payment.paymentDate;
      t.settlementDate = bill.payment.paymentDate;
      t.createdAt = bill.payment.paymentDate;
    } else if (!inYear(t.userTime)) {
      t.userTime = newDate();
      t.accountingDate = Math.min(now, t.userTime + DAY);
      t.settlementDate = t.accountingDate;
      t.createdAt = t.userTime;
    }
    codeObject(rng, chart, t, {
      vendorless: rng.chance(vendorless),
      entityRemoteId: e.remoteId,
      merchantName: t.merchant.name,
      withTax: true,
    });
    addHistory(t, now, "coded_against_active_chart", { connection_id: conn.id });
    result.coded.transactions++;
  }
  for (const c of biz.vendorCredits.all()) {
    const e = biz.entities.find((x) => x.id === c.entityId) ?? null;
    if (!inYear(c.accountingDate)) c.accountingDate = newDate();
    codeObject(
      rng,
      chart,
      { header: [], lines: c.lines },
      { vendorless: true, entityRemoteId: e?.remoteId ?? null, withTax: false },
    );
    result.coded.vendor_credits++;
  }
  return result;
}
