/**
 * The demo's verdict (local/demo-ending.ts): ok only when every unsynced object and every
 * reconcile mismatch is one the seed planted; what the seed planted is said, not hidden.
 */
import { describe, expect, it } from "vitest";
import type { ReconcileReport } from "../../lib/reconcile/report.js";
import { demoReport, endingLines, type Unsynced } from "../../local/demo-ending.js";

const outside: Unsynced = {
  kind: "bill_payment",
  id: "b-1",
  status: "BILL_SYNCED",
  last_error: "Bill not found in the ERP.",
  seeded: "a bill exported outside this integration",
};
const mismatch = (rampId: string, kind: "bill" | "transaction") => ({
  class: kind === "bill" ? ("synced_elsewhere" as const) : ("synced_without_erp_record" as const),
  kind,
  rampId,
  ref: `ramp:${kind}:${rampId}`,
  companyKey: "demo",
  detail: "…",
  erpIds: [],
});
const reconcile = (mismatches: ReconcileReport["mismatches"]): ReconcileReport => ({
  tenantId: "t",
  since: null,
  kinds: [
    {
      kind: "transaction",
      companyKey: "demo",
      ramp: { objects: 2, synced: 2 },
      ledger: { MARKED: 2 },
      erp: { records: 2 },
      totals: [{ currency: "USD", ramp: "3.00", rampSynced: "3.00", erp: "3.00" }],
    },
  ],
  mismatches,
  clean: mismatches.length === 0,
});

describe("demo ending", () => {
  it("a mismatch on the bill the seed exported outside is planted: ok, and said so", () => {
    const r = demoReport({
      tenantId: "t",
      journal: "j",
      reconcile: reconcile([mismatch("b-1", "bill")]),
      unsynced: [outside],
    });
    expect(r.ok).toBe(true);
    const text = endingLines(r).join("\n");
    expect(text).toContain("agree on all 2 objects but the 1 the seed planted");
    expect(text).toContain("1 seeded on purpose — demonstrates a bill exported outside this integration:");
    expect(text).toMatch(/ {4}demo +2 +2 +0 │ MARKED 2 +│ +2 +USD 3.00 \/ 3.00/);
  });

  it("drift nobody planted, or an unsynced object the seed did not plant, fails the demo", () => {
    const drift = demoReport({
      tenantId: "t",
      journal: "j",
      reconcile: reconcile([mismatch("b-1", "bill"), mismatch("t-9", "transaction")]),
      unsynced: [outside],
    });
    expect(drift.ok).toBe(false);
    expect(drift.unexpected).toBe(1);
    expect(endingLines(drift).join("\n")).toMatch(/NOT reconciled: 1 mismatch\(es\) nobody planted:\n.*t-9/);
    const stray = demoReport({
      tenantId: "t",
      journal: "j",
      reconcile: reconcile([]),
      unsynced: [{ ...outside, id: "t-2", kind: "transaction", seeded: null }],
    });
    expect(stray.ok).toBe(false);
    expect(endingLines(stray).join("\n")).toContain("1 NOT expected: the demo should have synced them:");
  });
});
