/**
 * Companies and currencies: an EUR posting in Acme Europe, and EUR documents in
 * the USD company Acme Corp, converted at Tryton's own rate. Our conversion
 * (lib/erp/tryton/fx.ts, one rate lookup per batch) must give exactly what
 * Tryton's `currency.currency.compute` gives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErpError } from "../../lib/erp/port.js";
import { convertMinor, type TrytonErp } from "../../lib/erp/tryton/index.js";
import { tagDate, tagDecimal } from "../../lib/erp/tryton/wire.js";
import { fromMajor, money, toMajorString } from "../../lib/money/index.js";
import { idOfErp, moveLines, readInvoice, readMove, sides } from "./support/inspect.js";
import * as P from "./support/postings.js";
import { connectLive, type Live, today } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
const eur = (major: string) => fromMajor(major, "EUR");

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
});
afterAll(async () => {
  await erp?.close();
});

/** Tryton's own conversion of an EUR amount to USD on `date`. */
async function compute(minor: number, date: string): Promise<number> {
  const [eurRow, usdRow] = await Promise.all(
    ["EUR", "USD"].map(
      async (code) => (await live.session.rpc.search("currency.currency", [["code", "=", code]]))[0],
    ),
  );
  const out = (await live.session.rpc.model(
    "currency.currency",
    "compute",
    [eurRow, tagDecimal(toMajorString(money(minor, "EUR"))), usdRow],
    live.session.ctx(live.us.id, { date: tagDate(date) }),
  )) as string;
  return fromMajor(out, "USD").minor;
}

async function rate(code: string, date: string): Promise<string> {
  const [row] = await live.session.rpc.searchRead<{ rate: string }>(
    "currency.currency",
    [["code", "=", code]],
    ["rate"],
    live.session.ctx(live.us.id, { date: tagDate(date) }),
  );
  return row?.rate ?? "";
}

describe("exchange", () => {
  it("our exact conversion equals Tryton's currency.compute", async () => {
    const date = today();
    const from = { exponent: 2, rate: await rate("EUR", date) };
    const to = { exponent: 2, rate: await rate("USD", date) };
    for (const minor of [1, 5, 50, 5_000, 10_000, 12_345, 99_999, -777]) {
      expect(convertMinor(minor, from, to), String(minor)).toBe(await compute(minor, date));
    }
  });
});

describe("Acme Europe (EUR company)", () => {
  it("posts an EUR card transaction in the EUR company with no second currency, numbered in its sequence", async () => {
    const c = live.eu;
    const r = await erp.post(P.transaction(c, [P.line(c, "6100", "19.99", "EUR", { dept: "SALES" })]));
    const lines = await moveLines(live, c, idOfErp(r.erpId));
    expect(sides(lines, "EUR")).toEqual([
      ["6100", 1_999, 0],
      ["2100", 0, 1_999],
    ]);
    expect(lines.every((l) => l.amount_second_currency === null)).toBe(true);
    const [move] = await live.session.rpc.read<{ company: number; post_number: string }>(
      "account.move",
      [idOfErp(r.erpId)],
      ["company", "post_number"],
      live.session.ctx(c.id),
    );
    expect(move?.company).toBe(c.id);
    expect(move?.post_number).toMatch(/^EU\//);
    // the same ref is not visible from the other company
    expect(
      await erp.find(`${(await readMove(live, c, idOfErp(r.erpId)))?.description}`, live.us.key),
    ).toBeNull();
  });
});

describe("EUR documents in Acme Corp (USD company)", () => {
  it("a card transaction in EUR: company amounts at Tryton's rate, EUR as second currency, balanced", async () => {
    const c = live.us;
    const p = P.transaction(
      c,
      [P.line(c, "6100", "50.00", "EUR", { dept: "ENG" }), P.line(c, "6200", "33.33", "EUR")],
      { currency: "EUR" },
    );
    const r = await erp.post(p);
    const lines = await moveLines(live, c, idOfErp(r.erpId));
    const a = await compute(5_000, p.date);
    const b = await compute(3_333, p.date);
    expect(sides(lines, "USD")).toEqual([
      ["6100", a, 0],
      ["6200", b, 0],
      ["2100", 0, a + b],
    ]);
    expect(
      lines.map((l) => [
        l["second_currency."]?.code,
        l.amount_second_currency && fromMajor(l.amount_second_currency, "EUR").minor,
      ]),
    ).toEqual([
      ["EUR", 5_000],
      ["EUR", 3_333],
      ["EUR", -8_333],
    ]);
  });

  it("a USD card transaction keeps the merchant's EUR amount as second currency on the expense", async () => {
    const c = live.us;
    const p = { ...P.transaction(c, [P.line(c, "6100", "55.56", "USD")]), originalAmount: eur("50.00") };
    const r = await erp.post(p);
    const lines = await moveLines(live, c, idOfErp(r.erpId));
    expect(lines[0]?.["second_currency."]?.code).toBe("EUR");
    expect(fromMajor(lines[0]?.amount_second_currency ?? "", "EUR").minor).toBe(5_000);
    expect(lines[1]?.amount_second_currency).toBeNull();
  });

  it("a merchant currency Tryton does not know is kept as text, and the charge still posts", async () => {
    const c = live.us;
    const cad = fromMajor("74.10", "CAD");
    const p = { ...P.transaction(c, [P.line(c, "6100", "55.56", "USD")]), originalAmount: cad };
    const r = await erp.post(p);
    expect(r.created).toBe(true);
    const lines = await live.session.rpc.searchRead<{
      amount_second_currency: string | null;
      description: string | null;
    }>(
      "account.move.line",
      [["move", "=", idOfErp(r.erpId)]],
      ["amount_second_currency", "description"],
      live.session.ctx(c.id),
    );
    expect(lines.every((l) => l.amount_second_currency === null)).toBe(true);
    expect(lines.some((l) => l.description?.includes("74.10 CAD"))).toBe(true);
  });

  it("an EUR bill is an EUR invoice totalling exactly the Ramp amount, and its full payment makes it paid", async () => {
    const c = live.us;
    const b = P.bill(c, [P.line(c, "6300", "100.00", "EUR", { tax: ["Purchase Tax 10%", "10.00"] })], {
      currency: "EUR",
    });
    const r = await erp.post(b);
    const inv = await readInvoice(live, c, idOfErp(r.erpId));
    expect(inv).toMatchObject({
      "currency.": { code: "EUR" },
      total_amount: "110.00",
      tax_amount: "10.00",
      state: "posted",
    });
    const payable = (await moveLines(live, c, inv?.move as number)).find(
      (l) => l["account."].code === "2000",
    );
    expect(fromMajor(payable?.amount_second_currency ?? "", "EUR").minor).toBe(-11_000);
    const pay = await erp.post(P.billPayment(c, b, r.erpId, eur("110.00")));
    expect((await readInvoice(live, c, idOfErp(r.erpId)))?.state).toBe("paid");
    const payLines = await moveLines(live, c, idOfErp(pay.erpId));
    expect(payLines.find((l) => l["account."].code === "2000")?.debit).toBe(payable?.credit);
  });

  it("a currency Tryton has no rate for is a user-actionable error naming it", async () => {
    const c = live.us;
    const p = P.transaction(c, [P.line(c, "6100", "10.00", "GBP")], { currency: "GBP" });
    const err = await erp.post(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpError);
    expect(err).toMatchObject({ category: "user_actionable", code: "UNSUPPORTED_CURRENCY" });
    expect((err as ErpError).message).toContain("GBP");
  });
});
