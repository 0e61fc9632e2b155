/**
 * The shared ERP adapter contract against the embedded journal ERP, on a fresh
 * demo journal in a temp dir; balances come from the real hledger, and the file
 * must pass `hledger check -s payees` after the whole suite.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createJournalErp } from "../../lib/erp/journal/adapter.js";
import { createDemoJournal } from "../../lib/erp/journal/demo.js";
import { hledgerBalance, hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import { erpContractSuite } from "../support/erp-contract.js";

const dir = await mkdtemp(join(tmpdir(), "journal-contract-"));
const path = join(dir, "tenant.journal");
await createDemoJournal(path);

erpContractSuite("journal", async () => {
  const k = "demo";
  return {
    port: createJournalErp(path),
    companyKey: k,
    currency: "USD",
    foreignCurrency: "EUR",
    accounts: {
      expense: `${k}:Expenses:Meals`,
      expense2: `${k}:Expenses:Travel`,
      cardLiability: `${k}:Liabilities:Ramp Card`,
      bank: `${k}:Assets:Bank:Operating`,
      payable: `${k}:Liabilities:Accounts Payable`,
      reimbursementsPayable: `${k}:Liabilities:Reimbursements Payable`,
      cashbackIncome: `${k}:Revenue:Cashback`,
      inactive: `${k}:Expenses:Advertising`,
    },
    vendor: `${k}:Office Depot`,
    dimension: { fieldRemoteId: "field:department", optionRemoteId: `${k}:department/Engineering` },
    tax: { taxCodeRemoteId: `${k}:tax/SALES10`, rate: "0.10" },
    closedPeriodDate: "2025-12-15",
    openDate: "2026-03-10",
    balance: (account) => hledgerBalance(path, account, "USD"),
    newRampId: () => randomUUID(),
    teardown: async () => {},
  };
});

describe("the journal written by the contract suite", () => {
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it("passes hledger's strict check (declared accounts, commodities, payees; balanced)", async () => {
    await expect(hledgerCheck(path)).resolves.toBeUndefined();
  });
});
