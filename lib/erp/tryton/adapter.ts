/**
 * The Tryton 6.0 adapter of the ERP port.
 *
 * Where each kind lands (journal codes from the config):
 * - transaction: account.move in CARD, expense lines (departments as analytic
 *   lines, tax as a separate line with tax lines) against the card liability;
 * - transfer: move in CASH, card liability ← bank; cashback: move in CARD,
 *   card liability ← cashback income;
 * - bill / vendor credit: supplier invoice / credit note ("in" invoice), posted;
 * - bill payment: payment move in CASH reconciled with the bill (card-paid
 *   bills credit the card liability instead of the bank);
 * - reimbursement: "in" invoice to the employee's party, plus its payment move
 *   (`<ref>#payment`) when Ramp already paid the employee.
 *
 * Idempotency: look-before-create by the external ref, stored in
 * `account.move.description` or `account.invoice.reference` and searched with
 * `=` (exact). Tryton has no unique constraint on these fields (docs/tryton.md
 * pitfall 14), so callers must serialise work per ref (the syncer's per-object
 * lock); capabilities.maxConcurrency is 1 for the same reason and because
 * trytond on SQLite serialises writers anyway.
 */
import { assertAttachable, attachChecked } from "../attachment-names.js";
import type { ErpCrashHook } from "../crash-points.js";
import {
  type AttachItem,
  type AttachmentFile,
  type AttachOutcome,
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
} from "../port.js";
import { attach, attachMany, listAttachments } from "./attachments.js";
import { postBatch } from "./batch.js";
import { findWithState } from "./completeness.js";
import type { TrytonConfig } from "./config.js";
import { TrytonCore } from "./core.js";
import { findMany } from "./find-many.js";
import { findBillPayment } from "./lookup.js";
import { createVendor } from "./parties.js";
import type { CompanyInfo } from "./refs.js";
import type { TrytonSession } from "./session.js";
import { readSurface } from "./surface.js";

/**
 * The façade: the ERP port over one TrytonCore (core.ts). Each port call is one
 * module: lookups (lookup.ts, completeness.ts), posting (batch.ts, with
 * move-chunks.ts and documents.ts), vendors (parties.ts), the chart (surface.ts).
 */
export class TrytonErp implements ErpPort {
  readonly type = "tryton";
  readonly capabilities: ErpCapabilities;
  readonly session: TrytonSession;
  private readonly core: TrytonCore;

  constructor(config: TrytonConfig, deps: { fetch?: typeof fetch; crash?: ErpCrashHook } = {}) {
    this.core = new TrytonCore(config, deps);
    this.session = this.core.session;
    this.capabilities = {
      batchPosting: true,
      maxBatchSize: this.core.settings.maxBatchSize,
      foreignCurrency: "convert_at_erp_rate",
      supplierInvoices: true,
      creditNotes: true,
      dimensions: true,
      taxes: true,
      vendorCreation: true,
      maxAttachmentBytes: 25 * 1024 * 1024,
      maxConcurrency: 1,
    };
  }

  /** The configured company for a key, with its name and currency (cached). */
  company(key: string): Promise<CompanyInfo> {
    return this.core.company(key);
  }

  readSurface(): Promise<CodingSurface> {
    return this.core.guard("reading the chart of accounts", () =>
      readSurface(
        this.session,
        this.core.settings.companies.map((c) => ({ key: c.key, id: Number(c.erpCompanyId) })),
      ),
    );
  }

  find(ref: string, companyKey: string, posting?: Posting): Promise<FoundRecord | null> {
    return findWithState(this.core, ref, companyKey, posting);
  }

  findMany(refs: readonly { ref: string; companyKey: string }[]): Promise<Map<string, ErpRecordSummary[]>> {
    return findMany(this.core, refs);
  }

  findBillPayment(billErpId: string, companyKey: string): Promise<string | null> {
    return findBillPayment(this.core, billErpId, companyKey);
  }

  createVendor(input: { companyKey: string; name: string }): Promise<ErpVendor> {
    return createVendor(this.core, input);
  }

  async post(posting: Posting): Promise<PostResult> {
    const [outcome] = await this.postBatch([posting]);
    if (!outcome) throw integratorError("postBatch returned no outcome");
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * postBatch is already look-before-create and finishes what it finds unfinished (posts
   * stale drafts, recreates a draft invoice, adds a missing payment, reconciles): finishing
   * a takeover goes through exactly that path.
   */
  finishBatch(items: readonly { posting: Posting; found: FoundRecord }[]): Promise<PostOutcome[]> {
    return this.postBatch(items.map((i) => i.posting));
  }

  postBatch(postings: readonly Posting[]): Promise<PostOutcome[]> {
    return postBatch(this.core, postings);
  }

  /** Receipts as ir.attachment records on the move or invoice (attachments.ts). */
  async attach(target: AttachTarget, files: readonly AttachmentFile[]): Promise<AttachResult[]> {
    assertAttachable(files, this.capabilities.maxAttachmentBytes);
    return attach(this.core, target, files);
  }

  /** A receipts run's records in a few JSON-RPC calls (attachments.ts attachMany). */
  attachMany(items: readonly AttachItem[]): Promise<AttachOutcome[]> {
    return attachChecked(items, this.capabilities.maxAttachmentBytes, (ok) => attachMany(this.core, ok));
  }

  listAttachments(targets: readonly AttachTarget[]): Promise<Map<string, string[]>> {
    return listAttachments(this.core, targets);
  }

  async close(): Promise<void> {
    await this.session.rpc.logout().catch(() => undefined);
  }
}
