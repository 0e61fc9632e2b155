/**
 * The reconciliation judgement (lib/reconcile/classify.ts) class by class, the
 * consistent cases that must stay silent (a known failure, an object in flight,
 * a clean world), and a property: any world the exactly-once protocol can leave
 * behind yields no mismatch.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { externalRef, type Kind } from "../../../lib/domain/kinds.js";
import type { ErpRecordSummary } from "../../../lib/erp/port.js";
import { money } from "../../../lib/money/index.js";
import { classify, type Observed, STUCK_AFTER_MS } from "../../../lib/reconcile/classify.js";
import type { LedgerRow, RampRow } from "../../../lib/reconcile/ports.js";
import { createTally } from "../../../lib/reconcile/report.js";

const NOW = Date.UTC(2026, 5, 15, 12);

const ramp = (over: Partial<RampRow> = {}): RampRow => ({
  kind: "transaction",
  rampId: "tx-1",
  entityId: null,
  companyKey: "demo",
  synced: true,
  amount: money(1234, "USD"),
  accountRemoteIds: ["demo:6100"],
  recordElsewhere: null,
  receiptIds: [],
  ...over,
});

const row = (over: Partial<LedgerRow> = {}): LedgerRow => ({
  kind: "transaction",
  rampId: "tx-1",
  state: "MARKED",
  updatedAt: NOW - 60_000,
  erpRef: "E1",
  ...over,
});

const rec = (over: Partial<ErpRecordSummary> = {}): ErpRecordSummary => ({
  ref: externalRef("transaction", "tx-1"),
  erpId: "E1",
  companyKey: "demo",
  state: "complete",
  amount: money(1234, "USD"),
  accountRemoteIds: ["demo:6100"],
  ...over,
});

const classes = (o: Partial<Observed>) =>
  classify({ ramp: ramp(), ledger: row(), records: [rec()], ...o }, NOW).map((m) => m.class);

describe("reconcile classify", () => {
  it("a synced object with its ledger row MARKED and one matching ERP record is clean", () => {
    expect(classes({})).toEqual([]);
  });

  it("receipts_missing: a receipt Ramp holds is not attached; the row's reason is quoted", () => {
    const r = ramp({ receiptIds: ["rc-2", "rc-1"] });
    expect(classes({ ramp: r, attached: ["rc-1", "rc-2"] })).toEqual([]);
    const [m] = classify(
      {
        ramp: r,
        ledger: row(),
        records: [rec()],
        attached: ["rc-1"],
        receiptWhy: new Map([["rc-2", "given up: the file is larger than the limit"]]),
      },
      NOW,
    );
    expect(m).toMatchObject({
      class: "receipts_missing",
      detail: "1 of 2 receipts not in the ERP: rc-2 (given up: the file is larger than the limit)",
      erpIds: ["E1"],
    });
    // Not judged without the ERP's answer, nor on a missing or duplicate record (their own mismatches).
    expect(classes({ ramp: r })).toEqual([]);
    expect(classes({ ramp: r, attached: [], records: [rec(), rec({ erpId: "E2" })] })).toEqual([
      "duplicate_erp_records",
    ]);
  });

  it("synced_without_erp_record: Ramp synced, MARKED by us, no ERP record", () => {
    const [m, ...rest] = classify({ ramp: ramp(), ledger: row(), records: [] }, NOW);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      class: "synced_without_erp_record",
      kind: "transaction",
      rampId: "tx-1",
      ref: "ramp:transaction:tx-1",
      companyKey: "demo",
      erpIds: [],
    });
  });

  it("synced_elsewhere: Ramp synced, no ERP record, and no row or a row MARKED as synced elsewhere", () => {
    expect(classes({ ledger: undefined, records: [] })).toEqual(["synced_elsewhere"]);
    expect(classes({ ledger: row({ syncedElsewhere: true }), records: [] })).toEqual(["synced_elsewhere"]);
    expect(classes({ ledger: row({ state: "FAILED" }), records: [] })).toEqual(["synced_elsewhere"]);
  });

  it("no own record is expected where the ERP holds it elsewhere: paid in the ERP, settled, marked by an operator", () => {
    expect(classes({ ramp: ramp({ recordElsewhere: "paid in the ERP" }), records: [] })).toEqual([]);
    const operator = row({ history: [{ at: NOW, state: "POSTED", rev: 1, action: "mark-synced" }] });
    expect(classes({ ledger: operator, records: [] })).toEqual([]);
  });

  it("erp_record_not_synced: an ERP record Ramp does not show synced, the ledger not explaining it", () => {
    const notSynced = ramp({ synced: false });
    expect(classes({ ramp: notSynced, ledger: undefined })).toEqual(["erp_record_not_synced"]);
    expect(classes({ ramp: notSynced, ledger: row({ state: "FAILED" }) })).toEqual(["erp_record_not_synced"]);
    // MARKED says Ramp was told, yet Ramp does not show it: that does not explain it either.
    expect(classes({ ramp: notSynced, ledger: row() })).toEqual(["erp_record_not_synced"]);
  });

  it("an ERP record not yet synced is explained by POSTED, REPORTING or a live claim", () => {
    const notSynced = ramp({ synced: false });
    expect(classes({ ramp: notSynced, ledger: row({ state: "POSTED" }) })).toEqual([]);
    expect(classes({ ramp: notSynced, ledger: row({ state: "REPORTING" }) })).toEqual([]);
    expect(classes({ ramp: notSynced, ledger: row({ state: "CLAIMED", leaseUntil: NOW + 1 }) })).toEqual([]);
  });

  it("a known failure is consistent: FAILED, no ERP record, not synced in Ramp", () => {
    expect(classes({ ramp: ramp({ synced: false }), ledger: row({ state: "FAILED" }), records: [] })).toEqual(
      [],
    );
  });

  it("duplicate_erp_records: two records under one reference, both named", () => {
    const [m, ...rest] = classify(
      { ramp: ramp(), ledger: row(), records: [rec({ erpId: "E2" }), rec({ erpId: "E1" })] },
      NOW,
    );
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ class: "duplicate_erp_records", erpIds: ["E1", "E2"] });
  });

  it("erp_record_incomplete: a draft or partial record, unless a live claim is finishing it", () => {
    expect(classes({ records: [rec({ state: "draft" })] })).toEqual(["erp_record_incomplete"]);
    expect(classes({ records: [rec({ state: "partial" })] })).toEqual(["erp_record_incomplete"]);
    const live = row({ state: "CLAIMED", leaseUntil: NOW + 60_000 });
    expect(
      classes({ ramp: ramp({ synced: false }), ledger: live, records: [rec({ state: "draft" })] }),
    ).toEqual([]);
  });

  it("amount_differs: same currency, other amount; another currency or an unknown amount is not compared", () => {
    expect(classes({ records: [rec({ amount: money(1200, "USD") })] })).toEqual(["amount_differs"]);
    expect(classes({ records: [rec({ amount: money(1100, "EUR") })] })).toEqual([]);
    expect(classes({ records: [rec({ amount: null })] })).toEqual([]);
  });

  it("account_differs: other accounts; skipped when either side does not know them", () => {
    expect(classes({ records: [rec({ accountRemoteIds: ["demo:6200"] })] })).toEqual(["account_differs"]);
    expect(classes({ records: [rec({ accountRemoteIds: [] })] })).toEqual([]);
    expect(
      classes({ ramp: ramp({ accountRemoteIds: null }), records: [rec({ accountRemoteIds: ["x"] })] }),
    ).toEqual([]);
  });

  it("stuck_in_ledger: CLAIMED past its lease, POSTED or REPORTING past the threshold", () => {
    const notSynced = ramp({ synced: false });
    expect(
      classes({ ramp: notSynced, ledger: row({ state: "CLAIMED", leaseUntil: NOW - 1 }), records: [] }),
    ).toEqual(["stuck_in_ledger"]);
    const old = NOW - STUCK_AFTER_MS - 1;
    expect(classes({ ramp: notSynced, ledger: row({ state: "POSTED", updatedAt: old }) })).toEqual([
      "stuck_in_ledger",
    ]);
    expect(classes({ ramp: notSynced, ledger: row({ state: "REPORTING", updatedAt: old }) })).toEqual([
      "stuck_in_ledger",
    ]);
    expect(classes({ ramp: notSynced, ledger: row({ state: "POSTED", updatedAt: NOW - 60_000 }) })).toEqual(
      [],
    );
  });

  it("vendor credits: the ledger is their record (Ramp has no sync status)", () => {
    const vc = ramp({ kind: "vendor_credit", rampId: "vc-1", synced: null });
    const r = rec({ ref: externalRef("vendor_credit", "vc-1") });
    expect(classes({ ramp: vc, ledger: row({ kind: "vendor_credit" }), records: [r] })).toEqual([]);
    expect(classes({ ramp: vc, ledger: row({ kind: "vendor_credit" }), records: [] })).toEqual([
      "synced_without_erp_record",
    ]);
    expect(classes({ ramp: vc, ledger: undefined, records: [r] })).toEqual(["erp_record_not_synced"]);
    // POSTED is as far as a vendor credit goes: never stuck, and it must have its record.
    const posted = row({ kind: "vendor_credit", state: "POSTED", updatedAt: NOW - 2 * STUCK_AFTER_MS });
    expect(classes({ ramp: vc, ledger: posted, records: [r] })).toEqual([]);
    expect(classes({ ramp: vc, ledger: posted, records: [] })).toEqual(["synced_without_erp_record"]);
    expect(classes({ ramp: vc, ledger: undefined, records: [] })).toEqual([]);
  });
});

describe("reconcile report", () => {
  it("counts per kind × company, totals per currency, mismatches sorted by class, kind, rampId", () => {
    const t = createTally();
    const add = (o: Observed) => t.add(o, classify(o, NOW));
    add({ ramp: ramp({ rampId: "b" }), ledger: row({ rampId: "b" }), records: [] });
    add({ ramp: ramp({ rampId: "a" }), ledger: row({ rampId: "a" }), records: [] });
    add({ ramp: ramp({ rampId: "c", synced: false }), ledger: undefined, records: [] });
    add({
      ramp: ramp({ kind: "vendor_credit", rampId: "v", synced: null, companyKey: null }),
      ledger: undefined,
      records: [],
    });
    const r = t.report("acme", "2026-01-01");
    expect(r.kinds).toEqual([
      {
        kind: "transaction",
        companyKey: "demo",
        ramp: { objects: 3, synced: 2 },
        ledger: { none: 1, MARKED: 2 },
        erp: { records: 0 },
        totals: [{ currency: "USD", ramp: "37.02", rampSynced: "24.68", erp: "0.00" }],
      },
      {
        kind: "vendor_credit",
        companyKey: null,
        ramp: { objects: 1, synced: null },
        ledger: { none: 1 },
        erp: { records: 0 },
        totals: [{ currency: "USD", ramp: "12.34", rampSynced: "0.00", erp: "0.00" }],
      },
    ]);
    expect(r.mismatches.map((m) => [m.class, m.rampId])).toEqual([
      ["synced_without_erp_record", "a"],
      ["synced_without_erp_record", "b"],
    ]);
    expect(r.clean).toBe(false);
  });
});

/** Every state the protocol can leave an object in, each paired with what Ramp and the ERP then show. */
const consistent: fc.Arbitrary<Observed> = fc
  .record({
    kind: fc.constantFrom<Kind>(
      "transaction",
      "bill",
      "bill_payment",
      "reimbursement",
      "transfer",
      "cashback",
    ),
    rampId: fc.uuid(),
    minor: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    account: fc.constantFrom("demo:6100", "demo:6200"),
    stage: fc.constantFrom(
      "owed",
      "known-failure",
      "live-claim",
      "posted",
      "reporting",
      "marked",
      "elsewhere",
      "held",
    ),
  })
  .map(({ kind, rampId, minor, account, stage }) => {
    const amount = money(minor, "USD");
    const r = ramp({ kind, rampId, amount, accountRemoteIds: [account], synced: false });
    const record = rec({ ref: externalRef(kind, rampId), amount, accountRemoteIds: [account] });
    const l = (over: Partial<LedgerRow>) => row({ kind, rampId, ...over });
    switch (stage) {
      case "owed":
        return { ramp: r, ledger: undefined, records: [] };
      case "known-failure":
        return { ramp: r, ledger: l({ state: "FAILED" }), records: [] };
      case "live-claim":
        return { ramp: r, ledger: l({ state: "CLAIMED", leaseUntil: NOW + 60_000 }), records: [] };
      case "posted":
        return { ramp: r, ledger: l({ state: "POSTED" }), records: [record] };
      case "reporting":
        return { ramp: r, ledger: l({ state: "REPORTING" }), records: [record] };
      case "marked":
        return { ramp: { ...r, synced: true }, ledger: l({ state: "MARKED" }), records: [record] };
      case "held":
        return { ramp: r, ledger: l({ state: "HELD" }), records: [] };
      default:
        // Exported in Ramp's UI after we posted it: the ERP has our record.
        return {
          ramp: { ...r, synced: true },
          ledger: l({ state: "MARKED", syncedElsewhere: true }),
          records: [record],
        };
    }
  });

describe("reconcile property", () => {
  it("a world the protocol can leave behind never yields a mismatch", () => {
    fc.assert(
      fc.property(fc.array(consistent, { maxLength: 30 }), (world) => {
        const t = createTally();
        for (const o of world) t.add(o, classify(o, NOW));
        expect(t.report("t", null).mismatches).toEqual([]);
      }),
    );
  });
});
