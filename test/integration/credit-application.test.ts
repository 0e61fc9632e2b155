/**
 * A vendor credit applied to a bill in Ramp reaches the journal ERP once: the sandbox over HTTP
 * (a credit applied through its control route shows on the bill's `applied_vendor_credits`),
 * DynamoDB Local for the ledger, the demo journal. The application waits (HELD) until the bill
 * and the credit are both in the ERP, then posts one entry moving the amount from the credit to
 * the bill on the payable account; replayed, it is skipped by the ledger and the journal still
 * holds one.
 */
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { applicationsOf } from "../../lib/sync/credit-application.js";
import type { WorkItem } from "../../lib/sync/process-item.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const billsOnly = { transactions: 0, reimbursements: 0, transfers: 0, cashbacks: 0, vendorlessShare: 0 };

const item = (kind: WorkItem["kind"], o: { id: string; entityId: string | null }): WorkItem => ({
  tenantId: TENANT,
  kind,
  rampId: o.id,
  entityId: o.entityId,
  syncRequestId: null,
  snapshot: o,
});

describe("a vendor credit applied to a bill", () => {
  it("posts to the journal once both are in it, and never twice on a replay", async () => {
    h = await syncerHarness({ ...billsOnly, bills: 12, seed: 5 });
    const open = (await h.ready()).find(
      (i) => i.kind === "bill" && (i.snapshot as RampBill).status === "OPEN",
    );
    if (!open) throw new Error("no open bill to apply a credit to");
    const listed = open.snapshot as RampBill;
    const vendorId = listed.vendor?.id as string;
    const credit = await h.r.control<{ id: string }>("POST", "/vendor-credits", {
      vendor_id: vendorId,
      entity_id: listed.entityId,
      amount_minor: 2_500,
      memo: "Returned goods",
      coding_from_bill_id: listed.id,
    });
    await h.r.control("POST", `/bills/${listed.id}/apply-credit`, {
      vendor_credit_id: credit.id,
      amount_minor: 1_000,
    });
    const bill = await h.r.client.getBill(listed.id);
    expect(bill.appliedVendorCredits?.map((c) => [c.id, c.amount.minor])).toEqual([[credit.id, 1_000]]);
    const [app] = applicationsOf(bill);
    if (!app) throw new Error("the bill carries no application");
    const vc = await h.r.client.getVendorCredit(credit.id);
    expect(vc.remainingAmount?.minor).toBe(1_500);

    // Before the bill and the credit are in the ERP: held, nothing written.
    const s = h.syncer();
    const appItem = item("credit_application", app);
    await s.processMessages(asRecords([appItem]));
    expect((await h.store.ledger.get(TENANT, "credit_application", app.id))?.state).toBe("HELD");
    expect((await h.journalRefs()).get(externalRef("credit_application", app.id))).toBeUndefined();

    await s.processMessages(asRecords([item("bill", bill), item("vendor_credit", vc)]));
    expect((await h.store.ledger.get(TENANT, "bill", bill.id))?.state).toMatch(/POSTED|REPORTING|MARKED/);
    const vcRow = await h.store.ledger.get(TENANT, "vendor_credit", vc.id);
    expect(vcRow?.state, vcRow?.message).toBe("MARKED");

    await s.processMessages(asRecords([appItem]));
    const row = await h.store.ledger.get(TENANT, "credit_application", app.id);
    expect(row?.state).toBe("MARKED");
    const ref = externalRef("credit_application", app.id);
    expect((await h.journalRefs()).get(ref)).toBe(1);
    const billRow = await h.store.ledger.get(TENANT, "bill", bill.id);
    const creditRow = await h.store.ledger.get(TENANT, "vendor_credit", vc.id);
    const text = await readFile(h.journalPath, "utf8");
    const entry = text.split(/\n(?=\d{4}-\d\d-\d\d)/).find((e) => e.includes(`ramp-ref:${ref}`)) ?? "";
    expect(entry).toContain(`ramp-bill:${billRow?.erpRef}`);
    expect(entry).toContain(`ramp-credit:${creditRow?.erpRef}`);
    expect(entry).toMatch(/10\.00/);

    // Replays — the same message again, a fresh worker, the object fetched by id — book nothing new.
    await s.processMessages(asRecords([appItem]));
    await h.syncer().processMessages(asRecords([{ ...appItem, snapshot: undefined }]));
    expect((await h.journalRefs()).get(ref)).toBe(1);
    expect((await h.store.ledger.get(TENANT, "credit_application", app.id))?.rev).toBe(row?.rev);
  });
});
