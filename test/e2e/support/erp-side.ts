/**
 * What the drain scenario needs from one ERP, whatever it is: the tenant's ERP
 * configuration and companies, the secrets its handlers read, the deliberate
 * breakages done *in the ERP* (close a period, retire an account), and the
 * read-back used by the assertions (records under a reference, per-account
 * totals of this run's records). One implementation per ERP lives next to it.
 */
import type { CompanyConfig, ErpConfig } from "../../../lib/config/tenant.js";
import type { AttachTarget, ErpPort } from "../../../lib/erp/port.js";

export interface ErpSide {
  name: string;
  erp: ErpConfig;
  /** [company of the first entity, company of the second]; the first is in USD, the second in EUR. */
  companies: [CompanyConfig, CompanyConfig];
  /** The handlers' JOURNAL_ROOT, for a journal ERP (the file is `<root>/<tenant>/<erp.path>`). */
  journalRoot?: string;
  /** Secrets the handlers read (ERP password…), by id. */
  secrets: Record<string, unknown>;
  /** An adapter of our own, to look records up by reference. */
  port: ErpPort;

  /** A date inside a period of the first company that `closePeriod` closes. */
  closedDate: string;
  closePeriod(): Promise<void>;
  /** The message Ramp must show for an object dated `closedDate` (title + how to fix). */
  closedPeriodMessage: string;

  /** An expense account of the first company that is inactive in the ERP (remote id). */
  retiredAccount: string;
  /** Makes it active (so coa-push uploads it and Ramp can code to it), then inactive again. */
  activateRetired(): Promise<void>;
  deactivateRetired(): Promise<void>;
  /** The message Ramp must show for an object coded to the retired account, posted on `date`. */
  retiredAccountMessage(date: string): string;

  /**
   * Makes USD → EUR exactly ×2 for the scenario's dates in the second company's books, so
   * foreign totals are exact in company currency.
   */
  setRates(window: { from: string; to: string }): Promise<void>;

  /** ERP records (moves, invoices, journal entries) carrying this external reference. */
  recordsUnder(refs: readonly string[], companyKey: string): Promise<Map<string, number>>;
  /** Debit − credit per account (remote id), company minor units, over the records of these references. */
  accountTotals(refs: readonly string[], companyKey: string): Promise<Map<string, number>>;

  /**
   * Vendors the drain will create for more than one company at once. The journal tags a created
   * payee with the first company that asked, so the other company's transactions would fail
   * depending on which syncer won the race; the scenario declares such payees shared up front.
   */
  shareVendors(names: readonly string[]): Promise<void>;

  /** The bytes the ERP holds for one receipt attached to a record, read from the ERP itself; null = none. */
  attachedBytes(target: AttachTarget, receiptId: string): Promise<Buffer | null>;

  /** Undo what the scenario changed in a persistent ERP. */
  restore(): Promise<void>;
}
