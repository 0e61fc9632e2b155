/**
 * A ready-to-use demo journal: two companies (USD and EUR) with a small chart,
 * payees, a Department dimension, sales tax / VAT, exchange rates and a closed
 * 2025. Used by the tests and by the local demo; the matching tenant company
 * configuration is DEMO_COMPANIES.
 */
import { writeFile } from "node:fs/promises";
import type { CompanyConfig } from "../lib/config/tenant.js";

export interface DemoJournalOptions {
  /** Books closed through this date for every company (default 2025-12-31). */
  closedThrough?: string;
  /** Company keys (default demo and demo-eu). */
  usKey?: string;
  euKey?: string;
}

function chart(k: string, tax: string): string[] {
  return [
    `account ${k}:Assets:Bank:Operating  ; type: C, code: 1000`,
    `account ${k}:Liabilities:Ramp Card  ; type: L, code: 2000, ramp-class: CREDCARD`,
    `account ${k}:Liabilities:Accounts Payable  ; type: L, code: 2100`,
    `account ${k}:Liabilities:Reimbursements Payable  ; type: L, code: 2200`,
    `account ${k}:Liabilities:${tax}  ; type: L, code: 2300`,
    `account ${k}:Equity:Opening Balances  ; type: E, code: 3000`,
    `account ${k}:Revenue:Cashback  ; type: R, code: 4900`,
    `account ${k}:Expenses:Meals  ; type: X, code: 6100`,
    `account ${k}:Expenses:Travel  ; type: X, code: 6200`,
    `account ${k}:Expenses:Software  ; type: X, code: 6300`,
    `account ${k}:Expenses:Office Supplies  ; type: X, code: 6400`,
    `account ${k}:Expenses:Advertising  ; type: X, code: 6500, inactive: true`,
  ];
}

export function demoJournalText(opts: DemoJournalOptions = {}): string {
  const us = opts.usKey ?? "demo";
  const eu = opts.euKey ?? "demo-eu";
  const closed = opts.closedThrough ?? "2025-12-31";
  return `${[
    "; Ramp ERP sync demo journal. Check it with: hledger -f <this file> check -s payees",
    "; Conventions: lib/erp/journal/syntax.ts",
    `; ramp-company: ${us} | USD | Demo Inc`,
    `; ramp-company: ${eu} | EUR | Demo Europe GmbH`,
    `; ramp-closed-through: ${us} | ${closed}`,
    `; ramp-closed-through: ${eu} | ${closed}`,
    "; ramp-field: department | Department",
    ...["Engineering | ENG", "Sales | SAL", "Operations | OPS"].map(
      (o) => `; ramp-option: ${us} | department | ${o}`,
    ),
    `; ramp-option: ${us} | department | Marketing | MKT | inactive`,
    `; ramp-option: ${eu} | department | Engineering | ENG`,
    `; ramp-tax: ${us} | SALES10 | 0.10 | ${us}:Liabilities:Sales Tax Payable | Sales tax 10%`,
    `; ramp-tax: ${eu} | VAT19 | 0.19 | ${eu}:Liabilities:VAT Payable | VAT 19%`,
    "",
    "commodity 1000.00 USD",
    "commodity 1000.00 EUR",
    "P 2026-01-01 EUR 1.0850 USD",
    "P 2026-01-01 USD 0.9200 EUR",
    "",
    ...chart(us, "Sales Tax Payable"),
    "",
    ...chart(eu, "VAT Payable"),
    "",
    "payee Ramp  ; ramp-internal: true",
    "payee Office Depot",
    "payee Delta Air Lines",
    "payee Amazon Web Services",
    "payee Blue Bottle Coffee",
    `payee Deutsche Bahn  ; company: ${eu}`,
  ].join("\n")}\n`;
}

export async function createDemoJournal(path: string, opts: DemoJournalOptions = {}): Promise<void> {
  await writeFile(path, demoJournalText(opts), { flag: "wx" });
}

/**
 * A company whose defaults are the demo chart's account names under `key` (erpCompanyId = key).
 * Exported because other local journals (the coa fleet's small charts) use the same names.
 */
export function demoCompany(key: string, currency: string): CompanyConfig {
  return {
    key,
    erpCompanyId: key,
    currency,
    defaults: {
      cardLiability: `${key}:Liabilities:Ramp Card`,
      accountsPayable: `${key}:Liabilities:Accounts Payable`,
      bank: `${key}:Assets:Bank:Operating`,
      reimbursementsPayable: `${key}:Liabilities:Reimbursements Payable`,
      cashbackIncome: `${key}:Revenue:Cashback`,
      defaultExpense: `${key}:Expenses:Office Supplies`,
      fallbackVendor: `${key}:Office Depot`,
    },
  };
}

/** Tenant company configuration matching the demo journal (erpCompanyId = the journal's company key). */
export function demoCompanies(opts: DemoJournalOptions = {}): CompanyConfig[] {
  return [demoCompany(opts.usKey ?? "demo", "USD"), demoCompany(opts.euKey ?? "demo-eu", "EUR")];
}
