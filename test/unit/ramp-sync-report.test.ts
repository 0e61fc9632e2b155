import { describe, expect, it } from "vitest";
import { chunk, parseSyncRefusals, splitSyncReport, syncIdempotencyKey } from "../../lib/ramp/sync-report.js";

const ok = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `ok-${String(i).padStart(5, "0")}`, reference_id: `JE-${i}` }));
const bad = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `bad-${String(i).padStart(5, "0")}`,
    error: { message: `no ${i}` },
  }));

describe("splitSyncReport", () => {
  it("splits into calls of at most 5,000 per list and never sends an empty list", () => {
    const calls = splitSyncReport({
      tenantId: "t",
      syncType: "BILL_SYNC",
      successful: ok(12_001),
      failed: bad(5_001),
    });
    expect(calls.map((c) => [c.successful_syncs?.length, c.failed_syncs?.length])).toEqual([
      [5000, 5000],
      [5000, 1],
      [2001, undefined],
    ]);
    expect(calls.every((c) => !("failed_syncs" in c) || (c.failed_syncs?.length ?? 0) > 0)).toBe(true);
    expect(calls[2]).not.toHaveProperty("failed_syncs");
    expect(calls.every((c) => !("sync_request_id" in c))).toBe(true);
    const ids = calls.flatMap((c) =>
      [...(c.successful_syncs ?? []), ...(c.failed_syncs ?? [])].map((x) => x.id),
    );
    expect(new Set(ids).size).toBe(17_002);
    expect(new Set(calls.map((c) => c.idempotency_key)).size).toBe(3);
  });

  it("returns no call for an empty report", () => {
    expect(splitSyncReport({ tenantId: "t", syncType: "BILL_SYNC", successful: [], failed: [] })).toEqual([]);
  });

  it("derives the same keys for a replay, whatever the order of the rows", () => {
    const report = {
      tenantId: "t",
      syncType: "TRANSACTION_SYNC" as const,
      syncRequestId: "r1",
      successful: ok(7),
      failed: bad(2),
    };
    const a = splitSyncReport(report, 3);
    const b = splitSyncReport({ ...report, successful: [...report.successful].reverse() }, 3);
    expect(b).toEqual(a);
    expect(a[0]?.sync_request_id).toBe("r1");
  });

  it("changes the key when anything in the content changes", () => {
    const base = syncIdempotencyKey("t", "TRANSACTION_SYNC", null, ok(2), []);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(syncIdempotencyKey("t2", "TRANSACTION_SYNC", null, ok(2), [])).not.toBe(base);
    expect(syncIdempotencyKey("t", "REIMBURSEMENT_SYNC", null, ok(2), [])).not.toBe(base);
    expect(syncIdempotencyKey("t", "TRANSACTION_SYNC", "req", ok(2), [])).not.toBe(base);
    const changedRef = ok(2).map((s, i) => (i === 1 ? { ...s, reference_id: "JE-other" } : s));
    expect(syncIdempotencyKey("t", "TRANSACTION_SYNC", null, changedRef, [])).not.toBe(base);
    // An outcome moving from success to failure is new content.
    expect(
      syncIdempotencyKey("t", "TRANSACTION_SYNC", null, ok(1), [{ id: "ok-00001", error: { message: "x" } }]),
    ).not.toBe(base);
  });
});

describe("chunk", () => {
  it("chunks and refuses a nonsensical size", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 500)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow();
  });
});

describe("parseSyncRefusals", () => {
  it("reads an id → reason map and a bare list", () => {
    expect(
      parseSyncRefusals({
        additionalInfo: { "id-1": "NOT_READY", "id-2": { reason: "NOT_FOUND", message: "gone" } },
      }),
    ).toEqual([
      { id: "id-1", reason: "NOT_READY", message: null },
      { id: "id-2", reason: "NOT_FOUND", message: "gone" },
    ]);
    expect(parseSyncRefusals({ additionalInfo: [{ id: "x", code: "WRONG_SYNC_TYPE" }] })).toEqual([
      { id: "x", reason: "WRONG_SYNC_TYPE", message: null },
    ]);
  });

  it("returns null for a plain validation error", () => {
    expect(parseSyncRefusals({ additionalInfo: { successful_syncs: ["must not be empty"] } })).toBeNull();
    expect(parseSyncRefusals({ additionalInfo: null })).toBeNull();
  });
});
