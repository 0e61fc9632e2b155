/**
 * The ledger's state machine as pure functions: each takes the item as read
 * and returns the next item (or why not). ledger.ts writes the result with a
 * condition on the `rev` it was computed from, so the rules here are the only
 * place where transitions are decided and they are unit-tested without a table.
 *
 *   (none) ─claim→ CLAIMED ─recordPosted→ POSTED ─flip→ REPORTING ─close→ MARKED
 *                    │  ▲                                   │
 *        recordFailed│  │claim (changed / cool-down over)   └─close(failed)→ FAILED told
 *                    ▼  │
 *                   FAILED ─flip (reportable, untold)→ REPORTING
 *   CLAIMED with an expired lease ─claim→ CLAIMED (takeover: re-check the ERP first)
 *   (none) ─hold→ HELD ─claim→ CLAIMED (nothing was written to the ERP for a held object)
 *
 * Every write also appends a step to the row's history (withHistory) when its
 * state, ERP id or failure changed, or an operator acted: what `ops show` prints.
 */
import { type ErrorCategory, type Kind, SYNC_TYPE_BY_KIND } from "../domain/kinds.js";
import type { HistoryEntry, LedgerItem } from "./ports.js";

export interface ClaimInput {
  tenantId: string;
  kind: Kind;
  rampId: string;
  /** Who holds the lease (e.g. the Lambda request id + message id); compared on every later write. */
  owner: string;
  leaseMs: number;
  /** fingerprintOf(the object as listed). */
  fingerprint: string;
  entityId?: string | null;
  /** Set when a Sync Button request asked for this object. */
  syncRequestId?: string | null;
  now: number;
}

export type SkipReason = "marked" | "in-flight" | "posted" | "reporting" | "failed-unchanged";

export type ClaimDecision =
  /** A new row, or a HELD one (nothing of it is in the ERP): the caller owns it and posts. */
  | { action: "create"; next: LedgerItem }
  /** `takeover`: the previous holder's lease expired — the caller must look the reference up in the ERP first. */
  | { action: "update"; next: LedgerItem; outcome: "takeover" | "retry" }
  | { action: "skip"; reason: SkipReason };

/** Fields that only mean something in one state; cleared when leaving it. */
export function withoutTransient(item: LedgerItem): LedgerItem {
  const {
    leaseOwner: _o,
    leaseUntil: _u,
    category: _c,
    message: _m,
    reportable: _r,
    retryAt: _a,
    preReportState: _p,
    reportId: _i,
    heldReason: _h,
    ...rest
  } = item;
  return { ...rest, told: false };
}

export function decideClaim(existing: LedgerItem | undefined, input: ClaimInput): ClaimDecision {
  const { now } = input;
  const lease = { leaseOwner: input.owner, leaseUntil: now + input.leaseMs };
  const request = input.syncRequestId ? { syncRequestId: input.syncRequestId } : {};
  const entity = input.entityId ? { entityId: input.entityId } : {};
  if (!existing) {
    return {
      action: "create",
      next: {
        tenantId: input.tenantId,
        kind: input.kind,
        rampId: input.rampId,
        state: "CLAIMED",
        rev: 0,
        ...lease,
        attempts: 0,
        told: false,
        fingerprint: input.fingerprint,
        ...request,
        ...entity,
        createdAt: now,
        updatedAt: now,
      },
    };
  }
  switch (existing.state) {
    case "HELD":
      return {
        action: "create",
        next: {
          ...withoutTransient(existing),
          state: "CLAIMED",
          ...lease,
          ...request,
          ...entity,
          attempts: 0,
          fingerprint: input.fingerprint,
          rev: existing.rev + 1,
          updatedAt: now,
        },
      };
    case "MARKED":
      return { action: "skip", reason: "marked" };
    case "POSTED":
      return { action: "skip", reason: "posted" };
    case "REPORTING":
      return { action: "skip", reason: "reporting" };
    case "CLAIMED": {
      if ((existing.leaseUntil ?? 0) > now) return { action: "skip", reason: "in-flight" };
      const next: LedgerItem = {
        ...existing,
        ...lease,
        ...request,
        ...entity,
        fingerprint: input.fingerprint,
        rev: existing.rev + 1,
        updatedAt: now,
      };
      return { action: "update", next, outcome: "takeover" };
    }
    case "FAILED": {
      const changed = existing.fingerprint !== input.fingerprint;
      if (!changed && existing.retryAt !== undefined && now < existing.retryAt) {
        return { action: "skip", reason: "failed-unchanged" };
      }
      const next: LedgerItem = {
        ...withoutTransient(existing),
        state: "CLAIMED",
        ...lease,
        ...request,
        ...entity,
        // A changed object is a new story: its earlier failures do not count towards N.
        attempts: changed ? 0 : existing.attempts,
        fingerprint: input.fingerprint,
        rev: existing.rev + 1,
        updatedAt: now,
      };
      return { action: "update", next, outcome: "retry" };
    }
  }
}

export type LeaseCheck = { ok: true } | { ok: false; reason: "lost-lease" };

/**
 * The holder keeps the lease while nobody has taken it over, even past
 * `leaseUntil`: the ERP write already happened, and recording it is correct as
 * long as no one else started on the object.
 */
export function holdsLease(item: LedgerItem | undefined, owner: string): item is LedgerItem {
  return !!item && item.state === "CLAIMED" && item.leaseOwner === owner;
}

export function renewed(item: LedgerItem, leaseMs: number, now: number): LedgerItem {
  return { ...item, leaseUntil: now + leaseMs, rev: item.rev + 1, updatedAt: now };
}

/**
 * CLAIMED → POSTED with the ERP's id; a kind Ramp has no sync for (vendor credits) is
 * finished here — MARKED, nothing to tell — instead of waiting in POSTED for a report
 * that never comes (where it would count as backlog and as unsynced forever).
 */
export function posted(item: LedgerItem, erpRef: string, now: number): LedgerItem {
  const done = SYNC_TYPE_BY_KIND[item.kind] === null;
  return {
    ...withoutTransient(item),
    state: done ? "MARKED" : "POSTED",
    ...(done ? { told: true } : {}),
    erpRef,
    rev: item.rev + 1,
    updatedAt: now,
  };
}

/**
 * The object waits for another one (item-gate "held"): a HELD row when it has none, the
 * reason refreshed when it changed; null (no write) for a row in any other state, or an
 * unchanged hold — a poll that re-holds the same object every hour writes nothing.
 */
export function held(
  existing: LedgerItem | undefined,
  input: {
    tenantId: string;
    kind: LedgerItem["kind"];
    rampId: string;
    reason: string;
    fingerprint: string;
    entityId?: string | undefined;
  },
  now: number,
): LedgerItem | null {
  if (!existing)
    return {
      tenantId: input.tenantId,
      kind: input.kind,
      rampId: input.rampId,
      state: "HELD",
      rev: 0,
      attempts: 0,
      told: false,
      heldReason: input.reason,
      fingerprint: input.fingerprint,
      ...(input.entityId ? { entityId: input.entityId } : {}),
      createdAt: now,
      updatedAt: now,
    };
  if (existing.state !== "HELD" || existing.heldReason === input.reason) return null;
  return {
    ...existing,
    heldReason: input.reason,
    fingerprint: input.fingerprint,
    rev: existing.rev + 1,
    updatedAt: now,
  };
}

/** How many steps a row keeps: enough for any real story, bounded so a row never nears DynamoDB's 400 KB. */
export const HISTORY_LIMIT = 30;

/** Long failure messages are kept whole on the row; the history keeps their start. */
const NOTE_LIMIT = 300;

/**
 * `next` with its history: a step appended when the state, ERP id, failure or hold
 * reason changed from `prev` (lease renewals and request attachments add none), unless
 * the transition already wrote its own step for this revision (operator actions do).
 */
export function withHistory(prev: LedgerItem | undefined, next: LedgerItem): LedgerItem {
  const history = next.history ?? prev?.history ?? [];
  if (history.at(-1)?.rev === next.rev) return { ...next, history };
  const changed =
    !prev ||
    prev.state !== next.state ||
    prev.erpRef !== next.erpRef ||
    prev.message !== next.message ||
    prev.heldReason !== next.heldReason;
  if (!changed) return { ...next, ...(history.length ? { history } : {}) };
  return { ...next, history: [...history, stepOf(next)].slice(-HISTORY_LIMIT) };
}

/** The step a row's current state makes, optionally by an operator. */
export function stepOf(item: LedgerItem, by?: { by: string; action: string; note: string }): HistoryEntry {
  const note = by?.note ?? (item.state === "HELD" ? item.heldReason : item.message);
  return {
    at: item.updatedAt,
    state: item.state,
    rev: item.rev,
    ...(item.erpRef ? { erpRef: item.erpRef } : {}),
    ...(item.category && item.state === "FAILED" ? { category: item.category } : {}),
    ...(note ? { note: note.length > NOTE_LIMIT ? `${note.slice(0, NOTE_LIMIT - 1)}…` : note } : {}),
    ...(item.reportId && item.state === "REPORTING" ? { reportId: item.reportId } : {}),
    ...(by ? { by: by.by, action: by.action } : {}),
  };
}

/** Gives the object back without a result (e.g. held until a related object is posted): next claim is a takeover. */
export function released(item: LedgerItem, now: number): LedgerItem {
  return { ...item, leaseUntil: now, rev: item.rev + 1, updatedAt: now };
}

export interface FailureInput {
  category: ErrorCategory;
  message: string;
  /** N: transient failures are told to Ramp only from this many attempts (tenant sync.transientAttemptsBeforeReport). */
  transientAttemptsBeforeReport: number;
  /** User-actionable: not retried with an unchanged object before this long (ms). */
  coolDownMs: number;
  /**
   * Any category: not retried with an unchanged object before the cool-down either.
   * For failures that an unchanged object can only repeat — one Ramp sent in a shape
   * we cannot read is needs-integrator, yet re-reading it every poll would only
   * report the same failure to Ramp again and again.
   */
  holdUnchanged?: boolean;
}

/** ARCHITECTURE: reportable at once when user-actionable or needs-integrator; transient only once attempts ≥ N. */
export function isReportableFailure(
  category: ErrorCategory,
  attempts: number,
  transientAttemptsBeforeReport: number,
) {
  return category !== "transient" || attempts >= transientAttemptsBeforeReport;
}

export function failed(item: LedgerItem, f: FailureInput, now: number): LedgerItem {
  const attempts = item.attempts + 1;
  return {
    ...withoutTransient(item),
    state: "FAILED",
    attempts,
    category: f.category,
    message: f.message,
    reportable: isReportableFailure(f.category, attempts, f.transientAttemptsBeforeReport),
    ...(f.category === "user_actionable" || f.holdUnchanged ? { retryAt: now + f.coolDownMs } : {}),
    rev: item.rev + 1,
    updatedAt: now,
  };
}

/** States a Sync Button request may attach itself to: the row will still be reported, under that request. */
export function canAttach(item: LedgerItem): boolean {
  return item.state === "CLAIMED" || item.state === "POSTED" || (item.state === "FAILED" && !item.told);
}

export function attached(item: LedgerItem, syncRequestId: string, now: number): LedgerItem {
  return { ...item, syncRequestId, rev: item.rev + 1, updatedAt: now };
}

/** POSTED, or FAILED reportable and untold: what a report may contain. */
export function isReportable(item: LedgerItem): boolean {
  return item.state === "POSTED" || (item.state === "FAILED" && item.reportable === true && !item.told);
}

export function toReporting(item: LedgerItem, reportId: string, now: number): LedgerItem {
  if (!isReportable(item))
    throw new Error(`ledger ${item.kind}/${item.rampId} is ${item.state}, not reportable`);
  return {
    ...item,
    state: "REPORTING",
    reportId,
    preReportState: item.state as "POSTED" | "FAILED",
    rev: item.rev + 1,
    updatedAt: now,
  };
}

/**
 * How a report ended for one row: `synced`/`failed` as reported; `synced-elsewhere`
 * when Ramp answered ALREADY_SYNCED; `re-report` hands the row back to be reported
 * again in a new intent (the rest of a 422-split report).
 */
export type CloseDisposition = "synced" | "failed" | "synced-elsewhere" | "re-report";

export function closed(item: LedgerItem, disposition: CloseDisposition, now: number): LedgerItem {
  const base = { rev: item.rev + 1, updatedAt: now };
  const { preReportState, ...rest } = item;
  switch (disposition) {
    case "synced":
      return { ...rest, ...base, state: "MARKED", told: true };
    case "synced-elsewhere":
      return { ...rest, ...base, state: "MARKED", told: true, syncedElsewhere: true };
    case "failed":
      return { ...rest, ...base, state: "FAILED", told: true };
    case "re-report": {
      const { reportId: _r, ...back } = rest;
      return { ...back, ...base, state: preReportState ?? "POSTED" };
    }
  }
}

export interface AdoptInput {
  tenantId: string;
  kind: LedgerItem["kind"];
  rampId: string;
  /** The ERP id Ramp holds for it (e.g. a bill's `remote_id`), when it holds one. */
  erpRef: string | null;
  entityId?: string | undefined;
}

/**
 * A phase Ramp already shows as synced that we never reported — exported before
 * this integration existed, by a previous one, or through Ramp's UI. Recording it
 * MARKED (synced elsewhere, with Ramp's ERP id) lets what depends on it proceed:
 * a bill's payment is only reported once its bill is MARKED. Null when there is
 * nothing to adopt: already MARKED, or our own attempt is in flight and will close
 * itself (Ramp then refuses it as ALREADY_SYNCED and it is closed as synced elsewhere).
 */
export function adopted(existing: LedgerItem | undefined, input: AdoptInput, now: number): LedgerItem | null {
  if (!existing) {
    return {
      tenantId: input.tenantId,
      kind: input.kind,
      rampId: input.rampId,
      state: "MARKED",
      rev: 0,
      attempts: 0,
      told: true,
      syncedElsewhere: true,
      ...(input.erpRef ? { erpRef: input.erpRef } : {}),
      fingerprint: "adopted",
      ...(input.entityId ? { entityId: input.entityId } : {}),
      createdAt: now,
      updatedAt: now,
    };
  }
  if (existing.state !== "FAILED" && existing.state !== "HELD") return null;
  const { reportable: _r, retryAt: _t, leaseOwner: _o, leaseUntil: _u, heldReason: _h, ...rest } = existing;
  return {
    ...rest,
    rev: existing.rev + 1,
    state: "MARKED",
    told: true,
    syncedElsewhere: true,
    ...(input.erpRef ? { erpRef: input.erpRef } : {}),
    updatedAt: now,
  };
}
