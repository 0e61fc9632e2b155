/**
 * Bills Ramp already shows as BILL_SYNCED that this integration never reported
 * (exported before it, by a previous integration, or through Ramp's UI):
 * - with an ERP id in Ramp (`remote_id`), the payment is posted against it and
 *   reported — the bill is adopted as synced elsewhere, so the payment is not held;
 * - without one, the payment fails with a message the customer can act on,
 *   instead of being held silently forever.
 */
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const billsOnly = { transactions: 0, reimbursements: 0, transfers: 0, cashbacks: 0, vendorlessShare: 0 };

async function drain(items: Parameters<typeof asRecords>[0]) {
  const s = h.syncer();
  const res = await s.processMessages(asRecords(items));
  await sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());
  return res;
}

describe("bills synced before this integration saw them", () => {
  it("posts and reports the payment against the ERP id Ramp holds, adopting the bill", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 12, seed: 5 });
    const open = (await h.ready()).find(
      (i) => i.kind === "bill" && (i.snapshot as RampBill).status === "OPEN",
    );
    expect(open, "an open, not yet synced bill").toBeDefined();
    const bill = open!.snapshot as RampBill;

    // Someone else exported the bill: it is in the ERP, and Ramp holds its ERP id — but our ledger has no row.
    const rt = await h.rt();
    const { mapBill } = await import("../../lib/erp/mapping/index.js");
    const posted = await h.erp.post(mapBill(bill, rt.tenant, rt.coding));
    const report = await h.r.client.reportSyncs({
      tenantId: TENANT,
      syncType: "BILL_SYNC",
      successful: [{ id: bill.id, reference_id: posted.erpId }],
      failed: [],
    });
    expect(report.map((r) => r.outcome)).toEqual(["accepted"]);
    expect(await h.store.ledger.get(TENANT, "bill", bill.id)).toBeUndefined();

    await h.r.control("POST", `/bills/${bill.id}/pay`, { method: "BANK" });
    const paid = await h.r.client.getBill(bill.id);
    expect([paid.syncStatus, paid.status, paid.remoteId]).toEqual(["BILL_SYNCED", "PAID", posted.erpId]);

    const res = await drain([
      {
        tenantId: TENANT,
        kind: "bill_payment",
        rampId: bill.id,
        entityId: paid.entityId,
        syncRequestId: null,
        snapshot: paid,
      },
    ]);
    expect(res.results.map((r) => r.disposition)).toEqual(["ack"]);

    const billRow = await h.store.ledger.get(TENANT, "bill", bill.id);
    expect(billRow).toMatchObject({ state: "MARKED", syncedElsewhere: true, erpRef: posted.erpId });
    const payRow = await h.store.ledger.get(TENANT, "bill_payment", bill.id);
    expect(payRow?.state).toBe("MARKED");
    const ramp = await h.object(bill.id);
    expect(ramp.sync.status).toBe("BILL_AND_PAYMENT_SYNCED");
    expect(ramp.sync.reference_id).toBe(payRow?.erpRef);
    const refs = await h.journalRefs();
    expect(refs.get(externalRef("bill_payment", bill.id))).toBe(1);
    // The bill itself was not posted a second time by us.
    expect(refs.has(externalRef("bill", bill.id))).toBe(true);
    expect(refs.get(externalRef("bill", bill.id))).toBe(1);
  });

  it("tells the customer why a payment cannot be posted when Ramp holds no ERP id for its bill", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 40, seed: 21 });
    const orphan = (await h.ready()).find((i) => {
      const b = i.snapshot as RampBill;
      return i.kind === "bill_payment" && b.syncStatus === "BILL_SYNCED" && !b.remoteId;
    });
    expect(orphan, "the seed has a bill exported before this ERP, without an ERP id").toBeDefined();

    const res = await drain([orphan!]);
    expect(res.results.map((r) => r.disposition)).toEqual(["ack"]);
    const payRow = await h.store.ledger.get(TENANT, "bill_payment", orphan!.rampId);
    expect(payRow).toMatchObject({ state: "FAILED", category: "user_actionable", told: true });
    const ramp = await h.object(orphan!.rampId);
    expect(ramp.sync.last_error).toMatch(/^Bill not found in the ERP\. Ramp shows this bill as synced/);
    expect((await h.journalRefs()).has(externalRef("bill_payment", orphan!.rampId))).toBe(false);
  });
});
