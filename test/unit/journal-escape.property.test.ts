/**
 * Property tests of the journal's text safety without hledger: escaping is
 * lossless and leaves nothing hledger could read as syntax; payee names are
 * canonical; and any posting with arbitrary user text renders to an entry that
 * our reader reads back exactly as the renderer claims (dates, legs, tags, text).
 * The hledger-backed counterpart is test/integration/journal-text-property.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readEntries } from "../../lib/erp/journal/entries.js";
import { decodeText, escapeText, payeeName, wellFormed } from "../../lib/erp/journal/escape.js";
import { parseJournal } from "../../lib/erp/journal/parse.js";
import { renderPosting } from "../../lib/erp/journal/render.js";
import type {
  BillPosting,
  CardTransactionPosting,
  Posting,
  ReimbursementPosting,
} from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";
import { demoJournalText } from "../../local/demo-journal.js";
import { hostileText } from "../support/hostile-text.js";

const RUNS = { numRuns: 300 };

describe("escapeText / decodeText", () => {
  it("round-trips any text (lone surrogates become U+FFFD, as a UTF-8 file would store them)", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(40), fc.string({ unit: "binary" })), (s) => {
        expect(decodeText(escapeText(s))).toBe(wellFormed(s));
      }),
      RUNS,
    );
  });

  it("leaves nothing hledger reads as syntax: no ; | , [ ], controls, separators, odd or doubled spaces", () => {
    fc.assert(
      fc.property(hostileText(40), (s) => {
        const e = escapeText(s);
        expect(e).not.toMatch(/[;|,[\]]/);
        expect(e).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}\u0085]/u);
        expect(e).not.toMatch(/(?![\u200c\u200d])\p{Cf}/u);
        expect(e).not.toMatch(/[^\S ]|^ | $| {2}/);
        expect(Buffer.from(e, "utf8").toString("utf8")).toBe(e); // well-formed: survives UTF-8
      }),
      RUNS,
    );
  });

  it("keeps ordinary text as typed", () => {
    expect(escapeText("Team lunch: 4 people, 20% tip")).toBe("Team lunch: 4 people%2C 20% tip");
    expect(escapeText("https://app.ramp.com/x?id=1")).toBe("https://app.ramp.com/x?id=1");
    expect(escapeText("Café 👩‍🍳")).toBe("Café 👩‍🍳");
  });
});

describe("payeeName", () => {
  it("is canonical: idempotent, trimmed, single-spaced, free of ; | and line breaks", () => {
    fc.assert(
      fc.property(hostileText(40), (s) => {
        const p = payeeName(s);
        expect(payeeName(p)).toBe(p);
        expect(p).not.toMatch(/[;|\p{Cc}\p{Zl}\p{Zp}\u0085]|^\s|\s$| {2}|[^\S ]/u);
      }),
      RUNS,
    );
  }, 60_000); // a budget for a loaded machine, not a speed claim
});

describe("renderPosting → readEntries", () => {
  const ix = parseJournal(demoJournalText());
  const text = hostileText();
  const maybe = fc.option(text, { nil: null });

  const card = fc.record({ memo: maybe, lineMemo: maybe, merchant: maybe, link: maybe }).map(
    (t): CardTransactionPosting => ({
      kind: "transaction",
      ref: "ramp:transaction:p1",
      rampId: "p1",
      companyKey: "demo",
      date: "2026-04-02",
      currency: "USD",
      memo: t.memo,
      link: t.link,
      lines: [
        {
          accountRemoteId: "demo:Expenses:Meals",
          amount: money(1_234, "USD"),
          tax: { taxCodeRemoteId: "demo:tax/SALES10", amount: money(123, "USD") },
          dimensions: [{ fieldRemoteId: "field:department", optionRemoteId: "demo:department/Sales" }],
          memo: t.lineMemo,
        },
      ],
      creditAccountRemoteId: "demo:Liabilities:Ramp Card",
      vendorRemoteId: "demo:Blue Bottle Coffee",
      merchantName: t.merchant,
      originalAmount: null,
    }),
  );
  const reimbursement = fc.record({ memo: maybe, employee: text, lineMemo: maybe }).map(
    (t): ReimbursementPosting => ({
      kind: "reimbursement",
      ref: "ramp:reimbursement:p2",
      rampId: "p2",
      companyKey: "demo-eu",
      date: "2026-04-02",
      currency: "USD",
      memo: t.memo,
      link: null,
      employeeName: t.employee,
      employeeRemoteId: null,
      lines: [
        {
          accountRemoteId: "demo-eu:Expenses:Travel",
          amount: money(5_000, "USD"),
          tax: null,
          dimensions: [],
          memo: t.lineMemo,
        },
      ],
      payableAccountRemoteId: "demo-eu:Liabilities:Reimbursements Payable",
      payment: { date: "2026-04-09", bankAccountRemoteId: "demo-eu:Assets:Bank:Operating" },
    }),
  );
  const bill = fc.record({ memo: maybe, invoice: maybe, due: maybe }).map(
    (t): BillPosting => ({
      kind: "bill",
      ref: "ramp:bill:p3",
      rampId: "p3",
      companyKey: "demo",
      date: "2026-04-02",
      currency: "USD",
      memo: t.memo,
      link: null,
      vendorRemoteId: "demo:Office Depot",
      invoiceNumber: t.invoice,
      dueDate: t.due,
      lines: [
        {
          accountRemoteId: "demo:Expenses:Software",
          amount: money(990, "USD"),
          tax: null,
          dimensions: [],
          memo: null,
        },
      ],
      payableAccountRemoteId: "demo:Liabilities:Accounts Payable",
    }),
  );

  it("reads back exactly the entry the renderer claims, on the posting's dates, with the text intact", () => {
    fc.assert(
      fc.property(fc.oneof(card, reimbursement, bill), (p: Posting) => {
        const r = renderPosting(ix, p, 7);
        const read = readEntries(r.text);
        expect(read.others).toEqual(r.directives);
        expect(read.entries).toEqual([r.entry]);
        // and the claim itself is the posting, not just whatever was written
        const e = read.entries[0];
        expect(e?.date).toBe(p.date);
        expect(e?.tags.slice(0, 2)).toEqual([
          ["ramp-ref", p.ref],
          ["ramp-company", p.companyKey],
        ]);
        if (p.memo) expect(e?.description).toBe(wellFormed(p.memo));
        const paid = p.kind === "reimbursement" ? 2 : 0;
        const dates = e?.postings.map((x) => x.date) ?? [];
        expect(dates.slice(0, dates.length - paid).every((d) => d === p.date)).toBe(true);
        expect(dates.slice(dates.length - paid).every((d) => d === "2026-04-09")).toBe(true);
        const lineMemo = p.kind === "transaction" || p.kind === "reimbursement" ? p.lines[0]?.memo : null;
        if (lineMemo) expect(e?.postings[0]?.tags.at(-1)).toEqual(["memo", wellFormed(lineMemo)]);
        const indexed = parseJournal(`${demoJournalText()}\n${r.text}`);
        expect(indexed.refs.get(p.ref)).toEqual({ erpId: "J000007", companyKey: p.companyKey });
        expect(indexed.refs.size).toBe(1);
        expect(indexed.companies.size).toBe(2);
      }),
      RUNS,
    );
  }, 60_000); // a budget for a loaded machine, not a speed claim
});
