/**
 * The journal adapter beyond the shared contract: concurrent writers in one
 * process, hand edits picked up, a Ramp object mapped and posted end to end —
 * each time checked with the real `hledger check -s payees`.
 */
import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import { createJournalErp, type JournalErp } from "../../lib/erp/journal/adapter.js";
import { hledgerBalance, hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import { codingContextFromSurface, mapReimbursement, mapTransaction } from "../../lib/erp/mapping/index.js";
import { money } from "../../lib/money/index.js";
import type { RampTransaction, Selection } from "../../lib/ramp/model.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { demoCardPosting } from "../support/journal-postings.js";

const dir = await mkdtemp(join(tmpdir(), "journal-adapter-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
let path = "";
let erp: JournalErp;
beforeEach(async () => {
  path = join(dir, `t${++n}.journal`);
  await createDemoJournal(path);
  erp = createJournalErp(path);
});

const tx = (rampId: string, minor: number) => demoCardPosting(rampId, minor);

describe("concurrent writers in one process", () => {
  it("fifty concurrent posts of the same ref create exactly one entry", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => erp.post(tx("same", 450))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.erpId)).size).toBe(1);
    const text = await readFile(path, "utf8");
    expect(text.match(/ramp-ref:ramp:transaction:same\b/g)).toHaveLength(1);
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD")).toBe(450);
    await hledgerCheck(path);
  });

  it("concurrent posts through two adapter instances on one file get distinct ids and all land", async () => {
    const other = createJournalErp(path);
    const jobs = Array.from({ length: 40 }, (_, i) => (i % 2 ? erp : other).post(tx(`c${i}`, 100 + i)));
    const batch = erp.postBatch(Array.from({ length: 10 }, (_, i) => tx(`b${i}`, 1)));
    const results = await Promise.all(jobs);
    expect((await batch).every((o) => o.ok && o.result.created)).toBe(true);
    expect(new Set(results.map((r) => r.erpId)).size).toBe(40);
    const expected = Array.from({ length: 40 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0) + 10;
    expect(await hledgerBalance(path, "demo:Expenses:Meals", "USD")).toBe(expected);
    expect(await hledgerBalance(path, "demo:Liabilities:Ramp Card", "USD")).toBe(-expected);
    await hledgerCheck(path);
  });
});

describe("vendors created by the integration", () => {
  it("are shared by every company, so two companies creating the same merchant at once both succeed", async () => {
    const [us, eu] = demoCompanies().map((c) => c.key) as [string, string];
    const made = await Promise.all([
      erp.createVendor({ companyKey: us, name: "Brightline Rail" }),
      erp.createVendor({ companyKey: eu, name: "Brightline Rail" }),
      erp.createVendor({ companyKey: us, name: "Brightline Rail" }),
    ]);
    expect(made.map((v) => v.remoteId)).toEqual([
      `${us}:Brightline Rail`,
      `${eu}:Brightline Rail`,
      `${us}:Brightline Rail`,
    ]);
    const text = await readFile(path, "utf8");
    expect(text.match(/^payee Brightline Rail\b/gm)).toHaveLength(1);
    const surface = await createJournalErp(path).readSurface();
    const ids = surface.vendors
      .filter((v) => v.name === "Brightline Rail")
      .map((v) => v.remoteId)
      .sort();
    expect(ids).toEqual([`${us}:Brightline Rail`, `${eu}:Brightline Rail`].sort());
    await hledgerCheck(path);
  });

  it("leave a vendor the accountant scoped to one company scoped, with an actionable error", async () => {
    await appendFile(path, "\npayee Local Caterer  ; company: demo\n");
    const eu = demoCompanies()[1]!.key;
    await expect(
      createJournalErp(path).createVendor({ companyKey: eu, name: "Local Caterer" }),
    ).rejects.toThrow(/belongs to company demo\. Remove its company tag/);
  });
});

describe("hand edits of the journal", () => {
  it("the strict hledger check really rejects what we must never write (undeclared payee)", async () => {
    await hledgerCheck(path);
    await appendFile(
      path,
      "\n2026-04-03 Nobody Declared Me\n    demo:Expenses:Meals  1.00 USD\n    demo:Assets:Bank:Operating  -1.00 USD\n",
    );
    await expect(hledgerCheck(path)).rejects.toThrow(/payee/i);
  });

  it("an entry added by hand with a ramp-ref is found and not posted again", async () => {
    await erp.post(tx("first", 100));
    await appendFile(
      path,
      "\n2026-04-03 * (J000777) Office Depot | entered by the bookkeeper  ; ramp-ref:ramp:transaction:manual, ramp-company:demo\n    demo:Expenses:Meals  5.00 USD\n    demo:Liabilities:Ramp Card  -5.00 USD\n",
    );
    expect(await erp.find("ramp:transaction:manual", "demo")).toEqual({
      erpId: "J000777",
      created: false,
      state: "complete",
      missing: null,
    });
    expect(await erp.post(tx("manual", 500))).toEqual({ erpId: "J000777", created: false });
    // numbering continues after the highest id in the file
    expect((await erp.post(tx("next", 1))).erpId).toBe("J000778");
    await hledgerCheck(path);
  });

  it("closing a period by editing the closed-through directive takes effect on the next post", async () => {
    await appendFile(path, "\n; ramp-closed-through: demo | 2026-04-30\n");
    await expect(erp.post(tx("late", 100))).rejects.toMatchObject({
      code: "CLOSED_PERIOD",
      category: "user_actionable",
      message: expect.stringContaining("2026-04"),
    });
  });
});

describe("Ramp object → mapping → journal", () => {
  const cfg = parseTenantConfig({
    tenantId: "demo",
    displayName: "Demo",
    ramp: { remoteProviderName: "Journal" },
    erp: { kind: "journal", path: "books.journal" },
    companies: demoCompanies(),
    entities: [{ rampEntityId: "ent-eu", companyKey: "demo-eu" }],
  });
  const sel = (type: string, fieldRemoteId: string, optionRemoteId: string): Selection => ({
    optionRampId: `o-${optionRemoteId}`,
    optionRemoteId,
    optionName: optionRemoteId,
    optionCode: null,
    fieldRampId: `f-${fieldRemoteId}`,
    fieldRemoteId,
    fieldName: fieldRemoteId,
    type,
  });

  it("a tax-inclusive card spend with split lines and a department posts exactly the Ramp amount", async () => {
    const ctx = codingContextFromSurface(await erp.readSurface());
    const t: RampTransaction = {
      id: "tx-e2e-1",
      entityId: null,
      state: "CLEARED",
      syncStatus: "SYNC_READY",
      amount: money(12_345, "USD"),
      originalAmount: null,
      accountingDate: "2026-04-04T00:00:00+00:00",
      userTransactionTime: null,
      merchantId: null,
      merchantName: "Blue Bottle",
      memo: "offsite coffee",
      cardHolder: null,
      limitId: null,
      selections: [
        sel("MERCHANT", "vendors", "demo:Blue Bottle Coffee"),
        sel("TAX_CODE", "tax", "demo:tax/SALES10"),
      ],
      lineItems: [
        {
          amount: money(10_000, "USD"),
          memo: null,
          selections: [sel("GL_ACCOUNT", "gl", "demo:Expenses:Meals")],
        },
        {
          amount: money(2_345, "USD"),
          memo: "beans",
          selections: [
            sel("GL_ACCOUNT", "gl", "demo:Expenses:Travel"),
            sel("OTHER", "field:department", "demo:department/Sales"),
          ],
        },
      ],
      requiresAccountingVendorCreation: false,
      syncedAt: null,
      originalTransactionId: null,
      receiptIds: [],
    };
    const posting = mapTransaction(t, cfg, ctx);
    const result = await erp.post(posting);
    expect(result.created).toBe(true);
    expect(await hledgerBalance(path, "demo:Liabilities:Ramp Card", "USD")).toBe(-12_345);
    expect(
      (await hledgerBalance(path, "demo:Expenses", "USD")) +
        (await hledgerBalance(path, "demo:Liabilities:Sales Tax Payable", "USD")),
    ).toBe(12_345);
    // 100.00 gross at 10 % → 9.09 tax; 23.45 → 2.13
    expect(await hledgerBalance(path, "demo:Liabilities:Sales Tax Payable", "USD")).toBe(909 + 213);
    const text = await readFile(path, "utf8");
    expect(text).toContain(`(${result.erpId}) Blue Bottle Coffee | offsite coffee`);
    expect(text).toContain("department:Sales, memo:beans");
    await hledgerCheck(path);
  });

  it("a paid EUR reimbursement of the second entity clears its payable to its bank", async () => {
    const ctx = codingContextFromSurface(await erp.readSurface());
    const p = mapReimbursement(
      {
        id: "re-1",
        entityId: "ent-eu",
        state: "REIMBURSED",
        type: "OUT_OF_POCKET",
        syncStatus: "SYNC_READY",
        amount: money(4_760, "EUR"),
        accountingDate: "2026-04-01",
        transactionDate: null,
        createdAt: null,
        userId: null,
        userFullName: "Jonas Weber",
        userEmail: null,
        employeeId: null,
        merchant: "Deutsche Bahn",
        memo: null,
        paidAt: "2026-04-09T00:00:00Z",
        selections: [
          sel("GL_ACCOUNT", "gl", "demo-eu:Expenses:Travel"),
          sel("TAX_CODE", "tax", "demo-eu:tax/VAT19"),
        ],
        lineItems: [],
        syncedAt: null,
        receiptIds: [],
      },
      cfg,
      ctx,
    );
    await erp.post(p);
    expect(await hledgerBalance(path, "demo-eu:Expenses:Travel", "EUR")).toBe(4_000);
    expect(await hledgerBalance(path, "demo-eu:Liabilities:VAT Payable", "EUR")).toBe(760);
    expect(await hledgerBalance(path, "demo-eu:Liabilities:Reimbursements Payable", "EUR")).toBe(0);
    expect(await hledgerBalance(path, "demo-eu:Assets:Bank:Operating", "EUR")).toBe(-4_760);
    await hledgerCheck(path);
  });
});
