/** Ledger rows for the status unit tests. */
import type { LedgerItem } from "../../../lib/sync/ports.js";

export const T0 = Date.UTC(2026, 5, 1, 12);

export function row(over: Partial<LedgerItem> & Pick<LedgerItem, "rampId">): LedgerItem {
  return {
    tenantId: "t1",
    kind: "transaction",
    state: "FAILED",
    rev: 1,
    attempts: 1,
    told: false,
    fingerprint: "f",
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}
