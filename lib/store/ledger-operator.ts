/**
 * Operator transitions of ledger rows (lib/sync/operator-rules.ts), written
 * like every other: read → decide → put conditional on the `rev` read, again
 * on a lost race, so an operator acting while a worker moves the row gets the
 * decision for the row as it now is.
 */
import type { Kind } from "../domain/kinds.js";
import {
  markSyncedDecision,
  type OperatorAct,
  type OperatorDecision,
  retryDecision,
} from "../sync/operator-rules.js";
import type { LedgerItem } from "../sync/ports.js";
import { type StoreDeps, transitionLedgerItem } from "./ledger.js";

export type OperatorResult = OperatorDecision & { item: LedgerItem | undefined };

export function createOperatorLedger(deps: StoreDeps) {
  const act = (
    tenantId: string,
    kind: Kind,
    rampId: string,
    decide: (item: LedgerItem | undefined) => OperatorDecision,
  ) =>
    transitionLedgerItem<OperatorResult>(deps, tenantId, kind, rampId, (item) => {
      const d = decide(item);
      if (!d.ok || d.next === null) return { result: { ...d, item } };
      return { next: d.next, result: (written) => ({ ...d, item: written }) };
    });
  return {
    /** FAILED → FAILED without its cool-down (or nothing to write); see retryDecision. */
    requestRetry: (tenantId: string, kind: Kind, rampId: string, a: OperatorAct) =>
      act(tenantId, kind, rampId, (item) => retryDecision(item, a)),
    /** → POSTED (MARKED for vendor credits) with the operator's ERP id; see markSyncedDecision. */
    markSynced: (tenantId: string, kind: Kind, rampId: string, a: OperatorAct & { erpRef: string }) =>
      act(tenantId, kind, rampId, (item) => markSyncedDecision(item, { ...a, tenantId, kind, rampId })),
  };
}
export type OperatorLedger = ReturnType<typeof createOperatorLedger>;
