import { describe, expect, it } from "vitest";
import type { LedgerItem } from "../../lib/store/ledger-item.js";
import { adopted } from "../../lib/sync/ledger-rules.js";

const input = {
  tenantId: "acme",
  kind: "bill" as const,
  rampId: "b1",
  erpRef: "account.invoice,7",
  entityId: "e1",
};
const row = (over: Partial<LedgerItem>): LedgerItem => ({
  tenantId: "acme",
  kind: "bill",
  rampId: "b1",
  state: "FAILED",
  rev: 4,
  attempts: 2,
  told: true,
  reportable: false,
  retryAt: 99,
  category: "user_actionable",
  message: "Vendor missing",
  fingerprint: "f",
  createdAt: 1,
  updatedAt: 2,
  ...over,
});

describe("adopting a phase Ramp already shows synced", () => {
  it("creates a MARKED, synced-elsewhere row with Ramp's ERP id when we never saw the object", () => {
    expect(adopted(undefined, input, 50)).toEqual({
      tenantId: "acme",
      kind: "bill",
      rampId: "b1",
      state: "MARKED",
      rev: 0,
      attempts: 0,
      told: true,
      syncedElsewhere: true,
      erpRef: "account.invoice,7",
      fingerprint: "adopted",
      entityId: "e1",
      createdAt: 50,
      updatedAt: 50,
    });
  });

  it("closes our own failed attempt as synced elsewhere, at the next revision", () => {
    const next = adopted(row({}), input, 60);
    expect(next).toMatchObject({
      state: "MARKED",
      rev: 5,
      syncedElsewhere: true,
      erpRef: "account.invoice,7",
    });
    expect(next).not.toHaveProperty("retryAt");
    expect(next).not.toHaveProperty("reportable");
  });

  it.each(["CLAIMED", "POSTED", "REPORTING", "MARKED"] as const)("leaves a %s row alone", (state) => {
    expect(adopted(row({ state }), input, 70)).toBeNull();
  });
});

describe("adopting without an ERP id", () => {
  it("still mirrors Ramp's synced state, with no erpRef", () => {
    const next = adopted(undefined, { ...input, erpRef: null }, 80);
    expect(next).toMatchObject({ state: "MARKED", syncedElsewhere: true });
    expect(next).not.toHaveProperty("erpRef");
  });
});
