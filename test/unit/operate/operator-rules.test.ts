/**
 * The operator's transitions (lib/sync/operator-rules.ts): retry drops only the
 * cool-down of a FAILED row and refuses rows the service is busy with or has
 * finished; mark-synced records the operator's ERP id as POSTED (MARKED for
 * vendor credits) with an audited history step, and refuses while in flight.
 */
import { describe, expect, it } from "vitest";
import { markSyncedDecision, retryDecision } from "../../../lib/sync/operator-rules.js";
import type { LedgerItem } from "../../../lib/sync/ports.js";

const NOW = Date.UTC(2026, 11, 2, 9);
const row = (over: Partial<LedgerItem> = {}): LedgerItem => ({
  tenantId: "acme",
  kind: "transaction",
  rampId: "t1",
  state: "FAILED",
  rev: 4,
  attempts: 2,
  category: "user_actionable",
  message: "Account 6100 is inactive",
  reportable: true,
  told: true,
  retryAt: NOW + 3_600_000,
  fingerprint: "f",
  createdAt: NOW - 10_000,
  updatedAt: NOW - 5_000,
  ...over,
});
const act = { by: "ops:ana:1234", reason: "account reactivated", now: NOW };

describe("retryDecision", () => {
  it("drops a FAILED row's cool-down and records who and why; nothing else changes", () => {
    const d = retryDecision(row(), act);
    if (!d.ok || !d.next) throw new Error("expected a write");
    expect(d.next.retryAt).toBeUndefined();
    expect(d.next).toMatchObject({ state: "FAILED", attempts: 2, rev: 5, updatedAt: NOW, told: true });
    expect(d.next.history?.at(-1)).toEqual({
      at: NOW,
      state: "FAILED",
      rev: 5,
      category: "user_actionable",
      note: "account reactivated",
      by: "ops:ana:1234",
      action: "retry",
    });
  });

  it("needs no write for an object never seen or a CLAIMED row whose lease expired (the claim is a takeover)", () => {
    expect(retryDecision(undefined, act)).toEqual({ ok: true, next: null });
    expect(retryDecision(row({ state: "CLAIMED", leaseUntil: NOW - 1 }), act)).toEqual({
      ok: true,
      next: null,
    });
  });

  it.each([
    ["MARKED", {}, "already-synced"],
    ["POSTED", {}, "being-reported"],
    ["REPORTING", {}, "being-reported"],
    ["CLAIMED", { leaseUntil: NOW + 1 }, "in-flight"],
    ["HELD", { heldReason: "the bill is not in the ERP yet" }, "held"],
  ] as const)("refuses a %s row (%s)", (state, over, refusal) => {
    expect(retryDecision(row({ state, ...over }), act)).toMatchObject({ ok: false, refusal });
  });
});

describe("markSyncedDecision", () => {
  const input = { ...act, tenantId: "acme", kind: "transaction" as const, rampId: "t1", erpRef: "MOVE-77" };

  it("turns a FAILED row POSTED with the operator's ERP id (the reporter tells Ramp), failure fields cleared", () => {
    const d = markSyncedDecision(row(), input);
    if (!d.ok || !d.next) throw new Error("expected a write");
    expect(d.next).toMatchObject({ state: "POSTED", erpRef: "MOVE-77", told: false, rev: 5 });
    expect(d.next.category).toBeUndefined();
    expect(d.next.retryAt).toBeUndefined();
    expect(d.next.history?.at(-1)).toMatchObject({
      action: "mark-synced",
      by: "ops:ana:1234",
      erpRef: "MOVE-77",
    });
  });

  it("creates the row for an object never seen; a vendor credit (no Ramp sync) is MARKED", () => {
    const d = markSyncedDecision(undefined, input);
    expect(d).toMatchObject({ ok: true, next: { state: "POSTED", rev: 0, erpRef: "MOVE-77" } });
    const vc = markSyncedDecision(undefined, { ...input, kind: "vendor_credit" });
    expect(vc).toMatchObject({ ok: true, next: { state: "MARKED", told: true } });
  });

  it.each([
    ["MARKED", {}, "already-synced"],
    ["POSTED", { erpRef: "M-1" }, "being-reported"],
    ["REPORTING", {}, "being-reported"],
    ["CLAIMED", { leaseUntil: NOW + 1 }, "in-flight"],
  ] as const)("refuses a %s row", (state, over, refusal) => {
    expect(markSyncedDecision(row({ state, ...over }), input)).toMatchObject({ ok: false, refusal });
  });
});
