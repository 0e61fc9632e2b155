/**
 * Currency policy over the real wires (sandbox HTTP, DynamoDB Local, journal ERP, hledger):
 * a EUR bill of the USD entity, booked at one rate and paid at another, books the realised
 * difference to the configured FX gain/loss account — at the journal's rate under erp-rates,
 * at Ramp's fx_conversion_rate under ramp-rates — and the books balance to the cent.
 * Without the account the payment fails alone, naming the setting, and nothing is lost.
 */
import { execFile } from "node:child_process";
import { appendFile, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

const run = promisify(execFile);
let h: Harness;
afterEach(async () => h?.close());

const FX = "demo:Expenses:FX Gain Loss";
const AP = "demo:Liabilities:Accounts Payable";
const BANK = "demo:Assets:Bank:Operating";
const nothingElse = { bills: 0, transactions: 0, reimbursements: 0, transfers: 0, cashbacks: 0 };

/** A 1,000.00 EUR bill of the USD entity at Ramp's 1.0900, paid by bank at 1.1000 (1,100.00 USD). */
async function eurBillPaid(withAccount: boolean): Promise<string> {
  if (withAccount) await appendFile(h.journalPath, `\naccount ${FX}  ; type: X, code: 6950\n`);
  const usd = h.entities.find((e) => e.currency === "USD");
  const bill = await h.r.control<{ id: string }>("POST", "/bills", {
    entity_id: usd?.id,
    currency: "EUR",
    amount_minor: 100_000,
    fx_conversion_rate: "1.0900",
    issued_at: "2026-06-01T00:00:00Z",
  });
  const paid = await h.r.control<{ bill: { payment: { amount: unknown } } }>(
    "POST",
    `/bills/${bill.id}/pay`,
    { method: "BANK", fx_conversion_rate: "1.1000" },
  );
  expect(paid.bill.payment.amount).toMatchObject({ amount: 110_000, currency_code: "USD" });
  const s = h.syncer();
  const items = await h.ready();
  await s.processMessages(asRecords(items.filter((i) => i.kind === "bill")));
  await s.processMessages(asRecords(items.filter((i) => i.kind === "bill_payment")));
  return bill.id;
}

/** hledger's balance of an account at cost, in USD minor units (the books' own arithmetic). */
async function balanceAtCost(account: string): Promise<number> {
  const { stdout } = await run("hledger", [
    "-f",
    h.journalPath,
    "balance",
    "--cost",
    "--flat",
    "--no-total",
    "-O",
    "csv",
    `^${account.replace(/[:]/g, ":")}$`,
  ]);
  const row = stdout.split("\n").find((l) => l.includes(account));
  if (!row) return 0;
  const amount = /"(-?[\d.]+) USD"|"USD ?(-?[\d.]+)"|"(-?[\d.]+)"/.exec(row.split(",").slice(1).join(","));
  const text = amount?.[1] ?? amount?.[2] ?? amount?.[3] ?? "0";
  return Math.round(Number(text) * 100);
}

describe.each([
  // The demo journal's price: P 2026-01-01 EUR 1.0850 USD → booked 1,085.00; paid 1,100.00 → loss 15.00
  { policy: "erp-rates" as const, booked: 108_500, loss: 1_500, source: "journal" },
  // Ramp's fx_conversion_rate 1.0900 → booked 1,090.00; paid 1,100.00 → loss 10.00
  { policy: "ramp-rates" as const, booked: 109_000, loss: 1_000, source: "ramp" },
])("a EUR bill booked at one rate and paid at another ($policy)", ({ policy, booked, loss, source }) => {
  it("books the realised difference to the FX gain/loss account; AP clears to the cent", async () => {
    h = await syncerHarness({ ...nothingElse, seed: 31, fx: { policy, gainLoss: { demo: FX } } });
    const id = await eurBillPaid(true);
    for (const kind of ["bill", "bill_payment"] as const) {
      const row = await h.store.ledger.get(TENANT, kind, id);
      expect(row?.state, `${kind}: ${row?.message}`).toBe("POSTED");
    }
    expect(await balanceAtCost(AP)).toBe(0);
    expect(await balanceAtCost(FX)).toBe(loss);
    expect(await balanceAtCost(BANK)).toBe(-110_000);
    expect(await balanceAtCost("demo:Expenses:Office Supplies")).toBe(booked);
    // Traceable on the entries: the EUR amount, the rate used and whose rate it was.
    const text = await readFile(h.journalPath, "utf8");
    expect(text).toContain(`ramp-fx-source:${source}`);
    expect(text).toContain(`1000.00 EUR @@ ${(booked / 100).toFixed(2)} USD`);
    expect(text).toMatch(/ramp-fx-rate:1\.100000/);
    await run("hledger", ["-f", h.journalPath, "check"]);
  });
});

describe("without an FX gain/loss account", () => {
  it("the payment fails alone with a message naming the setting; the bill stands", async () => {
    h = await syncerHarness({ ...nothingElse, seed: 32, fx: { policy: "ramp-rates" } });
    const id = await eurBillPaid(false);
    expect((await h.store.ledger.get(TENANT, "bill", id))?.state).toBe("POSTED");
    const pay = await h.store.ledger.get(TENANT, "bill_payment", id);
    expect(pay?.state).toBe("FAILED");
    expect(pay?.category).toBe("needs_integrator");
    expect(pay?.message).toMatch(/companies\[demo\]\.defaults\.fxGainLoss/);
    expect(await balanceAtCost(AP)).toBe(-109_000);
  });
});
