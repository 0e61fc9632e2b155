/**
 * What an operator may do to a ledger row, as pure rules beside the service's
 * own (ledger-rules.ts): each takes the row as read and returns the next row,
 * or why not. Both go through the normal protocol afterwards, so an operator
 * can never cause a second ERP posting:
 *
 * - retry: a FAILED row loses its cool-down (`retryAt`), so the next claim of
 *   the unchanged object is a retry — which looks the reference up in the ERP
 *   before posting (Complete or finish). The object is then re-queued.
 * - mark-synced: an object the operator posted by hand becomes POSTED with the
 *   operator's ERP id, and the reporter tells Ramp through a report intent like
 *   any other (vendor credits, which Ramp has no sync for, become MARKED).
 *
 * Every operator step is written into the row's history with who and why.
 */
import { type Kind, SYNC_TYPE_BY_KIND } from "../domain/kinds.js";
import { stepOf, withoutTransient } from "./ledger-rules.js";
import type { LedgerItem } from "./ports.js";

export interface OperatorAct {
  by: string;
  reason: string;
  now: number;
}

export type Refusal = "not-found" | "already-synced" | "in-flight" | "being-reported" | "not-failed" | "held";

export type OperatorDecision =
  | { ok: true; next: LedgerItem | null }
  | { ok: false; refusal: Refusal; message: string };

const refuse = (refusal: Refusal, message: string): OperatorDecision => ({ ok: false, refusal, message });

/** Whether a CLAIMED row's holder may still be writing (a live lease). */
const live = (item: LedgerItem, now: number) => item.state === "CLAIMED" && (item.leaseUntil ?? 0) > now;

function withStep(next: LedgerItem, act: OperatorAct, action: string): LedgerItem {
  const step = stepOf(next, { by: act.by, action, note: act.reason });
  return { ...next, history: [...(next.history ?? []), step] };
}

/**
 * Retry: `next` is the row to write (FAILED with no cool-down), or null when only the
 * re-queue is needed — no row yet (never claimed), or a CLAIMED row whose lease expired
 * (the next claim is a takeover that re-checks the ERP).
 */
export function retryDecision(item: LedgerItem | undefined, act: OperatorAct): OperatorDecision {
  if (!item) return { ok: true, next: null };
  switch (item.state) {
    case "MARKED":
      return refuse("already-synced", "is synced; nothing to retry");
    case "POSTED":
    case "REPORTING":
      return refuse("being-reported", "is in the ERP and being reported to Ramp; the sweep finishes it");
    case "HELD":
      return refuse("held", `is held: ${item.heldReason ?? "waiting for a related object"}`);
    case "CLAIMED":
      if (live(item, act.now)) return refuse("in-flight", "is being synced right now");
      return { ok: true, next: null };
    case "FAILED": {
      const { retryAt: _cooling, ...rest } = item;
      return {
        ok: true,
        next: withStep({ ...rest, rev: item.rev + 1, updatedAt: act.now }, act, "retry"),
      };
    }
  }
}

/**
 * Mark synced: the object is in the ERP under `erpRef` because the operator put it there.
 * Refused while the service itself is on it, and when Ramp already has it.
 */
export function markSyncedDecision(
  item: LedgerItem | undefined,
  input: OperatorAct & { tenantId: string; kind: Kind; rampId: string; erpRef: string },
): OperatorDecision {
  const state = SYNC_TYPE_BY_KIND[input.kind] === null ? "MARKED" : "POSTED";
  if (item) {
    if (item.state === "MARKED") return refuse("already-synced", "is already synced");
    if (item.state === "POSTED" || item.state === "REPORTING")
      return refuse("being-reported", `is already in the ERP as ${item.erpRef ?? "?"} and being reported`);
    if (live(item, input.now))
      return refuse("in-flight", "is being synced right now; try again in a few minutes");
  }
  const base: LedgerItem = item ?? {
    tenantId: input.tenantId,
    kind: input.kind,
    rampId: input.rampId,
    state,
    rev: -1,
    attempts: 0,
    told: false,
    fingerprint: "operator",
    createdAt: input.now,
    updatedAt: input.now,
  };
  const rest = withoutTransient(base);
  const next: LedgerItem = {
    ...rest,
    state,
    erpRef: input.erpRef,
    told: state === "MARKED",
    rev: base.rev + 1,
    updatedAt: input.now,
  };
  return { ok: true, next: withStep(next, input, "mark-synced") };
}
