/**
 * In-memory ports of the receipts worker (lib/receipts/ports.ts) for unit tests:
 * rows and cursor like lib/store/receipts.ts (an attached row never turns back), a
 * Ramp double serving receipts with URLs that can expire or vanish and counting its
 * calls, a file store the downloader double reads, and an ERP double that does NOT
 * deduplicate attachments (each attach call adds), so what the tests prove is the
 * protocol's own "once", not an adapter's look-before-create.
 */

import type { AttachmentFile, AttachResult, AttachTarget, ErpCapabilities } from "../../lib/erp/port.js";
import { RampApiError } from "../../lib/ramp/errors.js";
import type { DownloadResult } from "../../lib/receipts/download.js";
import type { ReceiptKind } from "../../lib/receipts/message.js";
import type {
  Download,
  ReceiptCursor,
  ReceiptLedgerPort,
  ReceiptRampPort,
  ReceiptRef,
  ReceiptRow,
  ReceiptStorePort,
} from "../../lib/receipts/ports.js";

export function memoryReceiptStore(): ReceiptStorePort & {
  rows: Map<string, ReceiptRow>;
  scopeRecords: number;
} {
  const rows = new Map<string, ReceiptRow>();
  const key = (r: { tenantId: string; kind: string; rampId: string; receiptId: string }) =>
    `${r.tenantId}#${r.kind}#${r.rampId}#${r.receiptId}`;
  let scope: number | null = null;
  let cursor: ReceiptCursor = { createdAfter: null, reimbursementsReadAt: null };
  const self = {
    rows,
    scopeRecords: 0,
    async rowsOf(tenantId: string, objects: readonly { kind: ReceiptKind; rampId: string }[]) {
      const want = new Set(objects.map((o) => `${tenantId}#${o.kind}#${o.rampId}#`));
      return [...rows.entries()]
        .filter(([k]) => [...want].some((w) => k.startsWith(w)))
        .map(([, r]) => ({ ...r }));
    },
    async put(list: readonly ReceiptRow[]) {
      for (const r of list) {
        const prev = rows.get(key(r));
        if (prev?.state === "attached") continue;
        rows.set(key(r), { ...r });
      }
    },
    async listUnattached(tenantId: string, limit: number) {
      return [...rows.values()]
        .filter((r) => r.tenantId === tenantId && r.state !== "attached")
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, limit);
    },
    async recordScopeMissing(_t: string, at: number) {
      if (scope !== null) return false;
      scope = at;
      self.scopeRecords++;
      return true;
    },
    async clearScopeMissing() {
      scope = null;
    },
    async scopeMissingSince() {
      return scope;
    },
    async getCursor() {
      return { ...cursor };
    },
    async putCursor(_t: string, c: ReceiptCursor) {
      cursor = { ...c };
    },
  };
  return self;
}

export interface FakeReceipt {
  id: string;
  transactionId: string | null;
  createdAt: string;
  bytes: Uint8Array;
  /** The URL handed out next expires at once (one download fails "expired"). */
  expireNext?: boolean;
  deleted?: boolean;
  tooLarge?: boolean;
  failTransient?: number;
}

export function fakeRamp(receipts: FakeReceipt[], opts: { at?: (txnId: string) => string } = {}) {
  const byId = new Map(receipts.map((r) => [r.id, r]));
  const calls = { list: 0, get: 0, bill: 0, reimbursements: 0 };
  /** bill id → its invoice files (served under /invoices/). */
  const bills = new Map<string, FakeReceipt[]>();
  let scopeMissing = false;
  const files = new Map<string, FakeReceipt>();
  let seq = 0;
  const urlOf = (r: FakeReceipt, folder = "receipts") => {
    const url = `https://files.example/${folder}/${r.id}?sig=${++seq}`;
    files.set(url, r);
    return url;
  };
  const ref = (r: FakeReceipt): ReceiptRef => ({
    id: r.id,
    createdAt: r.createdAt,
    url: urlOf(r),
    transactionId: r.transactionId,
  });
  const guard = () => {
    if (scopeMissing)
      throw new RampApiError(
        403,
        "FORBIDDEN",
        "missing scope",
        null,
        null,
        "GET",
        "/developer/v1/receipts",
        null,
      );
  };
  const port: ReceiptRampPort = {
    async *receiptPages(f) {
      guard();
      let list = receipts.filter((r) => !r.deleted && r.transactionId);
      if (f.transactionId) list = list.filter((r) => r.transactionId === f.transactionId);
      if (f.createdAfter) list = list.filter((r) => r.createdAt > (f.createdAfter as string));
      if (f.fromDate || f.toDate) {
        const at = opts.at ?? (() => "");
        list = list.filter((r) => {
          const t = at(r.transactionId as string);
          return (!f.fromDate || t >= f.fromDate) && (!f.toDate || t <= f.toDate);
        });
      }
      list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      do {
        calls.list++;
        const page = list.splice(0, 100);
        yield page.map(ref);
      } while (list.length);
    },
    async getReceipt(id) {
      guard();
      calls.get++;
      const r = byId.get(id);
      return r && !r.deleted ? ref(r) : null;
    },
    async billInvoiceUrls(billId) {
      calls.bill++;
      const files = bills.get(billId);
      if (!files) return null;
      return files.filter((f) => !f.deleted).map((f) => urlOf(f, "invoices"));
    },
    async *syncedReimbursements() {
      calls.reimbursements++;
      yield [];
    },
  };
  const download: Download = async (url, { maxBytes }): Promise<DownloadResult> => {
    const path = url.split("?")[0] as string;
    const r = files.get(url) ?? [...files.entries()].find(([u]) => u.split("?")[0] === path)?.[1];
    if (!r || r.deleted) return { ok: false, reason: "gone", detail: "404" };
    if (r.expireNext) {
      r.expireNext = false;
      return { ok: false, reason: "expired", detail: "403" };
    }
    if (r.failTransient && r.failTransient > 0) {
      r.failTransient--;
      return { ok: false, reason: "transient", detail: "503" };
    }
    if (r.tooLarge || r.bytes.byteLength > maxBytes)
      return { ok: false, reason: "too_large", detail: "too large" };
    return { ok: true, bytes: r.bytes, contentType: "application/pdf", ext: "pdf" };
  };
  return {
    port,
    download,
    calls,
    bills,
    byId,
    /** A bill's invoice URL as a listing would show it (for the object's ids). */
    invoiceUrl: (f: FakeReceipt) => urlOf(f, "invoices"),
    setScopeMissing(v: boolean) {
      scopeMissing = v;
    },
  };
}

/** Attachments as an ERP without look-before-create would keep them: every call adds. */
export function nonDedupErp(maxAttachmentBytes = 25 * 1024 * 1024) {
  const attachments: { ref: string; receiptId: string; bytes: Uint8Array }[] = [];
  let down = false;
  return {
    attachments,
    setDown(v: boolean) {
      down = v;
    },
    capabilities: { maxAttachmentBytes } as ErpCapabilities,
    async attach(t: AttachTarget, files: readonly AttachmentFile[]): Promise<AttachResult[]> {
      if (down) {
        const { transientError } = await import("../../lib/erp/port.js");
        throw transientError("UNAVAILABLE", "ERP unavailable");
      }
      return files.map((f) => {
        attachments.push({ ref: t.ref, receiptId: f.receiptId, bytes: f.bytes });
        return { receiptId: f.receiptId, attachmentId: `a${attachments.length}`, created: true };
      });
    },
    async listAttachments(targets: readonly AttachTarget[]) {
      const refs = new Set(targets.map((t) => t.ref));
      const out = new Map<string, string[]>();
      for (const a of attachments)
        if (refs.has(a.ref)) out.set(a.ref, [...(out.get(a.ref) ?? []), a.receiptId]);
      return out;
    },
  };
}

export function memoryLedger(
  posted: Record<string, { erpRef: string; entityId?: string | null }>,
): ReceiptLedgerPort {
  return {
    async postedRefs(_t, kind, ids) {
      const out = new Map<string, { erpRef: string; entityId: string | null }>();
      for (const id of ids) {
        const p = posted[`${kind}#${id}`];
        if (p) out.set(id, { erpRef: p.erpRef, entityId: p.entityId ?? null });
      }
      return out;
    },
  };
}
