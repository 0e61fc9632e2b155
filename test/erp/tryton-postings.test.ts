/**
 * Every posting kind against the live trytond, checked in Tryton's own records:
 * the journal, the lines, departments as analytic lines, tax codes as tax lines,
 * invoice totals equal to Ramp's (tax included) and invoice states after payment.
 * Re-posting every kind creates nothing.
 */
import { describe, expect, it } from "vitest";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { fromMajor } from "../../lib/money/index.js";
import { countRef, idOfErp, moveLines, readInvoice, readMove, sides } from "./support/inspect.js";
import { useLiveAdapter } from "./support/live-adapter.js";
import * as P from "./support/postings.js";
import type { Live } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
useLiveAdapter((l, e) => {
  live = l;
  erp = e;
});

const usd = (major: string) => fromMajor(major, "USD");

describe("card transaction", () => {
  it("posts one balanced move in CARD: net lines with departments and tax lines, a tax line, liability gross; refunds swap sides", async () => {
    const c = live.us;
    const p = P.transaction(c, [
      P.line(c, "6100", "100.00", "USD", { tax: ["Purchase Tax 10%", "10.01"], dept: "ENG" }),
      P.line(c, "6200", "-5.00", "USD"),
    ]);
    const r = await erp.post(p);
    expect(r.created).toBe(true);
    const move = await readMove(live, c, idOfErp(r.erpId));
    expect(move).toMatchObject({ state: "posted", description: p.ref, "journal.": { code: "CARD" } });
    const lines = await moveLines(live, c, idOfErp(r.erpId));
    const by = (code: string) => lines.filter((l) => l["account."].code === code);
    expect(sides(lines, "USD")).toEqual([
      ["6100", 10_000, 0],
      ["2200", 1_001, 0],
      ["6200", 0, 500],
      ["2100", 0, 10_501],
    ]);
    expect(by("6100")[0]?.analytic_lines).toHaveLength(1);
    expect(by("6100")[0]?.tax_lines).toHaveLength(1);
    expect(by("2200")[0]?.tax_lines).toHaveLength(1);
    expect(await countRef(live, c, p.ref)).toBe(1);
  });
});

describe("bill, payment, credit note", () => {
  it("posts the supplier invoice with Tryton's tax overridden to Ramp's amount, so totals match exactly", async () => {
    const c = live.us;
    // 10 % of 33.33 is 3.333: Tryton computes 3.33, Ramp says 3.34.
    const p = P.bill(c, [
      P.line(c, "6300", "33.33", "USD", { tax: ["Purchase Tax 10%", "3.34"], dept: "ENG" }),
    ]);
    const r = await erp.post(p);
    expect(r.erpId).toMatch(/^account\.invoice,\d+$/);
    const inv = await readInvoice(live, c, idOfErp(r.erpId));
    expect(inv).toMatchObject({
      state: "posted",
      reference: p.ref,
      untaxed_amount: "33.33",
      tax_amount: "3.34",
      total_amount: "36.67",
    });
    const lines = await moveLines(live, c, inv?.move as number);
    expect(lines.find((l) => l["account."].code === "2000")?.credit).toBe("36.67");
    expect(lines.find((l) => l["account."].code === "6300")?.analytic_lines).toHaveLength(1);
  });

  it("a card-paid bill is cleared against the card liability (no bank payment) and becomes paid", async () => {
    const c = live.us;
    const b = P.bill(c);
    const billResult = await erp.post(b);
    const bankBefore = await live.balance(c, c.accountId("1000"));
    const pay = await erp.post(P.billPayment(c, b, billResult.erpId, usd("110.00"), "card"));
    expect(pay.created).toBe(true);
    expect((await readInvoice(live, c, idOfErp(billResult.erpId)))?.state).toBe("paid");
    const lines = await moveLines(live, c, idOfErp(pay.erpId));
    expect(sides(lines, "USD")).toEqual([
      ["2000", 11_000, 0],
      ["2100", 0, 11_000],
    ]);
    expect(await live.balance(c, c.accountId("1000"))).toBe(bankBefore);
    expect(await erp.findBillPayment(billResult.erpId, c.key)).toBe(pay.erpId);
    // paying again finds the payment, and a paid bill is never paid twice
    expect(await erp.post(P.billPayment(c, b, billResult.erpId, usd("110.00"), "card"))).toMatchObject({
      created: false,
    });
  });

  it("a partial bank payment is attached to the bill, which stays open for the rest", async () => {
    const c = live.us;
    const b = P.bill(c, [P.line(c, "6300", "200.00", "USD")]);
    const billResult = await erp.post(b);
    await erp.post(P.billPayment(c, b, billResult.erpId, usd("50.00")));
    const [inv] = await live.session.rpc.read<{ state: string; amount_to_pay: string }>(
      "account.invoice",
      [idOfErp(billResult.erpId)],
      ["state", "amount_to_pay"],
      live.session.ctx(c.id),
    );
    expect(inv).toMatchObject({ state: "posted", amount_to_pay: "150.00" });
  });

  it("a vendor credit is a supplier credit note (negative in invoice)", async () => {
    const c = live.us;
    const r = await erp.post(P.vendorCredit(c, "25.00"));
    const inv = await readInvoice(live, c, idOfErp(r.erpId));
    expect(inv).toMatchObject({ state: "posted", total_amount: "-25.00" });
  });
});

describe("reimbursement", () => {
  it("books the employee invoice and, when Ramp paid, its payment move reconciled so the invoice is paid", async () => {
    const c = live.us;
    const p = P.reimbursement(c, true);
    const r = await erp.post(p);
    const inv = await readInvoice(live, c, idOfErp(r.erpId));
    expect(inv).toMatchObject({ state: "paid", total_amount: "80.00", reference: p.ref });
    expect(await countRef(live, c, `${p.ref}#payment`)).toBe(1);
    expect(await erp.post(p)).toEqual({ erpId: r.erpId, created: false });
    expect(await countRef(live, c, `${p.ref}#payment`)).toBe(1);
  });
});

describe("idempotency", () => {
  it("re-posting every kind returns the same ERP id and adds no record", async () => {
    const c = live.eu;
    const b = P.bill(c);
    const billResult = await erp.post(b);
    const postings = [
      P.transaction(c),
      b,
      P.billPayment(c, b, billResult.erpId, fromMajor("110.00", "EUR")),
      P.reimbursement(c, false),
      P.transfer(c, "12.00"),
      P.cashback(c, "1.20"),
      P.vendorCredit(c, "9.99"),
    ];
    const first = await erp.postBatch(postings);
    expect(first.map((o) => o.ok)).toEqual(postings.map(() => true));
    const again = await erp.postBatch(postings);
    expect(again).toEqual(
      first.map((o) => (o.ok ? { ok: true, result: { ...o.result, created: false } } : o)),
    );
    for (const p of postings) expect(await countRef(live, c, p.ref), p.kind).toBe(1);
    for (const [i, p] of postings.entries()) {
      const o = first[i];
      expect((await erp.find(p.ref, c.key))?.erpId).toBe(o?.ok ? o.result.erpId : "");
    }
  });

  it("a draft left by an attempt that died between create and post is posted, not duplicated", async () => {
    const c = live.us;
    const p = P.transfer(c, "4.00");
    const rpc = live.session.rpc;
    const ctx = live.session.ctx(c.id);
    const [journal] = await rpc.search("account.journal", [["code", "=", "CASH"]], ctx);
    const [period] = await rpc.search(
      "account.period",
      [
        ["company", "=", c.id],
        ["type", "=", "standard"],
        ["start_date", "<=", p.date],
        ["end_date", ">=", p.date],
      ],
      ctx,
    );
    const amount = { __class__: "Decimal", decimal: "4.00" };
    const zero = { __class__: "Decimal", decimal: "0" };
    const [draftId] = await rpc.create(
      "account.move",
      [
        {
          company: c.id,
          journal,
          period,
          date: {
            __class__: "date",
            ...Object.fromEntries(["year", "month", "day"].map((k, i) => [k, Number(p.date.split("-")[i])])),
          },
          description: p.ref,
          lines: [
            [
              "create",
              [
                { account: c.accountId("2100"), debit: amount, credit: zero },
                { account: c.accountId("1000"), debit: zero, credit: amount },
              ],
            ],
          ],
        },
      ],
      ctx,
    );
    expect(await erp.post(p)).toEqual({ erpId: `account.move,${draftId}`, created: false });
    expect((await readMove(live, c, draftId as number))?.state).toBe("posted");
    expect(await countRef(live, c, p.ref)).toBe(1);
  });
});
