/**
 * Bills through the syncer over the real wires (sandbox HTTP, DynamoDB Local,
 * journal ERP, two entities on the journal's two companies): the three rows of
 * the decision table, a bill paid after its BILL_SYNC, a card-paid bill whose
 * card transaction is never expensed (reported synced with the payment's ERP
 * id), PAID_IN_ERP (nothing posted, the ERP's payment reported), and
 * BILL_PAYMENT_SYNC never reported before its BILL_SYNC — even when the bill's
 * report is stuck behind a crashed worker's lock.
 */
import { appendFile, readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { billPhases, paymentMode, settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import { InjectedCrash } from "../../lib/sync/crash-points.js";
import { METRIC } from "../../lib/sync/metrics.js";
import type { WorkItem } from "../../lib/sync/process-item.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const billsOnly = { transactions: 0, reimbursements: 0, transfers: 0, cashbacks: 0, vendorlessShare: 0 };

const sweep = async (s: ReturnType<Harness["syncer"]>) =>
  sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());

type Row = "open" | "bank" | "card" | "paid_in_erp" | "bill_synced_paid";

/** The decision-table row of each listed bill (by its snapshot). */
function rowsOf(items: WorkItem[]): Map<string, { row: Row; bill: RampBill }> {
  const out = new Map<string, { row: Row; bill: RampBill }>();
  for (const it of items) {
    if (it.kind !== "bill" && it.kind !== "bill_payment") continue;
    const bill = it.snapshot as RampBill;
    const row: Row =
      bill.syncStatus === "BILL_SYNCED"
        ? "bill_synced_paid"
        : bill.status !== "PAID"
          ? "open"
          : paymentMode(bill) === "card"
            ? "card"
            : paymentMode(bill) === "paid_in_erp"
              ? "paid_in_erp"
              : "bank";
    out.set(bill.id, { row, bill });
  }
  return out;
}

/** Sync calls as the sandbox recorded them, with the position of each object's report per type. */
async function reportPositions() {
  const calls = await h.syncCalls();
  const at = new Map<string, number>();
  calls.forEach((c, i) => {
    for (const id of [...c.successful, ...c.failed]) at.set(`${c.syncType}#${id}`, i);
  });
  return { calls, at };
}

describe("bills through the syncer", () => {
  it("follows the decision table: open → BILL_SYNC only; paid → bill then payment; card and PAID_IN_ERP post no second expense or payment", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 40, seed: 21 });
    const all = await h.ready();
    const items = all.filter((i) => {
      // Bills Ramp shows BILL_SYNCED here were exported before this ERP: no remote id, not ours to pay.
      const b = i.snapshot as RampBill;
      return !(i.kind === "bill_payment" && b.syncStatus === "BILL_SYNCED" && !b.remoteId);
    });
    const rows = rowsOf(items);
    const byRow = (r: Row) => [...rows.values()].filter((x) => x.row === r).map((x) => x.bill);
    for (const r of ["open", "bank", "card", "paid_in_erp"] as const)
      expect(byRow(r).length, `bills in row ${r}`).toBeGreaterThan(0);
    // The only ready transactions are the card charges that paid bills.
    const cardTx = new Set(
      [...rowsOf(all).values()].flatMap(({ bill }) =>
        paymentMode(bill) === "card" ? settlingTransactionIds(bill) : [],
      ),
    );
    expect(items.filter((i) => i.kind === "transaction").every((i) => cardTx.has(i.rampId))).toBe(true);

    // The accountant already recorded one PAID_IN_ERP payment in the ERP; the others have none.
    const inErp = byRow("paid_in_erp");
    const s = h.syncer();
    // Bills first, so the ERP has the bill the accountant's payment points at.
    await s.processMessages(
      asRecords(items.filter((i) => i.kind === "bill" && rows.get(i.rampId)?.row === "open")),
    );
    const recorded = inErp[0] as RampBill;
    const onlyBill = asRecords([
      {
        tenantId: TENANT,
        kind: "bill",
        rampId: recorded.id,
        entityId: recorded.entityId,
        syncRequestId: null,
        snapshot: { ...recorded, status: "OPEN" },
      },
    ]);
    await s.processMessages(onlyBill);
    const recordedBillErpId = (await h.store.ledger.get(TENANT, "bill", recorded.id))?.erpRef as string;
    expect(recordedBillErpId).toBeTruthy();
    const manualPaymentId = await recordManualPayment(recordedBillErpId);

    const res = await s.processMessages(asRecords(items));
    expect(res.results.filter((r) => r.disposition !== "ack")).toEqual([]);
    await sweep(s);

    const refs = await h.journalRefs();
    const { calls, at } = await reportPositions();
    for (const { row, bill } of rows.values()) {
      const ramp = await h.object(bill.id);
      const billRow = await h.store.ledger.get(TENANT, "bill", bill.id);
      const payRow = await h.store.ledger.get(TENANT, "bill_payment", bill.id);
      const what = `${row} bill ${bill.id}`;
      expect(billRow?.state, `${what} ${billRow?.message}`).toBe("MARKED");
      expect(refs.get(externalRef("bill", bill.id)), what).toBe(1);
      expect(ramp.object.remote_id, what).toBe(billRow?.erpRef);
      if (row === "open") {
        expect(ramp.sync.status, what).toBe("BILL_SYNCED");
        expect(payRow, what).toBeUndefined();
        expect(refs.has(externalRef("bill_payment", bill.id)), what).toBe(false);
        continue;
      }
      expect(ramp.sync.status, what).toBe("BILL_AND_PAYMENT_SYNCED");
      expect(payRow?.state, what).toBe("MARKED");
      expect(ramp.sync.reference_id, what).toBe(payRow?.erpRef);
      // The payment is reported in a later sync call than its bill.
      const billAt = at.get(`BILL_SYNC#${bill.id}`) as number;
      const payAt = at.get(`BILL_PAYMENT_SYNC#${bill.id}`) as number;
      expect(payAt, what).toBeGreaterThan(billAt);
      if (row === "paid_in_erp") {
        // Nothing posted: Ramp is told the ERP's own payment, else (none recorded) the bill.
        expect(refs.has(externalRef("bill_payment", bill.id)), what).toBe(false);
        expect(payRow?.erpRef, what).toBe(bill.id === recorded.id ? manualPaymentId : billRow?.erpRef);
      } else {
        expect(refs.get(externalRef("bill_payment", bill.id)), what).toBe(1);
      }
      if (row === "card") {
        for (const tx of settlingTransactionIds(bill)) {
          const t = await h.object(tx);
          const txRow = await h.store.ledger.get(TENANT, "transaction", tx);
          // Never expensed: no record of its own, reported with the payment's ERP id.
          expect(refs.has(externalRef("transaction", tx)), `card tx ${tx}`).toBe(false);
          expect(txRow?.erpRef).toBe(payRow?.erpRef);
          expect(t.sync.status).toBe("SYNCED");
          expect(t.sync.reference_id).toBe(payRow?.erpRef);
        }
      }
    }
    // One refusal would mean a payment was reported before its bill (Ramp answers NOT_READY).
    expect(h.logs.filter((l) => /refused/.test(l.message))).toEqual([]);
    expect(calls.filter((c) => c.syncType === "BILL_SYNC").length).toBeGreaterThan(0);
  });

  it("a posted card payment settles, in the same invocation, only the charges HELD waiting for it; a charge not seen yet is left to its own message (no Ramp fetch by id)", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 40, seed: 21 });
    const items = await h.ready();
    const cards = items.filter((i) => {
      const b = i.snapshot as RampBill;
      return i.kind === "bill" && b.syncStatus === "NOT_SYNCED" && paymentMode(b) === "card";
    });
    const [card, other] = cards as [WorkItem, WorkItem];
    if (!other) throw new Error("seed 21 has fewer than two card-paid bills");
    const [seen] = settlingTransactionIds(card.snapshot as RampBill) as [string];
    const [unseen] = settlingTransactionIds(other.snapshot as RampBill) as [string];
    const charge = items.find((i) => i.kind === "transaction" && i.rampId === seen) as WorkItem;
    const s = h.syncer({ settings: { flushAfterBatch: false } });
    // The charge first: its bill is not in the ERP yet, so it waits (a HELD row says for what).
    const first = await s.processMessages(asRecords([charge]));
    expect(first.results[0]?.outcome?.status).toBe("held");
    expect((await h.store.ledger.get(TENANT, "transaction", seen))?.state).toBe("HELD");
    // Then both bills: bill → payment → the HELD charge, all in this one invocation.
    const fetched = () => h.metrics.total(METRIC.rampCalls, { route: "GET transaction" });
    const before = fetched();
    await s.processMessages(asRecords([card, other]));
    const payRow = await h.store.ledger.get(TENANT, "bill_payment", card.rampId);
    expect(payRow?.state).toBe("POSTED");
    const seenRow = await h.store.ledger.get(TENANT, "transaction", seen);
    expect(seenRow?.state).toBe("POSTED");
    expect(seenRow?.erpRef).toBe(payRow?.erpRef);
    // The other bill's charge, not seen yet, has its own work message from the poll: not fetched here.
    expect((await h.store.ledger.get(TENANT, "bill_payment", other.rampId))?.state).toBe("POSTED");
    expect(await h.store.ledger.get(TENANT, "transaction", unseen)).toBeUndefined();
    expect(fetched() - before).toBe(1);
  });

  it("a bill paid after its BILL_SYNC gets its payment synced against the bill's ERP id", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 30, seed: 21 });
    const items = await h.ready();
    const open = items.filter((i) => i.kind === "bill" && (i.snapshot as RampBill).status !== "PAID");
    expect(open.length).toBeGreaterThan(1);
    const s = h.syncer();
    await s.processMessages(asRecords(open));
    await sweep(s);
    const target = open[0] as WorkItem;
    expect((await h.object(target.rampId)).sync.status).toBe("BILL_SYNCED");
    const billErpId = (await h.store.ledger.get(TENANT, "bill", target.rampId))?.erpRef as string;

    await h.r.control("POST", `/bills/${target.rampId}/pay`, { method: "BANK" });
    const bill = await h.r.client.getBill(target.rampId);
    expect(billPhases(bill)).toEqual(["bill_payment"]);
    const again = await h
      .syncer()
      .processMessages(asRecords([{ ...target, kind: "bill_payment", snapshot: bill }]));
    expect(again.results[0]?.outcome).toMatchObject({ status: "posted", via: "created" });
    await sweep(h.syncer());
    const o = await h.object(target.rampId);
    expect(o.sync.status).toBe("BILL_AND_PAYMENT_SYNCED");
    const payRow = await h.store.ledger.get(TENANT, "bill_payment", target.rampId);
    expect(o.sync.reference_id).toBe(payRow?.erpRef);
    const refs = await h.journalRefs();
    expect(refs.get(externalRef("bill", target.rampId))).toBe(1);
    expect(refs.get(externalRef("bill_payment", target.rampId))).toBe(1);
    // The payment entry settles the bill the ERP already had.
    expect(await h.erp.findBillPayment(billErpId, "demo")).toBe(payRow?.erpRef);
  });

  it("never reports BILL_PAYMENT_SYNC before its BILL_SYNC, even while the bill's report is stuck behind a crashed worker", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 30, seed: 21 });
    const paid = (await h.ready()).filter(
      (i) =>
        i.kind === "bill" &&
        paymentMode(i.snapshot as RampBill) === "bank" &&
        (i.snapshot as RampBill).status === "PAID",
    );
    expect(paid.length).toBeGreaterThan(0);
    // Both phases posted in one delivery; the report waits for the flush.
    const res = await h.syncer().processMessages(asRecords(paid));
    expect(res.results.every((r) => r.outcome?.status === "posted")).toBe(true);
    for (const p of paid)
      expect((await h.store.ledger.get(TENANT, "bill_payment", p.rampId))?.state).toBe("POSTED");

    // A worker dies right after persisting the BILL_SYNC intent: that stream's lock stays held.
    const crashing = h.syncer({
      crash: (point) => {
        if (point === "intent") throw new InjectedCrash(point);
      },
    });
    await expect(sweep(crashing)).rejects.toBeInstanceOf(InjectedCrash);
    // Another sweep while the lock is live: it can only leave the (dead) holder a mark; the payments must wait.
    const during = await sweep(h.syncer());
    expect(during.find((r) => r.key.syncType === "BILL_SYNC")?.status).toBe("handed-off");
    expect(during.find((r) => r.key.syncType === "BILL_PAYMENT_SYNC")?.calls ?? 0).toBe(0);
    expect((await h.syncCalls()).filter((c) => c.syncType === "BILL_PAYMENT_SYNC")).toEqual([]);

    h.clock.now += 61_000; // the dead worker's lock expires
    await sweep(h.syncer());
    const { calls, at } = await reportPositions();
    for (const p of paid) {
      expect(at.get(`BILL_PAYMENT_SYNC#${p.rampId}`)).toBeGreaterThan(
        at.get(`BILL_SYNC#${p.rampId}`) as number,
      );
      expect((await h.object(p.rampId)).sync.status).toBe("BILL_AND_PAYMENT_SYNCED");
    }
    expect(calls.filter((c) => c.syncType === "BILL_SYNC")).toHaveLength(1);
    expect(calls.filter((c) => c.syncType === "BILL_PAYMENT_SYNC")).toHaveLength(1);
    expect(h.logs.filter((l) => /refused/.test(l.message))).toEqual([]);
  });
});

/** The accountant records the bill's payment in the ERP itself (a journal entry naming the bill). */
async function recordManualPayment(billErpId: string): Promise<string> {
  const text = await readFile(h.journalPath, "utf8");
  const entry = [
    ...text.matchAll(/^\d{4}-\d{2}-\d{2}[^\n]*\(([^)]+)\)[^\n]*ramp-ref:ramp:bill:[^\n]*$/gm),
  ].find((m) => m[1] === billErpId);
  expect(entry, "the bill's journal entry").toBeTruthy();
  const code = "MANUAL-PAY-1";
  await appendFile(
    h.journalPath,
    // Declared accounts and payee: the adapter's per-batch `hledger check` refuses to write after a hand edit that breaks it.
    `\n2026-06-14 * (${code}) Office Depot | paid by the accountant  ; ramp-ref:manual:${billErpId}, ramp-bill:${billErpId}\n    demo:Liabilities:Accounts Payable  1.00 USD\n    demo:Assets:Bank:Operating\n`,
  );
  return code;
}
