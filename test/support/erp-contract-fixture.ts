/**
 * What an adapter's test file hands to the shared ERP adapter contract suite
 * (test/support/erp-contract.ts): one port, and the facts about its ERP the
 * suite needs to post every kind and check the result.
 */
import type { Dimension, ErpPort, Posting, RemoteId } from "../../lib/erp/port.js";

/**
 * An incomplete record, as a worker killed inside its ERP write leaves it behind:
 * - `draft`: created, never posted (killed between create and post);
 * - `partial`: posted, a later step missing (a reimbursement Ramp already paid whose
 *   payment is not in the ERP; a bill payment not reconciled with its bill).
 */
export type IncompleteState = "draft" | "partial";

export interface ContractFixture {
  port: ErpPort;
  /** A company whose functional currency is `currency`. */
  companyKey: string;
  currency: string;
  /** A second currency the ERP can convert (e.g. EUR in a USD company), or null if the adapter refuses foreign documents. */
  foreignCurrency: string | null;
  accounts: {
    expense: RemoteId;
    expense2: RemoteId;
    cardLiability: RemoteId;
    bank: RemoteId;
    payable: RemoteId;
    reimbursementsPayable: RemoteId;
    cashbackIncome: RemoteId;
    /** An account that exists but is inactive, if the ERP has the notion. */
    inactive: RemoteId | null;
  };
  vendor: RemoteId;
  /** A dimension option (department) valid in this company, if the ERP has dimensions. */
  dimension: Dimension | null;
  /** A tax code valid in this company and its rate as a decimal string ("0.10"), if the ERP has taxes. */
  tax: { taxCodeRemoteId: RemoteId; rate: string } | null;
  /** A date (YYYY-MM-DD) inside a closed accounting period, if the ERP can close periods; else null. */
  closedPeriodDate: string | null;
  /** An open date for normal postings (YYYY-MM-DD). */
  openDate: string;
  /** Balance of an account in company-currency minor units, debit positive. */
  balance(account: RemoteId): Promise<number>;
  /**
   * Optional: makes the ERP hold an incomplete record for `posting` (a write torn the way
   * a kill tears it: nothing after the tear runs, no clean-up). Resolves false when this
   * ERP cannot be left in that state for that kind. Adapters without torn writes to
   * simulate (yet) leave it undefined; the record-state tests are then skipped.
   */
  leaveIncomplete?(posting: Posting, state: IncompleteState): Promise<boolean>;
  /**
   * Optional: posts `posting` with the write cut off by a kill partway (a short write), where
   * the adapter's writes can be cut (the journal's append); false when it has no such write.
   */
  tearWrite?(posting: Posting): Promise<boolean>;
  /** Optional: how many ERP records carry exactly this reference (the duplicate check). */
  recordsUnder?(ref: string): Promise<number>;
  /** A fresh unique Ramp-like id (UUID), so reruns against a persistent ERP never collide. */
  newRampId(): string;
  teardown(): Promise<void>;
}
