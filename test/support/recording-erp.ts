/**
 * The protocol test double: an ERP that does NOT deduplicate by reference and
 * records every write, so what the protocol tests prove is the protocol's own
 * guarantee, not the adapter's look-before-create (ARCHITECTURE.md, "Testing the
 * protocol"). Every post creates a new record, in steps like a real ERP's:
 * create (a draft) → post → for a reimbursement Ramp already paid, its payment
 * (create, post, settle) → for a bill payment, the reconciliation. Crash hooks
 * (lib/erp/crash-points.ts) fire between those steps and between the records of
 * a batch; a hook that throws stops the write right there, leaving the record
 * as a killed worker would (nothing is cleaned up).
 *
 * The chart, vendors and bill-payment lookups come from a real adapter (the demo
 * journal), so coa-push and the mapping run unchanged.
 */
import type { ErpCrashHook } from "../../lib/erp/crash-points.js";
import {
  type AttachmentFile,
  type AttachResult,
  type AttachTarget,
  type CodingSurface,
  type ErpCapabilities,
  type ErpPort,
  type ErpRecordSummary,
  type ErpVendor,
  type FoundRecord,
  integratorError,
  type Posting,
  type PostOutcome,
  type PostResult,
} from "../../lib/erp/port.js";
import { type Money, money } from "../../lib/money/index.js";

export interface DoubleRecord {
  id: string;
  ref: string;
  companyKey: string;
  kind: Posting["kind"];
  posted: boolean;
  /** A reimbursement Ramp already paid: its payment move (absent until written). */
  payment: { posted: boolean; settled: boolean } | null;
  needsPayment: boolean;
  /** A bill payment: reconciled with its bill. */
  settled: boolean;
  billErpId: string | null;
  /** What the posting said Ramp shows (signed like the object), and the accounts its expense/debit side hit. */
  amount: Money;
  accountRemoteIds: string[];
}

/** The Ramp amount of a posting: its lines' gross total, or its amount. */
function rampAmountOf(p: Posting): Money {
  if (
    p.kind === "bill_payment" ||
    p.kind === "transfer" ||
    p.kind === "cashback" ||
    p.kind === "credit_application"
  )
    return p.amount;
  const minor = p.lines.reduce((a, l) => a + l.amount.minor + (l.tax?.amount.minor ?? 0), 0);
  return money(minor, p.currency);
}

/** The accounts a posting's expense lines (or its debit side) hit, sorted, unique. */
function debitAccountsOf(p: Posting): string[] {
  if (p.kind === "transfer" || p.kind === "cashback") return [p.debitAccountRemoteId];
  if (p.kind === "bill_payment" || p.kind === "credit_application") return [p.payableAccountRemoteId];
  return [...new Set(p.lines.map((l) => l.accountRemoteId))].sort();
}

export type DoubleWrite =
  | { op: "create" | "post" | "pay-create" | "pay-post" | "settle"; ref: string; id: string }
  | { op: "finish"; ref: string; id: string; state: FoundRecord["state"] };

const isComplete = (r: DoubleRecord) =>
  r.posted &&
  (!r.needsPayment || (r.payment?.posted === true && r.payment.settled)) &&
  (r.kind !== "bill_payment" || r.settled);

export class RecordingErp implements ErpPort {
  readonly type = "recording";
  readonly capabilities: ErpCapabilities;
  readonly records: DoubleRecord[] = [];
  readonly writes: DoubleWrite[] = [];
  crash: ErpCrashHook | undefined;
  private seq = 0;

  constructor(
    private readonly chart: ErpPort,
    opts: { crash?: ErpCrashHook; maxBatchSize?: number } = {},
  ) {
    this.crash = opts.crash;
    this.capabilities = { ...chart.capabilities, batchPosting: true, maxBatchSize: opts.maxBatchSize ?? 25 };
  }

  /** Every attach call's files, never deduplicated: the receipts protocol must not re-attach. */
  readonly attachments: { ref: string; receiptId: string; bytes: Uint8Array }[] = [];

  async attach(target: AttachTarget, files: readonly AttachmentFile[]): Promise<AttachResult[]> {
    return files.map((f) => {
      this.attachments.push({ ref: target.ref, receiptId: f.receiptId, bytes: f.bytes });
      return { receiptId: f.receiptId, attachmentId: `att-${this.attachments.length}`, created: true };
    });
  }

  async listAttachments(targets: readonly AttachTarget[]): Promise<Map<string, string[]>> {
    const wanted = new Set(targets.map((t) => t.ref));
    const out = new Map<string, string[]>();
    for (const a of this.attachments) {
      if (!wanted.has(a.ref)) continue;
      out.set(a.ref, [...(out.get(a.ref) ?? []), a.receiptId]);
    }
    return out;
  }

  readSurface(): Promise<CodingSurface> {
    return this.chart.readSurface();
  }

  createVendor(input: { companyKey: string; name: string }): Promise<ErpVendor> {
    return this.chart.createVendor(input);
  }

  /**
   * Every record under each ref, from the double's own records (the inner port only lends its
   * chart): duplicates the protocol let through show as several summaries.
   */
  async findMany(
    refs: readonly { ref: string; companyKey: string }[],
  ): Promise<Map<string, ErpRecordSummary[]>> {
    const wanted = new Set(refs.map((r) => `${r.companyKey}\u0000${r.ref}`));
    const out = new Map<string, ErpRecordSummary[]>();
    for (const r of this.records) {
      if (!wanted.has(`${r.companyKey}\u0000${r.ref}`)) continue;
      const state: FoundRecord["state"] = !r.posted ? "draft" : isComplete(r) ? "complete" : "partial";
      const summary: ErpRecordSummary = {
        ref: r.ref,
        erpId: r.id,
        companyKey: r.companyKey,
        state,
        amount: r.amount,
        accountRemoteIds: r.accountRemoteIds,
      };
      out.set(r.ref, [...(out.get(r.ref) ?? []), summary]);
    }
    return out;
  }

  async findBillPayment(billErpId: string): Promise<string | null> {
    return this.records.find((r) => r.kind === "bill_payment" && r.billErpId === billErpId)?.id ?? null;
  }

  /** Records under a reference, oldest first (more than one = a duplicate the protocol let through). */
  recordsUnder(ref: string): DoubleRecord[] {
    return this.records.filter((r) => r.ref === ref);
  }

  /** The double needs no posting to judge a record: it was told what the record needs when it was written. */
  async find(ref: string, companyKey: string): Promise<FoundRecord | null> {
    const r = this.records.find((x) => x.ref === ref && x.companyKey === companyKey);
    if (!r) return null;
    const state: FoundRecord["state"] = !r.posted ? "draft" : isComplete(r) ? "complete" : "partial";
    return {
      erpId: r.id,
      created: false,
      state,
      missing: state === "complete" ? null : `${r.kind} ${state}`,
    };
  }

  async post(posting: Posting): Promise<PostResult> {
    const [o] = await this.postBatch([posting]);
    if (!o) throw integratorError("no outcome");
    if (!o.ok) throw o.error;
    return o.result;
  }

  /** Creates a new record for every posting, duplicates included. */
  async postBatch(postings: readonly Posting[]): Promise<PostOutcome[]> {
    const out: PostOutcome[] = [];
    for (const [k, p] of postings.entries()) {
      const r: DoubleRecord = {
        id: `R${String(++this.seq).padStart(6, "0")}`,
        ref: p.ref,
        companyKey: p.companyKey,
        kind: p.kind,
        posted: false,
        payment: null,
        needsPayment: p.kind === "reimbursement" && p.payment !== null,
        settled: false,
        billErpId: p.kind === "bill_payment" ? p.billErpId : null,
        amount: rampAmountOf(p),
        accountRemoteIds: debitAccountsOf(p),
      };
      this.records.push(r);
      this.writes.push({ op: "create", ref: r.ref, id: r.id });
      await this.crash?.("erp-created", { refs: [r.ref] });
      await this.complete(r);
      out.push({ ok: true, result: { erpId: r.id, created: true } });
      if (k < postings.length - 1) await this.crash?.("erp-between", { refs: [r.ref] });
    }
    return out;
  }

  /** Finishes the record a lookup found; never creates a second one. */
  async finishBatch(items: readonly { posting: Posting; found: FoundRecord }[]): Promise<PostOutcome[]> {
    const out: PostOutcome[] = [];
    for (const { posting, found } of items) {
      const r = this.records.find((x) => x.id === found.erpId && x.ref === posting.ref);
      if (!r) {
        out.push({ ok: false, error: integratorError("nothing to finish", found.erpId) });
        continue;
      }
      this.writes.push({ op: "finish", ref: r.ref, id: r.id, state: found.state });
      await this.complete(r);
      out.push({ ok: true, result: { erpId: r.id, created: false } });
    }
    return out;
  }

  /** The steps after create, each skipped when already done. */
  private async complete(r: DoubleRecord): Promise<void> {
    if (!r.posted) {
      r.posted = true;
      this.writes.push({ op: "post", ref: r.ref, id: r.id });
    }
    if (r.needsPayment) {
      if (!r.payment) {
        await this.crash?.("erp-invoiced", { refs: [r.ref] });
        r.payment = { posted: false, settled: false };
        this.writes.push({ op: "pay-create", ref: r.ref, id: r.id });
        await this.crash?.("erp-created", { refs: [r.ref] });
      }
      if (!r.payment.posted) {
        r.payment.posted = true;
        this.writes.push({ op: "pay-post", ref: r.ref, id: r.id });
        await this.crash?.("erp-unsettled", { refs: [r.ref] });
      }
      if (!r.payment.settled) {
        r.payment.settled = true;
        this.writes.push({ op: "settle", ref: r.ref, id: r.id });
      }
    }
    if (r.kind === "bill_payment" && !r.settled) {
      await this.crash?.("erp-unsettled", { refs: [r.ref] });
      r.settled = true;
      this.writes.push({ op: "settle", ref: r.ref, id: r.id });
    }
  }

  async close(): Promise<void> {}

  /** The completeness of every record, for the checks. */
  isComplete(r: DoubleRecord): boolean {
    return isComplete(r);
  }
}
