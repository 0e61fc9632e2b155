/**
 * Regressions for user text that changed the journal's meaning: a Ramp memo,
 * line memo, employee name, invoice number, link or merchant name must never be
 * read by hledger as a date, a tag, a comment, a new line or an amount. Each
 * case posts through the adapter and then asks the real hledger (print -O json,
 * an oracle independent of our parser) what it sees: the posting's own date,
 * only the tags we wrote, and the text back intact once decoded.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createJournalErp, type JournalErp } from "../../lib/erp/journal/adapter.js";
import { readEntries } from "../../lib/erp/journal/entries.js";
import { decodeText } from "../../lib/erp/journal/escape.js";
import { hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import type { BillPosting, CardTransactionPosting, ReimbursementPosting } from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";
import { createDemoJournal } from "../../local/demo-journal.js";
import { type HledgerTransaction, hledgerTransactions } from "../support/hledger-json.js";

const dir = await mkdtemp(join(tmpdir(), "journal-text-safety-"));
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

const DATE = "2026-04-02";

const card = (rampId: string, memo: string | null, lineMemo: string | null): CardTransactionPosting => ({
  kind: "transaction",
  ref: `ramp:transaction:${rampId}`,
  rampId,
  companyKey: "demo",
  date: DATE,
  currency: "USD",
  memo,
  link: null,
  lines: [
    {
      accountRemoteId: "demo:Expenses:Meals",
      amount: money(1_250, "USD"),
      tax: null,
      dimensions: [],
      memo: lineMemo,
    },
  ],
  creditAccountRemoteId: "demo:Liabilities:Ramp Card",
  vendorRemoteId: "demo:Blue Bottle Coffee",
  merchantName: "Blue Bottle",
  originalAmount: null,
});

async function hledgerEntry(erpId: string): Promise<HledgerTransaction> {
  const t = (await hledgerTransactions(path)).find((x) => x.code === erpId);
  if (!t) throw new Error(`${erpId} not in the journal`);
  return t;
}

/** The description after `Payee | `, decoded. */
const descriptionOf = (t: HledgerTransaction) =>
  decodeText(t.description.slice(t.description.indexOf("|") + 1).trim());
const decoded = (tags: Array<[string, string]>) => tags.map(([k, v]) => [k, decodeText(v)]);

const HOSTILE: Array<[string, string]> = [
  ["a bracketed partial date", "lunch [1/2]"],
  ["a bracketed full date", "[2019-01-01] offsite"],
  ["a bracketed date that is no date (month 25)", "team [25/12] dinner"],
  ["a bracketed date pair", "x [2019-01-01=2019-02-02]"],
  ["a date tag", "date:2019-01-01"],
  ["a date tag after a comma", "paid, date:2019-01-01"],
  ["a forged ramp-ref tag", "x, ramp-ref:ramp:transaction:forged, ramp-company:demo-eu"],
  ["a newline and a posting line", "lunch\n    demo:Assets:Bank:Operating  -999.00 USD"],
  ["a lone CR and a directive", "lunch\r; ramp-company: evil | USD | Evil"],
  ["a semicolon", "coffee; 4 people"],
  ["a pipe", "Other Payee | note"],
  ["tabs", "a\tb\t\tc"],
  ["two spaces and an amount", "beans  -5.00 USD"],
  ["leading and trailing spaces", "  padded  "],
  ["a percent escape lookalike", "100%25 sure, 20% tip"],
  ["Unicode line separators and NEL", "a\u2028b\u2029c\u0085d\u000be\u000cf"],
];

describe("a hostile memo and line memo", () => {
  it.each(HOSTILE)(
    "%s: posts on its own date, hledger reads the journal, the text comes back intact",
    async (_, text) => {
      const p = card(`h${n}`, text, text);
      const result = await erp.post(p);
      expect(result.created).toBe(true);
      await hledgerCheck(path);

      const t = await hledgerEntry(result.erpId);
      expect(t.date).toBe(DATE);
      expect(t.postings.map((x) => x.date)).toEqual([DATE, DATE]);
      expect(t.postings.map((x) => x.amounts)).toEqual([["12.50 USD"], ["-12.50 USD"]]);
      expect(t.postings.map((x) => x.account)).toEqual(["demo:Expenses:Meals", "demo:Liabilities:Ramp Card"]);
      // only the tags we wrote, nothing forged or split off from the text
      expect(decoded(t.tags)).toEqual([
        ["ramp-ref", p.ref],
        ["ramp-company", "demo"],
      ]);
      expect(decoded(t.postings[0]?.tags ?? [])).toEqual([["memo", text]]);
      expect(t.postings[1]?.tags).toEqual([]);
      expect(t.description.split("|")[0]?.trim()).toBe("Blue Bottle Coffee");
      expect(descriptionOf(t)).toBe(text);

      // our own reader agrees, and idempotency still finds the entry by its ref
      const ours = readEntries(await readFile(path, "utf8")).entries.find((e) => e.code === result.erpId);
      expect(ours?.description).toBe(text);
      expect(ours?.postings[0]?.tags).toEqual([["memo", text]]);
      expect(await erp.find(p.ref, "demo")).toMatchObject({ erpId: result.erpId, created: false });
      expect(await erp.post(p)).toEqual({ erpId: result.erpId, created: false });
    },
  );
});

describe("other user text in entries", () => {
  it("a merchant name, employee name, invoice number and link land as written", async () => {
    const nasty = "A, date:2019-01-01; [25/12] | x\nB";
    const merchant = await erp.post(card("m1", null, null));
    const reimbursement: ReimbursementPosting = {
      kind: "reimbursement",
      ref: "ramp:reimbursement:r1",
      rampId: "r1",
      companyKey: "demo",
      date: DATE,
      currency: "USD",
      memo: null,
      link: "https://app.ramp.com/r/1?a=1,2;b=[3]",
      employeeName: nasty,
      employeeRemoteId: null,
      lines: [
        {
          accountRemoteId: "demo:Expenses:Travel",
          amount: money(4_000, "USD"),
          tax: null,
          dimensions: [],
          memo: nasty,
        },
      ],
      payableAccountRemoteId: "demo:Liabilities:Reimbursements Payable",
      payment: { date: "2026-04-09", bankAccountRemoteId: "demo:Assets:Bank:Operating" },
    };
    const bill: BillPosting = {
      kind: "bill",
      ref: "ramp:bill:b1",
      rampId: "b1",
      companyKey: "demo",
      date: DATE,
      currency: "USD",
      memo: null,
      link: null,
      vendorRemoteId: "demo:Office Depot",
      invoiceNumber: "[1/2], ramp-ref:ramp:bill:other",
      dueDate: "2026-05-01",
      lines: [
        {
          accountRemoteId: "demo:Expenses:Office Supplies",
          amount: money(900, "USD"),
          tax: null,
          dimensions: [],
          memo: null,
        },
      ],
      payableAccountRemoteId: "demo:Liabilities:Accounts Payable",
    };
    const outcomes = await erp.postBatch([
      { ...card("m2", null, null), merchantName: nasty },
      reimbursement,
      bill,
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    await hledgerCheck(path);

    const ids = outcomes.map((o) => (o.ok ? o.result.erpId : ""));
    const [m2, re, bi] = await Promise.all(ids.map(hledgerEntry));
    expect(descriptionOf(await hledgerEntry(merchant.erpId))).toBe("Card transaction Blue Bottle");
    expect(descriptionOf(m2!)).toBe(`Card transaction ${nasty}`);

    expect(descriptionOf(re!)).toBe(`Reimbursement ${nasty}`);
    expect(decoded(re!.tags)).toEqual([
      ["ramp-ref", "ramp:reimbursement:r1"],
      ["ramp-company", "demo"],
      ["ramp-employee", nasty],
      ["ramp-link", "https://app.ramp.com/r/1?a=1,2;b=[3]"],
    ]);
    // the payment legs carry the one date tag we mean hledger to read
    expect(re!.postings.map((x) => x.date)).toEqual([DATE, DATE, "2026-04-09", "2026-04-09"]);
    expect(decoded(re!.postings[0]!.tags)).toEqual([["memo", nasty]]);

    expect(descriptionOf(bi!)).toBe("Bill [1/2], ramp-ref:ramp:bill:other");
    expect(decoded(bi!.tags)).toEqual([
      ["ramp-ref", "ramp:bill:b1"],
      ["ramp-company", "demo"],
      ["ramp-invoice", "[1/2], ramp-ref:ramp:bill:other"],
      ["ramp-due", "2026-05-01"],
    ]);
    expect(bi!.postings.every((x) => x.date === DATE)).toBe(true);
    expect(await erp.find("ramp:bill:other", "demo")).toBeNull();
  });

  it("a vendor name with syntax in it becomes a payee hledger declares and matches", async () => {
    const v = await erp.createVendor({
      companyKey: "demo",
      name: "  Café;  Zürich | GmbH\n\tdate:2019-01-01 [1/2]\u2028 ",
    });
    expect(v.name).toBe("Café Zürich GmbH date:2019-01-01 [1/2]");
    const bill: BillPosting = {
      kind: "bill",
      ref: "ramp:bill:v1",
      rampId: "v1",
      companyKey: "demo",
      date: DATE,
      currency: "USD",
      memo: "supplies",
      link: null,
      vendorRemoteId: v.remoteId,
      invoiceNumber: null,
      dueDate: null,
      lines: [
        {
          accountRemoteId: "demo:Expenses:Office Supplies",
          amount: money(900, "USD"),
          tax: null,
          dimensions: [],
          memo: null,
        },
      ],
      payableAccountRemoteId: "demo:Liabilities:Accounts Payable",
    };
    const result = await erp.post(bill);
    await hledgerCheck(path);
    const t = await hledgerEntry(result.erpId);
    expect(t.description).toBe(`${v.name} | supplies`);
    expect(t.postings.every((x) => x.date === DATE)).toBe(true);
    const surface = await createJournalErp(path).readSurface();
    expect(surface.vendors.filter((x) => x.name === v.name).map((x) => x.remoteId)).toContain(v.remoteId);
  });
});
