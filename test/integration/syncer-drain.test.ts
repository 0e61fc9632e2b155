/**
 * The syncer over real wires: Ramp sandbox over HTTP, DynamoDB Local, the demo
 * journal ERP. Every kind drains exactly once into the journal, each object is
 * marked synced in Ramp with its ERP id, reports gather into one sync call per
 * type, bills follow the decision table, card-settled transactions are never
 * expensed, and PAID_IN_ERP payments post nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

async function drain(
  syncer: ReturnType<Harness["syncer"]>,
  records: ReturnType<typeof asRecords>,
  batch = 10,
) {
  const results = [];
  for (let i = 0; i < records.length; i += batch) {
    results.push(...(await syncer.processMessages(records.slice(i, i + batch))).results);
  }
  return results;
}

describe("syncer drain", () => {
  it("posts every kind once, marks each synced with its ERP id, and reports in one call per type", async () => {
    h = await syncerHarness({
      transactions: 14,
      reimbursements: 3,
      bills: 0,
      transfers: 2,
      cashbacks: 2,
      vendorlessShare: 0,
    });
    const items = await h.ready();
    expect(new Set(items.map((i) => i.kind))).toEqual(
      new Set(["transaction", "reimbursement", "transfer", "cashback"]),
    );
    const syncer = h.syncer();
    const results = await drain(syncer, asRecords(items));
    expect(results.every((r) => r.disposition === "ack")).toBe(true);
    // Nothing is reported yet: rows gather until a list is full or a minute passed.
    expect(await h.syncCalls()).toEqual([]);

    const rt = await h.rt();
    await sweepTenant({ ledger: h.store.ledger, flush: syncer.flush }, rt);

    const refs = await h.journalRefs();
    for (const it of items) {
      const row = await h.store.ledger.get(TENANT, it.kind, it.rampId);
      expect(row?.state, `${it.kind} ${it.rampId} ${row?.message}`).toBe("MARKED");
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNCED");
      expect(o.sync.reference_id).toBe(row?.erpRef);
      expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
    }
    const calls = await h.syncCalls();
    const perType = new Map<string, number>();
    for (const c of calls) perType.set(c.syncType, (perType.get(c.syncType) ?? 0) + 1);
    expect(Object.fromEntries(perType)).toEqual({
      TRANSACTION_SYNC: 1,
      REIMBURSEMENT_SYNC: 1,
      TRANSFER_SYNC: 1,
      STATEMENT_CREDIT_SYNC: 1,
    });

    // A redelivery of every message changes nothing: no second ERP record, no second report.
    const again = await drain(h.syncer(), asRecords(items));
    expect(again.every((r) => r.disposition === "ack" && r.outcome?.status === "skipped")).toBe(true);
    expect(await h.journalRefs()).toEqual(refs);
    expect((await h.syncCalls()).length).toBe(calls.length);
  });
});

describe("automatic accounting-vendor creation", () => {
  it("matches or creates the vendor once per merchant, codes the transaction in Ramp, then posts and marks it", async () => {
    h = await syncerHarness({
      transactions: 16,
      reimbursements: 0,
      transfers: 0,
      cashbacks: 0,
      entities: 1,
      currencies: ["USD"],
      vendorlessShare: 1,
    });
    const items = await h.ready();
    const vendorless = [];
    for (const it of items)
      if ((await h.object(it.rampId)).object.requires_accounting_vendor_creation_to_sync) vendorless.push(it);
    expect(vendorless.length).toBeGreaterThan(3);
    await h.r.resetCounters();
    const syncer = h.syncer();
    await syncer.processMessages(asRecords(items));
    await sweepTenant({ ledger: h.store.ledger, flush: syncer.flush }, await h.rt());

    const surface = await h.erp.readSurface();
    const merchants = new Set<string>();
    for (const it of vendorless) {
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNCED");
      expect(o.object.requires_accounting_vendor_creation_to_sync).toBeFalsy();
      const merchant = String(o.object.merchant_name);
      merchants.add(merchant);
      // The ERP holds exactly one vendor of that name, and Ramp's coding points at it.
      expect(surface.vendors.filter((v) => v.name === merchant && v.companyKey === "demo")).toHaveLength(1);
      const codedVendor = JSON.stringify(o.object).includes(`"demo:${merchant}"`);
      expect(codedVendor).toBe(true);
    }
    const uploads = (await h.r.writeCalls())["POST /developer/v1/accounting/vendors"] ?? 0;
    // Matching first: at most one upload per merchant, never one per transaction.
    expect(uploads).toBeLessThanOrEqual(merchants.size);
  });
});
