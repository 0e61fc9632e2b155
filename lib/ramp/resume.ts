/**
 * Page-at-a-time listing of what is ready to sync, for walks that must stop
 * before a Lambda times out and resume later from Ramp's `page.next` URL.
 * The client's list methods are item iterators that hide page boundaries; a
 * poller needs the boundary (the cursor it saves), so this file reads one page
 * per call through the same HTTP road (auth, rate limit, retry).
 */
import * as z from "zod";
import type { Query, RampHttp } from "./http.js";
import { type InvalidObject, readOne } from "./invalid.js";
import type {
  RampBill,
  RampCashback,
  RampReimbursement,
  RampTransaction,
  RampTransfer,
  RampVendorCredit,
} from "./model.js";
import {
  toBill,
  toCashback,
  toReimbursement,
  toTransaction,
  toTransfer,
  toVendorCredit,
} from "./normalise.js";
import { pageSchema } from "./schemas/common.js";
import {
  BillSchema,
  CashbackSchema,
  ReimbursementSchema,
  TransactionSchema,
  TransferSchema,
  VendorCreditSchema,
} from "./schemas/objects.js";

const V1 = "/developer/v1";

/**
 * One listing per Ramp object type; a bill listing feeds two kinds (bill, bill_payment).
 * `bill_payment` is the guide's payment-only narrowing of the bill listing
 * (`sync_status=BILL_SYNCED&sync_ready=true`): bills whose bill phase is in the ERP and whose
 * payment is owed. A walk that wants payments only (`sync-now --kind bill_payment`) reads it
 * instead of every sync-ready bill; a walk that lists `bill` never lists it too (plan.ts).
 */
export type ReadySource =
  | "transaction"
  | "reimbursement"
  | "transfer"
  | "cashback"
  | "bill"
  | "bill_payment"
  | "vendor_credit";

export interface ReadyObjectBySource {
  transaction: RampTransaction;
  reimbursement: RampReimbursement;
  transfer: RampTransfer;
  cashback: RampCashback;
  bill: RampBill;
  bill_payment: RampBill;
  vendor_credit: RampVendorCredit;
}
export type ReadyObject = ReadyObjectBySource[ReadySource];

export interface ReadyListOptions {
  /** Ramp entity id; null/undefined = the whole business. */
  entityId?: string | null;
  /** Sync Button: rows the customer asked to sync (transactions, reimbursements). */
  requestedToSync?: boolean;
  /** 2–100 (Ramp's bounds); default 100, the fewest requests. */
  pageSize?: number;
  /** Vendor credits: `from_created_at` (ISO), the incremental window (lib/poll/credit-window.ts); null = all. */
  fromCreatedAt?: string | null;
}

interface Spec {
  path: string;
  item: z.ZodType;
  map: (wire: never) => ReadyObject;
}

const SPECS: Record<ReadySource, Spec> = {
  transaction: { path: `${V1}/transactions`, item: TransactionSchema, map: toTransaction },
  reimbursement: { path: `${V1}/reimbursements`, item: ReimbursementSchema, map: toReimbursement },
  transfer: { path: `${V1}/transfers`, item: TransferSchema, map: toTransfer },
  cashback: { path: `${V1}/cashbacks`, item: CashbackSchema, map: toCashback },
  bill: { path: `${V1}/bills`, item: BillSchema, map: toBill },
  bill_payment: { path: `${V1}/bills`, item: BillSchema, map: toBill },
  vendor_credit: { path: `${V1}/vendors/credits`, item: VendorCreditSchema, map: toVendorCredit },
};

/**
 * The relative URL of a listing's first page. The filters are the guide's (docs/ramp-api.md, Guide "Ready lists"):
 * `sync_status=SYNC_READY` for transactions, reimbursements, transfers and
 * cashbacks; `sync_ready=true` for bills (Ramp applies the decision table);
 * vendor credits have no sync filter (the ledger is their record): they are listed from a
 * `from_created_at` window with `include_fully_used=true` (docs/ramp-api.md §9.2; Ramp leaves
 * fully used credits out by default, and a credit used up on bills before we saw it still
 * belongs in the ERP, with its applications).
 */
export function readyListStart(source: ReadySource, opts: ReadyListOptions = {}): string {
  const size = Math.min(100, Math.max(2, opts.pageSize ?? 100));
  const query: Query = { entity_id: opts.entityId ?? undefined, page_size: size };
  if (source === "bill") query.sync_ready = true;
  else if (source === "bill_payment") {
    // The guide's payment-only candidates: the bill phase synced, Ramp still owing the payment.
    query.sync_status = "BILL_SYNCED";
    query.sync_ready = true;
  } else if (source === "vendor_credit") {
    query.include_fully_used = true;
    if (opts.fromCreatedAt) query.from_created_at = opts.fromCreatedAt;
  } else if (opts.requestedToSync) query.requested_to_sync = true;
  else query.sync_status = "SYNC_READY";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  return `${SPECS[source].path}?${params.toString()}`;
}

/**
 * A stored cursor as a path on the API host. `page.next` is a full URL on Ramp's
 * host; only its path and query are kept, so a tampered cursor can never send
 * the bearer token elsewhere, and it must stay on the listing it belongs to.
 */
export function cursorPath(source: ReadySource, next: string): string {
  const url = new URL(next, "https://api.invalid");
  if (url.pathname !== SPECS[source].path) {
    throw new Error(`cursor for ${url.pathname} does not belong to the ${source} listing`);
  }
  return url.pathname + url.search;
}

export interface ReadyPage<S extends ReadySource> {
  items: ReadyObjectBySource[S][];
  /** Objects of the page that failed to parse or normalise, in page order (the rest are in `items`). */
  invalid: InvalidObject[];
  /** Relative URL of the next page; null on the last page. */
  next: string | null;
}

/**
 * Only the envelope is checked as a whole: each object is read on its own (readOne), so
 * one object Ramp sends in a shape we cannot read (a 12.345 USD amount, a missing
 * field) costs that object alone — never the page, and so never the entity or kind
 * behind it, nor the cursor.
 */
const EnvelopeSchema = pageSchema(z.unknown()) as unknown as z.ZodType<{
  data: unknown[];
  page?: { next?: string | null } | null;
}>;

/** Reads one page: from the start (`from` = null) or from a saved cursor. Items come back normalised. */
export async function fetchReadyPage<S extends ReadySource>(
  http: RampHttp,
  source: S,
  from: string | null,
  opts: ReadyListOptions = {},
): Promise<ReadyPage<S>> {
  const spec = SPECS[source];
  const path = from === null ? readyListStart(source, opts) : cursorPath(source, from);
  const page = await http.request({ method: "GET", path, schema: EnvelopeSchema });
  const next = page.page?.next ? cursorPath(source, page.page.next) : null;
  const items: ReadyObjectBySource[S][] = [];
  const invalid: InvalidObject[] = [];
  for (const raw of page.data) {
    const r = readOne(raw, spec.item, spec.map as (wire: never) => ReadyObjectBySource[S]);
    if (r.ok) items.push(r.value);
    else invalid.push(r.invalid);
  }
  return { items, invalid, next };
}

export const ReadySourceSchema = z.enum([
  "transaction",
  "reimbursement",
  "transfer",
  "cashback",
  "bill",
  "bill_payment",
  "vendor_credit",
]);
