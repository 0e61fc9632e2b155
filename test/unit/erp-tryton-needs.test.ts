import { describe, expect, it } from "vitest";
import { collectNeeds, Needs } from "../../lib/erp/tryton/needs.js";
import type { CompanyInfo } from "../../lib/erp/tryton/refs.js";
import { money } from "../../lib/money/index.js";
import { bill, billPayment, reimbursement, transaction, transfer } from "./erp-tryton-postings.js";

const us: CompanyInfo = { key: "us", id: 1, name: "Acme Corp", currency: "USD", currencyId: 1 };
const collect = (...postings: Parameters<typeof collectNeeds>[0][]) => {
  const needs = new Needs();
  for (const p of postings) collectNeeds(p, us, needs);
  return needs;
};

describe("collectNeeds (lib/erp/tryton/needs.ts: what Refs.load reads for a batch)", () => {
  it("collects a card transaction's accounts, department and tax by Tryton id", () => {
    const n = collect(transaction("t1"));
    expect([...n.accounts].sort((a, b) => a - b)).toEqual([2100, 6100]);
    expect([...n.options]).toEqual([3]);
    expect([...n.taxes]).toEqual([1]);
    expect([...n.dates]).toEqual(["2026-03-02"]);
    expect(n.rates.size).toBe(0);
  });

  it("skips other companies' and malformed remote ids (reported when the posting is built)", () => {
    const p = transaction("t1", { creditAccountRemoteId: "eu:2100" });
    const line = p.lines[0];
    if (!line) throw new Error("fixture has a line");
    p.lines = [{ ...line, accountRemoteId: "us:six", tax: null, dimensions: [] }];
    const n = collect(p);
    expect([...n.accounts]).toEqual([]);
    expect([...n.options]).toEqual([]);
    expect([...n.taxes]).toEqual([]);
  });

  it("asks for a rate for each foreign currency and date, never for the company's own", () => {
    const eurCard = transaction("t2", { currency: "EUR", originalAmount: money(900, "GBP") });
    const n = collect(eurCard, transaction("t3"));
    expect([...(n.rates.get("2026-03-02") ?? [])].sort()).toEqual(["EUR", "GBP"]);
  });

  it("collects each kind's own accounts, parties and payment dates", () => {
    expect([...collect(bill("b1")).accounts]).toEqual([2000]);
    expect([...collect(bill("b1")).parties]).toEqual([7]);
    expect([...collect(billPayment("p1")).accounts]).toEqual([1000]);
    expect([...collect(transfer("x1")).accounts]).toEqual([2100, 1000]);
    const paid = collect(reimbursement("r1", true));
    expect([...paid.accounts]).toEqual([2300, 1000]);
    expect([...paid.dates]).toEqual(["2026-03-02", "2026-03-05"]);
    expect([...collect(reimbursement("r2", false)).dates]).toEqual(["2026-03-02"]);
  });
});
