import { describe, expect, it } from "vitest";
import { fingerprintOf } from "../../lib/domain/fingerprint.js";
import {
  canonicalOutcomes,
  checkListLimits,
  chunkForIntent,
  idempotencyKeyOf,
  outcomeBytes,
  outcomeOf,
  type ReportOutcome,
} from "../../lib/store/report-content.js";
import { decideClaim, failed, posted } from "../../lib/sync/ledger-rules.js";

const ok = (rampId: string, erpRef = `erp-${rampId}`): ReportOutcome => ({
  kind: "transaction",
  rampId,
  result: "synced",
  erpRef,
});
const ko = (rampId: string, message = "closed"): ReportOutcome => ({
  kind: "transaction",
  rampId,
  result: "failed",
  category: "user_actionable",
  message,
});

describe("idempotency key", () => {
  const base = [ok("a"), ko("b"), ok("c")];
  const key = idempotencyKeyOf("acme", "TRANSACTION_SYNC", null, base);

  it("is sha256 hex and does not depend on the order rows were gathered in", () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyKeyOf("acme", "TRANSACTION_SYNC", null, [...base].reverse())).toBe(key);
  });

  it("changes with tenant, sync type, request, ids and outcomes", () => {
    const variants = [
      idempotencyKeyOf("other", "TRANSACTION_SYNC", null, base),
      idempotencyKeyOf("acme", "REIMBURSEMENT_SYNC", null, base),
      idempotencyKeyOf("acme", "TRANSACTION_SYNC", "req-1", base),
      idempotencyKeyOf("acme", "TRANSACTION_SYNC", null, [ok("a"), ko("b")]),
      idempotencyKeyOf("acme", "TRANSACTION_SYNC", null, [ok("a", "erp-other"), ko("b"), ok("c")]),
      idempotencyKeyOf("acme", "TRANSACTION_SYNC", null, [ok("a"), ko("b", "another message"), ok("c")]),
    ];
    expect(new Set([key, ...variants]).size).toBe(variants.length + 1);
  });

  it("refuses a report naming one row twice", () => {
    expect(() => canonicalOutcomes([ok("a"), ko("a")])).toThrow(/twice/);
  });
});

describe("report limits and chunking", () => {
  it("allows 5,000 synced plus 5,000 failed, not more of either", () => {
    const synced = Array.from({ length: 5_000 }, (_, i) => ok(`s${i}`));
    const failedRows = Array.from({ length: 5_000 }, (_, i) => ko(`f${i}`));
    expect(() => checkListLimits([...synced, ...failedRows])).not.toThrow();
    expect(() => checkListLimits([...synced, ok("one-more")])).toThrow(/at most 5000/);
  });

  it("cuts at 99 rows per transaction (one operation is the chunk record)", () => {
    const rows = Array.from({ length: 250 }, (_, i) => ok(`r${i}`));
    const chunks = chunkForIntent(rows, outcomeBytes);
    expect(chunks.map((c) => c.length)).toEqual([99, 99, 52]);
    expect(chunks.flat()).toEqual(rows);
  });

  it("cuts by bytes when messages are long, and refuses a single oversized outcome", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ko(`r${i}`, "x".repeat(100_000)));
    const chunks = chunkForIntent(rows, outcomeBytes);
    for (const c of chunks) expect(c.reduce((n, o) => n + outcomeBytes(o), 0)).toBeLessThanOrEqual(300_000);
    expect(chunks.flat()).toHaveLength(10);
    expect(() => chunkForIntent([ko("big", "x".repeat(400_000))], outcomeBytes)).toThrow(/over the/);
  });
});

describe("outcomeOf", () => {
  const d = decideClaim(undefined, {
    tenantId: "acme",
    kind: "bill",
    rampId: "b1",
    owner: "w",
    leaseMs: 1_000,
    fingerprint: "f",
    now: 0,
  });
  if (d.action !== "create") throw new Error("expected create");

  it("reports a POSTED row as synced with its ERP id and a FAILED row with its message", () => {
    expect(outcomeOf(posted(d.next, "INV-7", 1))).toEqual({
      kind: "bill",
      rampId: "b1",
      result: "synced",
      erpRef: "INV-7",
    });
    const f = failed(
      d.next,
      { category: "needs_integrator", message: "boom", transientAttemptsBeforeReport: 3, coolDownMs: 0 },
      1,
    );
    expect(outcomeOf(f)).toEqual({
      kind: "bill",
      rampId: "b1",
      result: "failed",
      category: "needs_integrator",
      message: "boom",
    });
    expect(() => outcomeOf(d.next)).toThrow(/no reportable outcome/);
  });
});

describe("fingerprintOf", () => {
  it("ignores key order and named volatile fields, but not real changes", () => {
    const a = fingerprintOf({ id: "1", amount: { v: 100, c: "USD" }, syncStatus: "SYNC_READY" }, [
      "syncStatus",
    ]);
    const b = fingerprintOf({ amount: { c: "USD", v: 100 }, id: "1", syncStatus: "SYNCED" }, ["syncStatus"]);
    const c = fingerprintOf({ id: "1", amount: { v: 101, c: "USD" }, syncStatus: "SYNC_READY" }, [
      "syncStatus",
    ]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
});
