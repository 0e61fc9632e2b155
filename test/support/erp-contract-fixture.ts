/**
 * What an adapter's test file hands to the shared ERP adapter contract suite
 * (test/support/erp-contract.ts): one port, and the facts about its ERP the
 * suite needs to post every kind and check the result.
 */
import type { Dimension, ErpPort, RemoteId } from "../../lib/erp/port.js";

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
  /** A fresh unique Ramp-like id (UUID), so reruns against a persistent ERP never collide. */
  newRampId(): string;
  teardown(): Promise<void>;
}
