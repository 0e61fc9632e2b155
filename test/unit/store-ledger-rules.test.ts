import { describe, expect, it } from "vitest";
import {
  bucketOf,
  fromLedgerRecord,
  type LedgerItem,
  ledgerGsi1Pk,
  ledgerGsi1Prefix,
  ledgerGsi1Sk,
  toLedgerRecord,
} from "../../lib/store/ledger-item.js";
import {
  type ClaimInput,
  canAttach,
  closed,
  decideClaim,
  failed,
  holdsLease,
  isReportable,
  isReportableFailure,
  posted,
  toReporting,
} from "../../lib/sync/ledger-rules.js";

const NOW = Date.UTC(2026, 2, 1, 12);
const input = (over: Partial<ClaimInput> = {}): ClaimInput => ({
  tenantId: "acme",
  kind: "transaction",
  rampId: "t1",
  owner: "w1",
  leaseMs: 60_000,
  fingerprint: "fp1",
  now: NOW,
  ...over,
});
const claimed = (): LedgerItem => {
  const d = decideClaim(undefined, input());
  if (d.action !== "create") throw new Error("expected create");
  return d.next;
};
const failure = { transientAttemptsBeforeReport: 3, coolDownMs: 3_600_000 };

describe("decideClaim", () => {
  it("creates a CLAIMED row with a lease when there is none", () => {
    const d = decideClaim(undefined, input({ syncRequestId: "req", entityId: "ent" }));
    expect(d).toMatchObject({
      action: "create",
      next: {
        state: "CLAIMED",
        rev: 0,
        leaseOwner: "w1",
        leaseUntil: NOW + 60_000,
        attempts: 0,
        syncRequestId: "req",
        entityId: "ent",
      },
    });
  });

  it("skips a live lease and takes over an expired one (keeping the row's history)", () => {
    const row = claimed();
    expect(decideClaim(row, input({ owner: "w2", now: NOW + 59_999 }))).toEqual({
      action: "skip",
      reason: "in-flight",
    });
    const d = decideClaim(row, input({ owner: "w2", now: NOW + 60_000 }));
    expect(d).toMatchObject({
      action: "update",
      outcome: "takeover",
      next: { leaseOwner: "w2", rev: 1, createdAt: NOW },
    });
  });

  it("skips POSTED, REPORTING and MARKED rows with the matching reason", () => {
    const p = posted(claimed(), "erp-1", NOW);
    expect(decideClaim(p, input())).toEqual({ action: "skip", reason: "posted" });
    const r = toReporting(p, "rep", NOW);
    expect(decideClaim(r, input())).toEqual({ action: "skip", reason: "reporting" });
    expect(decideClaim(closed(r, "synced", NOW), input())).toEqual({ action: "skip", reason: "marked" });
  });

  it("retries a FAILED user-actionable row only when changed or after the cool-down", () => {
    const f = failed(claimed(), { ...failure, category: "user_actionable", message: "fix it" }, NOW);
    expect(f.retryAt).toBe(NOW + failure.coolDownMs);
    expect(decideClaim(f, input({ now: NOW + 1 }))).toEqual({ action: "skip", reason: "failed-unchanged" });
    const changed = decideClaim(f, input({ now: NOW + 1, fingerprint: "fp2" }));
    expect(changed).toMatchObject({
      action: "update",
      outcome: "retry",
      next: { attempts: 0, state: "CLAIMED", told: false },
    });
    expect(changed.action === "update" && changed.next.category).toBeUndefined();
    const later = decideClaim(f, input({ now: NOW + failure.coolDownMs }));
    expect(later).toMatchObject({ action: "update", outcome: "retry", next: { attempts: 1 } });
  });

  it("retries transient and needs-integrator failures at once", () => {
    for (const category of ["transient", "needs_integrator"] as const) {
      const f = failed(claimed(), { ...failure, category, message: "x" }, NOW);
      expect(decideClaim(f, input({ now: NOW + 1 }))).toMatchObject({ action: "update", outcome: "retry" });
    }
  });
});

describe("failure reportability", () => {
  it("user-actionable and needs-integrator at once, transient only from the N-th attempt", () => {
    expect(isReportableFailure("user_actionable", 1, 3)).toBe(true);
    expect(isReportableFailure("needs_integrator", 1, 3)).toBe(true);
    expect([1, 2, 3, 4].map((a) => isReportableFailure("transient", a, 3))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it("failed() counts attempts and sets the flags the reporter reads", () => {
    let row = claimed();
    row = failed(row, { ...failure, category: "transient", message: "down" }, NOW);
    expect(row).toMatchObject({ state: "FAILED", attempts: 1, reportable: false, told: false });
    expect(row.leaseOwner).toBeUndefined();
    expect(isReportable(row)).toBe(false);
    expect(() => toReporting(row, "rep", NOW)).toThrow(/not reportable/);
  });
});

describe("lease and attach rules", () => {
  it("only the lease owner of a CLAIMED row holds it", () => {
    const row = claimed();
    expect(holdsLease(row, "w1")).toBe(true);
    expect(holdsLease(row, "w2")).toBe(false);
    expect(holdsLease(posted(row, "e", NOW), "w1")).toBe(false);
    expect(holdsLease(undefined, "w1")).toBe(false);
  });

  it("a button request attaches to CLAIMED, POSTED and untold FAILED rows only", () => {
    const row = claimed();
    const p = posted(row, "e", NOW);
    const f = failed(row, { ...failure, category: "user_actionable", message: "m" }, NOW);
    const r = toReporting(p, "rep", NOW);
    expect(
      [row, p, f, r, closed(r, "synced", NOW), closed(toReporting(f, "x", NOW), "failed", NOW)].map(
        canAttach,
      ),
    ).toEqual([true, true, true, false, false, false]);
  });
});

describe("close dispositions", () => {
  const p = posted(claimed(), "erp-1", NOW);
  const r = toReporting(p, "rep-1", NOW);

  it("remembers where a REPORTING row came from and returns it there on re-report", () => {
    expect(r).toMatchObject({ state: "REPORTING", reportId: "rep-1", preReportState: "POSTED" });
    const back = closed(r, "re-report", NOW);
    expect(back.state).toBe("POSTED");
    expect(back.reportId).toBeUndefined();
    expect(isReportable(back)).toBe(true);
  });

  it("marks synced and synced-elsewhere rows, and tells failed ones", () => {
    expect(closed(r, "synced", NOW)).toMatchObject({ state: "MARKED", told: true });
    expect(closed(r, "synced-elsewhere", NOW)).toMatchObject({ state: "MARKED", syncedElsewhere: true });
    const f = failed(claimed(), { ...failure, category: "needs_integrator", message: "m" }, NOW);
    expect(closed(toReporting(f, "rep", NOW), "failed", NOW)).toMatchObject({
      state: "FAILED",
      told: true,
      reportable: true,
    });
  });
});

describe("table layout", () => {
  it("buckets FAILED rows by what the reporter needs, and drops MARKED rows from the index", () => {
    const f = (told: boolean, reportable: boolean) => bucketOf({ state: "FAILED", told, reportable });
    expect([f(false, true), f(false, false), f(true, true)]).toEqual([
      "FAILED_REPORTABLE",
      "FAILED_RETRY",
      "FAILED_TOLD",
    ]);
    expect(bucketOf({ state: "MARKED", told: true })).toBeNull();
    const marked = toLedgerRecord(closed(toReporting(posted(claimed(), "e", NOW), "r", NOW), "synced", NOW));
    expect(marked.GSI1PK).toBeUndefined();
  });

  it("keys a row by tenant and kind/id, and indexes it by bucket × sync type with the request first", () => {
    const rec = toLedgerRecord({ ...posted(claimed(), "e", NOW), syncRequestId: "req-7" });
    expect(rec.PK).toBe("TENANT#acme");
    expect(rec.SK).toBe("LEDGER#transaction#t1");
    expect(rec.GSI1PK).toBe(ledgerGsi1Pk("acme", "POSTED", "TRANSACTION_SYNC"));
    expect(rec.GSI1SK).toBe(`REQ#req-7#${new Date(NOW).toISOString()}#transaction#t1`);
    expect(String(rec.GSI1SK).startsWith(ledgerGsi1Prefix("req-7"))).toBe(true);
    expect(String(rec.GSI1SK).startsWith(ledgerGsi1Prefix(null))).toBe(false);
    expect(fromLedgerRecord(rec)).toEqual({ ...posted(claimed(), "e", NOW), syncRequestId: "req-7" });
  });

  it("orders index entries by time within a request", () => {
    const a = ledgerGsi1Sk({ kind: "bill", rampId: "z", updatedAt: NOW });
    const b = ledgerGsi1Sk({ kind: "bill", rampId: "a", updatedAt: NOW + 1 });
    expect(a < b).toBe(true);
  });

  it("vendor credits, which have no sync type, are indexed under their kind", () => {
    const d = decideClaim(undefined, input({ kind: "vendor_credit" }));
    if (d.action !== "create") throw new Error("expected create");
    expect(toLedgerRecord(d.next).GSI1PK).toBe("LEDGER#acme#CLAIMED#vendor_credit");
  });
});

describe("posted: a kind Ramp has no sync for", () => {
  it("finishes a vendor credit MARKED (nothing to report), never leaving it POSTED as backlog", () => {
    const d = decideClaim(undefined, input({ kind: "vendor_credit" }));
    if (d.action !== "create") throw new Error("expected a create");
    expect(posted(d.next, "J000009", NOW)).toMatchObject({ state: "MARKED", told: true, erpRef: "J000009" });
    expect(posted(claimed(), "erp-1", NOW).state).toBe("POSTED");
  });
});
