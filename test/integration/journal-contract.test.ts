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
import { hledgerBalance, hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import { createDemoJournal } from "../../local/demo-journal.js";
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
    // A kill during the append's write(2): the hook stops the write short inside the entry, and the
    // throw ends the worker there (what reached the disk stays; nothing cleans it up).
    tearWrite: async (posting) => {
      const dying = createJournalErp(path, {
        crash: (point) => {
          if (point === "erp-created") throw new Error("killed mid-append");
        },
      });
      const [outcome] = await dying.postBatch([posting]);
      return outcome?.ok === false;
    },
    recordsUnder: async (ref) => {
      const { readFile } = await import("node:fs/promises");
      return (await readFile(path, "utf8")).split(`ramp-ref:${ref},`).length - 1;
    },
    // A person copying the entry by hand, tag and code included, at the end of the file.
    plantDuplicate: async (ref) => {
      const { appendFile, readFile } = await import("node:fs/promises");
      const blocks = (await readFile(path, "utf8")).split(/\n\s*\n/);
      const entry = blocks.find((b) => b.includes(`ramp-ref:${ref},`));
      if (!entry) throw new Error(`no entry under ${ref}`);
      await appendFile(path, `\n${entry.trim()}\n`);
    },
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
