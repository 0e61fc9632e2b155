/**
 * Attaching an object's receipts to its ERP record (ARCHITECTURE.md, "Receipts").
 * Runs after the object is posted, off the report's path (its own queue and function),
 * and never writes the object itself: only attachments, each keyed by (reference,
 * receipt id), and our receipt rows.
 *
 * For a set of objects (one `attach` message, or a late receipt):
 * 1. rows already settled (attached, given up) are left alone;
 * 2. the ERP is asked what it already holds under those references — one listAttachments
 *    call — so a worker killed between attach and record does not attach twice, whatever
 *    the adapter does (the protocol, not the adapter, dedupes);
 * 3. the rest get their pre-signed URLs: transaction receipts from `GET /receipts` pages of
 *    100 over the objects' transaction-time window where that is cheaper than one
 *    `GET /receipts/{id}` each, reimbursement receipts by id (the list filters by transaction
 *    only), bills' invoice files from a fresh read of the bill;
 * 4. each file is downloaded (streamed, capped, type-checked); an expired URL is refreshed once;
 * 5. files are attached per object, then every outcome is recorded (rules.ts).
 */
import { externalRef } from "../domain/kinds.js";
import { resolveCompany } from "../erp/mapping/company.js";
import { type AttachItem, type AttachOutcome, ErpError } from "../erp/port.js";
import { RampApiError } from "../ramp/errors.js";
import { mapLimit } from "../sync/limit.js";
import type { DownloadResult } from "./download.js";
import { invoiceFileId } from "./invoice-id.js";
import type { ReceiptObject } from "./message.js";
import { RECEIPT_METRIC } from "./metrics.js";
import type { ReceiptDeps, ReceiptRef, ReceiptRow } from "./ports.js";
import { DEFAULT_MAX_RECEIPT_BYTES, type FailReason, isSettled, verdictFor } from "./rules.js";

export { RECEIPT_METRIC };

/** Fewer wanted transaction receipts than this are fetched by id; more, by listing their window. */
export const LIST_THRESHOLD = 5;

export interface AttachRun {
  attached: number;
  bytes: number;
  failed: number;
  /** Some receipt failed transiently and has attempts left: the message should come back. */
  retry: boolean;
  scopeMissing: boolean;
}

interface Todo {
  obj: ReceiptObject;
  receiptId: string;
  prev: ReceiptRow | undefined;
}

type Resolved = { url: string } | { fail: FailReason; detail: string };

const keyOf = (kind: string, rampId: string, receiptId: string) => `${kind}#${rampId}#${receiptId}`;

class ScopeMissing extends Error {}

/** 403 from a receipts read: the app lacks `receipts:read` (REFERENCE.md: a missing scope is 403). */
async function rampRead<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RampApiError && err.status === 403) throw new ScopeMissing();
    throw err;
  }
}

/** Receipt id → URL for transaction receipts: listing their window when cheaper, else by id. */
async function transactionUrls(
  d: ReceiptDeps,
  todos: readonly Todo[],
  known: ReadonlyMap<string, ReceiptRef>,
): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  const wanted = new Set<string>();
  const now = d.clock();
  for (const t of todos) {
    const url = known.get(t.receiptId)?.url ?? d.urls?.get(t.receiptId, now);
    if (url) out.set(t.receiptId, { url });
    else wanted.add(t.receiptId);
  }
  const times = todos.filter((t) => wanted.has(t.receiptId)).map((t) => t.obj.at);
  if (wanted.size >= LIST_THRESHOLD && times.every((x): x is string => x !== null)) {
    const ms = times.map((x) => Date.parse(x)).filter(Number.isFinite);
    // One second either side: `from_date`/`to_date` compare with the transaction time (unknown:
    // whether inclusive), and the window is all that bounds what else the pages carry.
    const fromDate = new Date(Math.min(...ms) - 1000).toISOString();
    const toDate = new Date(Math.max(...ms) + 1000).toISOString();
    for await (const page of d.ramp.receiptPages({ fromDate, toDate })) {
      for (const r of page) {
        d.urls?.put(r.id, r.url, now);
        if (!wanted.has(r.id)) continue;
        out.set(r.id, { url: r.url });
        wanted.delete(r.id);
      }
      if (wanted.size === 0) break;
    }
  }
  await mapLimit([...wanted], 4, async (id) => {
    const r = await d.ramp.getReceipt(id);
    out.set(id, r ? { url: r.url } : { fail: "gone", detail: "receipt not found in Ramp" });
  });
  return out;
}

async function byIdUrls(d: ReceiptDeps, todos: readonly Todo[]): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  await mapLimit(todos, 4, async (t) => {
    const r = await d.ramp.getReceipt(t.receiptId);
    out.set(t.receiptId, r ? { url: r.url } : { fail: "gone", detail: "receipt not found in Ramp" });
  });
  return out;
}

async function billUrls(d: ReceiptDeps, todos: readonly Todo[]): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  const bills = [...new Set(todos.map((t) => t.obj.rampId))];
  await mapLimit(bills, 4, async (billId) => {
    const urls = await d.ramp.billInvoiceUrls(billId);
    const fresh = new Map((urls ?? []).map((u) => [invoiceFileId(u), u]));
    for (const t of todos.filter((x) => x.obj.rampId === billId)) {
      const url = fresh.get(t.receiptId);
      out.set(t.receiptId, url ? { url } : { fail: "gone", detail: "invoice file no longer on the bill" });
    }
  });
  return out;
}

/** A fresh URL for one receipt whose link expired before we read it. */
async function refreshUrl(d: ReceiptDeps, t: Todo): Promise<string | null> {
  if (t.obj.kind === "bill") {
    const urls = await d.ramp.billInvoiceUrls(t.obj.rampId);
    return (urls ?? []).find((u) => invoiceFileId(u) === t.receiptId) ?? null;
  }
  return (await d.ramp.getReceipt(t.receiptId))?.url ?? null;
}

type Fetched = { t: Todo } & (
  | { ok: true; bytes: Uint8Array; contentType: string; ext: string }
  | { ok: false; reason: FailReason; detail: string }
);

async function fetchOne(d: ReceiptDeps, t: Todo, r: Resolved, maxBytes: number): Promise<Fetched> {
  if ("fail" in r) return { t, ok: false, reason: r.fail, detail: r.detail };
  let got: DownloadResult = await d.download(r.url, { maxBytes });
  if (!got.ok && got.reason === "expired") {
    const url = await rampRead(() => refreshUrl(d, t));
    if (!url) return { t, ok: false, reason: "gone", detail: "receipt not found in Ramp" };
    got = await d.download(url, { maxBytes });
  }
  if (got.ok) return { t, ok: true, bytes: got.bytes, contentType: got.contentType, ext: got.ext };
  return { t, ok: false, reason: got.reason, detail: got.detail };
}

export async function attachReceipts(
  d: ReceiptDeps,
  objects: readonly ReceiptObject[],
  known: ReadonlyMap<string, ReceiptRef> = new Map(),
): Promise<AttachRun> {
  const tenantId = d.tenant.tenantId;
  const run: AttachRun = { attached: 0, bytes: 0, failed: 0, retry: false, scopeMissing: false };
  const withReceipts = objects.filter((o) => o.receiptIds.length > 0);
  if (withReceipts.length === 0) return run;
  const rows = await d.store.rowsOf(tenantId, withReceipts);
  const rowBy = new Map(rows.map((r) => [keyOf(r.kind, r.rampId, r.receiptId), r]));
  const todo: Todo[] = [];
  for (const obj of withReceipts)
    for (const receiptId of new Set(obj.receiptIds)) {
      const prev = rowBy.get(keyOf(obj.kind, obj.rampId, receiptId));
      if (!prev || !isSettled(prev)) todo.push({ obj, receiptId, prev });
    }
  if (todo.length === 0) return run;

  const now = d.clock();
  const out: ReceiptRow[] = [];
  const row = (t: Todo, fields: Partial<ReceiptRow> & Pick<ReceiptRow, "state">): ReceiptRow => ({
    tenantId,
    kind: t.obj.kind,
    rampId: t.obj.rampId,
    receiptId: t.receiptId,
    erpRef: t.obj.erpRef,
    attempts: t.prev?.attempts ?? 0,
    createdAt: t.prev?.createdAt ?? now,
    updatedAt: now,
    ...fields,
  });
  const fail = (t: Todo, reason: FailReason, detail: string) => {
    const v = verdictFor(reason, t.prev?.attempts ?? 0);
    run.failed++;
    run.retry ||= v.retry;
    d.metrics.add(RECEIPT_METRIC.failed, "Count", 1, {
      reason,
      final: v.state === "given_up" ? "yes" : "no",
    });
    d.logger.warn("receipt not attached", {
      tenantId,
      kind: t.obj.kind,
      rampId: t.obj.rampId,
      receiptId: t.receiptId,
      reason,
      detail,
      final: v.state === "given_up",
    });
    out.push(row(t, { state: v.state, attempts: v.attempts, reason, detail }));
  };

  const companyOf = new Map<ReceiptObject, string>();
  for (const obj of withReceipts) {
    try {
      companyOf.set(obj, resolveCompany(d.tenant, obj.entityId).key);
    } catch {
      // The object posted, so its entity was mapped then; unmapped since: nothing to attach to.
    }
  }
  const targetOf = (obj: ReceiptObject) => ({
    ref: externalRef(obj.kind, obj.rampId),
    companyKey: companyOf.get(obj) ?? "",
    erpId: obj.erpRef,
  });
  const live = todo.filter((t) => {
    if (companyOf.has(t.obj)) return true;
    fail(t, "erp", "the object's Ramp entity is no longer linked to an ERP company");
    return false;
  });

  // What the ERP already holds (a crash between attach and record): recorded, not attached again.
  const targets = [...new Map(live.map((t) => [t.obj, targetOf(t.obj)])).values()];
  const held = targets.length ? await d.erp.listAttachments(targets) : new Map<string, string[]>();
  const pending = live.filter((t) => {
    if (!(held.get(targetOf(t.obj).ref) ?? []).includes(t.receiptId)) return true;
    out.push(row(t, { state: "attached", attachmentId: t.prev?.attachmentId ?? "found", reason: undefined }));
    return false;
  });

  const maxBytes = Math.min(d.maxBytes ?? DEFAULT_MAX_RECEIPT_BYTES, d.erp.capabilities.maxAttachmentBytes);
  let fetched: Fetched[] = [];
  try {
    const urls = new Map<string, Resolved>();
    const of = (k: ReceiptObject["kind"]) => pending.filter((t) => t.obj.kind === k);
    for (const [id, r] of await rampRead(() => transactionUrls(d, of("transaction"), known))) urls.set(id, r);
    for (const [id, r] of await rampRead(() => byIdUrls(d, of("reimbursement")))) urls.set(id, r);
    for (const [id, r] of await rampRead(() => billUrls(d, of("bill")))) urls.set(id, r);
    fetched = await mapLimit(pending, d.downloadConcurrency ?? 4, (t) =>
      fetchOne(d, t, urls.get(t.receiptId) ?? { fail: "gone", detail: "no URL" }, maxBytes),
    );
  } catch (err) {
    if (!(err instanceof ScopeMissing)) throw err;
    run.scopeMissing = true;
    if (await d.store.recordScopeMissing(tenantId, now)) {
      d.metrics.add(RECEIPT_METRIC.scopeMissing, "Count", 1);
      d.logger.error("Ramp refused receipts:read: receipts are not attached until the scope is granted", {
        tenantId,
      });
    }
    for (const t of pending) fail(t, "scope", "Ramp answered 403 for receipts:read");
    await d.store.put(out);
    return run;
  }
  await d.crash?.("receipt-downloaded", { tenantId, ids: fetched.map((f) => f.t.receiptId) });

  const byObject = new Map<ReceiptObject, Fetched[]>();
  for (const f of fetched) {
    if (!f.ok) fail(f.t, f.reason, f.detail);
    else byObject.set(f.t.obj, [...(byObject.get(f.t.obj) ?? []), f]);
  }
  const items = [...byObject].map(([obj, files]) => ({
    obj,
    ok: files.filter((f): f is Fetched & { ok: true } => f.ok),
  }));
  const outcomes = await attachAll(
    d.erp,
    items.map(({ obj, ok }) => ({
      target: targetOf(obj),
      files: ok.map((f) => ({
        receiptId: f.t.receiptId,
        fileName: `${f.t.receiptId}.${f.ext}`,
        contentType: f.contentType,
        bytes: f.bytes,
      })),
    })),
  );
  await d.crash?.("receipt-attached", {
    tenantId,
    ids: items.flatMap((i, k) => (outcomes[k] instanceof ErpError ? [] : i.ok.map((f) => f.t.receiptId))),
  });
  for (const [k, { obj, ok }] of items.entries()) {
    const outcome = outcomes[k] as AttachOutcome;
    if (outcome instanceof ErpError) {
      const reason: FailReason = outcome.category === "transient" ? "transient" : "erp";
      for (const f of ok) fail(f.t, reason, outcome.title);
      continue;
    }
    for (const [n, f] of ok.entries()) {
      const res = outcome[n];
      run.attached++;
      run.bytes += f.bytes.byteLength;
      d.metrics.add(RECEIPT_METRIC.attached, "Count", 1, { kind: obj.kind });
      d.metrics.add(RECEIPT_METRIC.bytes, "None", f.bytes.byteLength);
      out.push(
        row(f.t, {
          state: "attached",
          attachmentId: res?.attachmentId ?? "attached",
          bytes: f.bytes.byteLength,
          contentType: f.contentType,
          reason: undefined,
          detail: undefined,
        }),
      );
    }
  }
  await d.store.put(out);
  return run;
}

/** Objects per ERP attach call where the ERP batches (ErpPort.attachMany): bounds one rewrite. */
export const ATTACH_BATCH = 200;

/**
 * Every item's files: in batches where the ERP writes many records at once, else one record
 * per call. An ErpError fails its item alone; anything else (a bug) is thrown.
 */
async function attachAll(erp: ReceiptDeps["erp"], items: readonly AttachItem[]): Promise<AttachOutcome[]> {
  const out: AttachOutcome[] = [];
  if (erp.attachMany) {
    for (let k = 0; k < items.length; k += ATTACH_BATCH) {
      const batch = items.slice(k, k + ATTACH_BATCH);
      try {
        out.push(...(await erp.attachMany(batch)));
      } catch (err) {
        if (!(err instanceof ErpError)) throw err;
        out.push(...batch.map(() => err));
      }
    }
    return out;
  }
  for (const item of items) {
    try {
      out.push(await erp.attach(item.target, item.files));
    } catch (err) {
      if (!(err instanceof ErpError)) throw err;
      out.push(err);
    }
  }
  return out;
}
