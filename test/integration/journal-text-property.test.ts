/**
 * Property test against the real hledger: vendors with arbitrary Unicode names,
 * then one batch of postings with arbitrary memos, line memos, merchant and
 * employee names, invoice numbers and links. Every object lands (none is refused
 * by the adapter's own read-back), the journal passes `hledger check -s payees`,
 * and hledger's own view (print -O json) has every posting on its intended date,
 * with its amounts, the payee we declared, and the text intact once decoded.
 * Many entries share one journal and one check per run to keep it fast.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createJournalErp } from "../../lib/erp/journal/adapter.js";
import { decodeText, payeeName, wellFormed } from "../../lib/erp/journal/escape.js";
import { hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import type { Posting } from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";
import { createDemoJournal } from "../../local/demo-journal.js";
import { hledgerTransactions } from "../support/hledger-json.js";
import { hostileText } from "../support/hostile-text.js";

const dir = await mkdtemp(join(tmpdir(), "journal-text-property-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = hostileText();
const maybe = fc.option(text, { nil: null });
const item = fc.record({
  kind: fc.constantFrom("transaction", "reimbursement", "bill"),
  vendor: text,
  memo: maybe,
  lineMemo: maybe,
  other: text,
  link: maybe,
  minor: fc.integer({ min: 1, max: 10_000_000 }),
  day: fc.integer({ min: 1, max: 28 }),
});
type Item = typeof item extends fc.Arbitrary<infer T> ? T : never;

const DEFAULT_LABEL = { transaction: "Card transaction", reimbursement: "Reimbursement", bill: "Bill" };

function posting(it: Item, i: number, vendorRemoteId: string | null): Posting {
  const date = `2026-05-${String(it.day).padStart(2, "0")}`;
  const base = {
    ref: `ramp:${it.kind}:prop-${i}`,
    rampId: `prop-${i}`,
    companyKey: "demo",
    date,
    currency: "USD",
    memo: it.memo,
    link: it.link,
  };
  const line = (account: string) => ({
    accountRemoteId: account,
    amount: money(it.minor, "USD"),
    tax: null,
    dimensions: [],
    memo: it.lineMemo,
  });
  switch (it.kind) {
    case "transaction":
      return {
        ...base,
        kind: "transaction",
        lines: [line("demo:Expenses:Meals")],
        creditAccountRemoteId: "demo:Liabilities:Ramp Card",
        vendorRemoteId,
        merchantName: it.other,
        originalAmount: null,
      };
    case "reimbursement":
      return {
        ...base,
        kind: "reimbursement",
        employeeName: it.other,
        employeeRemoteId: null,
        lines: [line("demo:Expenses:Travel")],
        payableAccountRemoteId: "demo:Liabilities:Reimbursements Payable",
        payment: null,
      };
    default:
      return {
        ...base,
        kind: "bill",
        vendorRemoteId: vendorRemoteId ?? "demo:Office Depot",
        invoiceNumber: it.other,
        dueDate: null,
        lines: [line("demo:Expenses:Software")],
        payableAccountRemoteId: "demo:Liabilities:Accounts Payable",
      };
  }
}

/** What the description must read back as: the memo, else the kind label and the name hledger shows with it. */
function description(it: Item): string {
  const memo = it.memo === null ? null : wellFormed(it.memo);
  if (memo !== null) return memo || DEFAULT_LABEL[it.kind];
  const other = wellFormed(it.other);
  if (it.kind === "reimbursement") return `Reimbursement ${other}`;
  return other ? `${DEFAULT_LABEL[it.kind]} ${other}` : DEFAULT_LABEL[it.kind];
}

let run = 0;
describe("arbitrary Unicode memos, payees and descriptions through the adapter and hledger", () => {
  it("every object lands on its date with its amounts and text, and the journal passes hledger check", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 10, maxLength: 40 }), async (items) => {
        const path = join(dir, `run${++run}.journal`);
        await createDemoJournal(path);
        const erp = createJournalErp(path);
        const vendors: Array<string | null> = [];
        for (const it of items) {
          // an empty canonical name is refused (nothing to call the vendor); post without one then
          vendors.push(
            payeeName(it.vendor)
              ? (await erp.createVendor({ companyKey: "demo", name: it.vendor })).remoteId
              : null,
          );
        }
        const postings = items.map((it, i) => posting(it, i, vendors[i] ?? null));
        const outcomes = await erp.postBatch(postings);
        expect(outcomes.map((o) => (o.ok ? "ok" : o.error.title))).toEqual(items.map(() => "ok"));
        await hledgerCheck(path);

        const byCode = new Map((await hledgerTransactions(path)).map((t) => [t.code, t]));
        outcomes.forEach((o, i) => {
          const it = items[i] as Item;
          const p = postings[i] as Posting;
          const t = o.ok ? byCode.get(o.result.erpId) : undefined;
          expect(t?.date).toBe(p.date);
          expect(t?.postings.map((x) => x.date)).toEqual([p.date, p.date]);
          const amount = money(it.minor, "USD");
          expect(t?.postings.map((x) => x.amounts[0])).toEqual([
            `${(amount.minor / 100).toFixed(2)} USD`,
            `${(-amount.minor / 100).toFixed(2)} USD`,
          ]);
          const bar = t?.description.indexOf("|") ?? -1;
          // reimbursements are the employee's, not a vendor's: the internal payee
          const vendor =
            p.kind === "reimbursement"
              ? "Ramp"
              : vendors[i]
                ? payeeName(it.vendor)
                : p.kind === "bill"
                  ? "Office Depot"
                  : "Ramp";
          expect(t?.description.slice(0, bar).trim()).toBe(vendor);
          expect(decodeText(t?.description.slice(bar + 1).trim() ?? "")).toBe(description(it));
          const tags = (t?.tags ?? []).map(([k, v]) => [k, decodeText(v)]);
          expect(tags.slice(0, 2)).toEqual([
            ["ramp-ref", p.ref],
            ["ramp-company", "demo"],
          ]);
          if (it.link) expect(tags.at(-1)).toEqual(["ramp-link", wellFormed(it.link)]);
          const lineTags = (t?.postings[0]?.tags ?? []).map(([k, v]) => [k, decodeText(v)]);
          expect(lineTags).toEqual(it.lineMemo ? [["memo", wellFormed(it.lineMemo)]] : []);
        });
        await rm(path);
      }),
      { numRuns: 6 },
    );
  });
});
