/**
 * What reconciliation (`ops reconcile`, and later the demo) reads, declared
 * here as small ports so the use case never sees a client, a table or a file:
 * Ramp's side as plain rows, the ledger rows and settles-links of those
 * objects, and the ERP's records under their external references.
 * Types only: nothing here runs.
 */
import type { Kind } from "../domain/kinds.js";
import type { AttachTarget, ErpRecordSummary } from "../erp/port.js";
import type { Money } from "../money/index.js";
import type { ReceiptStorePort } from "../receipts/ports.js";
import type { LedgerItem } from "../sync/ports.js";

/** One Ramp listing; the bill listing feeds two kinds (bill, bill_payment). */
export type RampSource = "transaction" | "reimbursement" | "transfer" | "cashback" | "bill" | "vendor_credit";

export const SOURCE_OF_KIND: Record<Kind, RampSource> = {
  transaction: "transaction",
  bill: "bill",
  bill_payment: "bill",
  reimbursement: "reimbursement",
  transfer: "transfer",
  cashback: "cashback",
  vendor_credit: "vendor_credit",
  // Read from the bills that carry them; reconcile does not hold them against Ramp yet.
  credit_application: "bill",
};

/** The objects to hold against each other: those dated on or after `since` (YYYY-MM-DD), or all. */
export interface ReconcileWindow {
  since: string | null;
}

/** One kind of one Ramp object, as reconciliation needs it (every sync status, not just ready). */
export interface RampRow {
  kind: Kind;
  rampId: string;
  entityId: string | null;
  /** The ERP company the syncer posts it to; null when its entity is mapped to none (it cannot post). */
  companyKey: string | null;
  /** Ramp shows this phase synced; null for vendor credits (Ramp has no sync status: the ledger is their record). */
  synced: boolean | null;
  /** What the ERP record must total (the posting's amount, signed like the object). */
  amount: Money;
  /**
   * The GL accounts the posting's expense lines hit (per line its GL selection, else the
   * header's, else the company's default expense), sorted and unique; null when Ramp carries
   * no GL coding for the kind (bill payments, transfers, cashbacks) or a selection is not
   * linked to the ERP.
   */
  accountRemoteIds: string[] | null;
  /**
   * Why no record under this object's own reference is expected even once synced (a
   * PAID_IN_ERP bill payment: the ERP's own payment is reported); null otherwise.
   */
  recordElsewhere: string | null;
  /**
   * The files the ERP record should carry (lib/receipts): receipt ids of transactions and
   * reimbursements, invoice-file ids of bills; empty for kinds without any.
   */
  receiptIds: string[];
}

export interface RampSide {
  /** The rows of one listing in the window, one page (≤ 100 objects) at a time. */
  pages(source: RampSource, window: ReconcileWindow): AsyncIterable<RampRow[]>;
}

/** The ledger fields reconciliation judges by. */
export type LedgerRow = Pick<
  LedgerItem,
  "kind" | "rampId" | "state" | "leaseUntil" | "syncedElsewhere" | "updatedAt" | "erpRef" | "history"
>;

export interface ReconcileStore {
  /** Batched reads of many rows, keyed `<kind>#<rampId>` (ledgerKeyOf); missing rows absent. */
  ledger: {
    getMany(
      tenantId: string,
      keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
    ): Promise<Map<string, LedgerRow>>;
  };
  /** Card charges a card-paid bill's payment settles (they are never posted themselves), keyed by transaction id. */
  settlesLinks: {
    getMany(tenantId: string, transactionIds: readonly string[]): Promise<Map<string, unknown>>;
  };
  /** Why a receipt is not attached (its row: too large, deleted…); absent = not read. */
  receipts?: Pick<ReceiptStorePort, "rowsOf">;
}

export interface ReconcileErp {
  findMany(refs: readonly { ref: string; companyKey: string }[]): Promise<Map<string, ErpRecordSummary[]>>;
  /** The receipt ids attached under each record (one call per batch of references). */
  listAttachments(targets: readonly AttachTarget[]): Promise<Map<string, string[]>>;
}
