/**
 * From listed objects to work messages: which kinds each object owes, what the
 * ledger says about each, and the messages to send. Pure.
 */

import { fingerprintOf } from "../domain/fingerprint.js";
import type { Kind } from "../domain/kinds.js";
import { ledgerKeyOf } from "../domain/kinds.js";
import type { InvalidObject } from "../ramp/invalid.js";
import type { RampBill } from "../ramp/model.js";
import type { ReadyObject, ReadySource } from "../ramp/resume.js";
import { billPhases } from "../sync/bill-phases.js";
import { applicationsOf } from "../sync/credit-application.js";
import { canAttach, decideClaim, type SkipReason } from "../sync/ledger-rules.js";
import type { LedgerItem } from "../sync/ports.js";
import { invalidFingerprint } from "../sync/sync-object.js";
import type { WorkMessage } from "../sync/work-message.js";

/**
 * One kind of one listed object: what a work message will carry. An object the
 * listing could not read has no snapshot but the reason (`invalid`): it still gets
 * a message, so the syncer records its failure and Ramp shows it.
 */
export type Candidate = {
  kind: Kind;
  rampId: string;
  entityId: string | null;
} & ({ snapshot: ReadyObject; invalid?: undefined } | { snapshot?: undefined; invalid: { summary: string } });

/** A candidate of an object that was read: it travels with its snapshot. */
export type ListedCandidate = Extract<Candidate, { snapshot: ReadyObject }>;

/**
 * Fields that change when *we* report an object, so they must not count as
 * "the customer changed it" when the ledger decides whether a user-actionable
 * failure may be retried. The syncer should fingerprint with the same list.
 */
const FINGERPRINT_IGNORES = ["syncStatus", "syncedAt"] as const;

export const snapshotFingerprint = (snapshot: ReadyObject) => fingerprintOf(snapshot, FINGERPRINT_IGNORES);

/**
 * The kinds one listed object owes. A bill owes the phases of the guide's (docs/ramp-api.md, Guide "Bills")
 * decision table (`bill` before `bill_payment`); everything else owes one.
 */
export function candidatesOf(
  source: ReadySource,
  obj: ReadyObject,
  opts: { credits?: boolean } = {},
): ListedCandidate[] {
  const base = { rampId: obj.id, entityId: obj.entityId ?? null, snapshot: obj };
  // Credits applied to a listed bill, one candidate each, when the tenant exports credits.
  const applied = (): ListedCandidate[] =>
    opts.credits && (source === "bill" || source === "bill_payment")
      ? applicationsOf(obj as RampBill).map((a) => ({
          kind: "credit_application" as const,
          rampId: a.id,
          entityId: a.entityId,
          snapshot: a as unknown as ReadyObject,
        }))
      : [];
  if (source === "bill")
    return [...billPhases(obj as RampBill).map((kind) => ({ ...base, kind })), ...applied()];
  // Payment-only listing: only the payment phase, and only where Ramp still owes it.
  if (source === "bill_payment")
    return [
      ...billPhases(obj as RampBill)
        .filter((kind) => kind === "bill_payment")
        .map((kind) => ({ ...base, kind })),
      ...applied(),
    ];
  return [{ ...base, kind: source }];
}

/**
 * The candidate for an object the listing could not read (it must have an id). A bill
 * owes its `bill` phase first whatever its state, and that phase's failure is what Ramp
 * shows on it; its payment is listed again once the bill reads.
 */
export function invalidCandidate(source: ReadySource, obj: InvalidObject & { id: string }): Candidate {
  return {
    kind: source === "bill" ? "bill" : source,
    rampId: obj.id,
    entityId: obj.entityId,
    invalid: { summary: obj.summary },
  };
}

/** The fingerprint poller and syncer both claim a candidate's row with. */
export const candidateFingerprint = (c: Candidate) =>
  c.invalid ? invalidFingerprint(c.invalid.summary) : snapshotFingerprint(c.snapshot);

/** Why a candidate is not enqueued: the ledger's skip reasons, or a payment whose bill phase is not out yet. */
export type SkipCause = SkipReason | "bill-phase-missing";

export type Verdict = { enqueue: true } | { enqueue: false; reason: SkipCause };

/**
 * What the ledger row says about enqueueing, by the ledger's own claim rule
 * (ledger-rules.decideClaim), so poller and syncer never disagree: MARKED,
 * POSTED, REPORTING, a live CLAIMED, and a FAILED row whose object is unchanged
 * and whose cool-down has not passed are skipped; no row, an expired lease, and
 * any other FAILED row are enqueued. A Sync Button job also enqueues rows the
 * request can still attach itself to (CLAIMED/POSTED/FAILED untold): the syncer
 * attaches the request, so the row is answered under it.
 */
export function ledgerVerdict(
  item: LedgerItem | undefined,
  c: Candidate,
  tenantId: string,
  now: number,
  opts: { button?: boolean } = {},
): Verdict {
  if (!item) return { enqueue: true };
  const d = decideClaim(item, {
    tenantId,
    kind: c.kind,
    rampId: c.rampId,
    owner: "poller",
    leaseMs: 0,
    fingerprint: candidateFingerprint(c),
    now,
  });
  if (d.action !== "skip") return { enqueue: true };
  if (opts.button && canAttach(item)) return { enqueue: true };
  return { enqueue: false, reason: d.reason };
}

export interface Selection {
  enqueue: Candidate[];
  skipped: Array<{ kind: Kind; rampId: string; reason: SkipCause }>;
}

/**
 * Applies the ledger to a page of candidates. A `bill_payment` goes out only
 * after or together with its `bill` phase: when Ramp still owes the bill phase
 * (it is a candidate too), the payment follows it in the same batch or the
 * ledger must already know the bill phase; otherwise it waits for a later poll.
 */
export function selectWork(
  candidates: readonly Candidate[],
  ledger: ReadonlyMap<string, LedgerItem | undefined>,
  tenantId: string,
  now: number,
  opts: { button?: boolean } = {},
): Selection {
  const out: Selection = { enqueue: [], skipped: [] };
  const billOwed = new Set(candidates.filter((c) => c.kind === "bill").map((c) => c.rampId));
  const billSent = new Set<string>();
  for (const c of candidates) {
    const v = ledgerVerdict(ledger.get(ledgerKeyOf(c)), c, tenantId, now, opts);
    if (!v.enqueue) {
      out.skipped.push({ kind: c.kind, rampId: c.rampId, reason: v.reason });
      continue;
    }
    if (c.kind === "bill_payment" && billOwed.has(c.rampId) && !billSent.has(c.rampId)) {
      const billRow = ledger.get(ledgerKeyOf({ kind: "bill", rampId: c.rampId }));
      if (!billRow) {
        out.skipped.push({ kind: c.kind, rampId: c.rampId, reason: "bill-phase-missing" });
        continue;
      }
    }
    if (c.kind === "bill") billSent.add(c.rampId);
    out.enqueue.push(c);
  }
  return out;
}

export interface MessageContext {
  tenantId: string;
  source: WorkMessage["source"];
  syncRequestId?: string | null;
  /** A Sync Button request's deadline (epoch ms). */
  deadline?: number | null;
  now: number;
}

/** The work message for one candidate (snapshot included; workMessageBody drops it when too large). */
export function workMessageOf(c: Candidate, ctx: MessageContext): WorkMessage {
  return {
    v: 1,
    tenantId: ctx.tenantId,
    ...(c.entityId ? { entityId: c.entityId } : {}),
    kind: c.kind,
    rampId: c.rampId,
    ...(c.snapshot ? { snapshot: c.snapshot as unknown as WorkMessage["snapshot"] } : {}),
    ...(c.invalid ? { invalid: c.invalid } : {}),
    ...(ctx.syncRequestId ? { syncRequestId: ctx.syncRequestId } : {}),
    source: ctx.source,
    enqueuedAt: new Date(ctx.now).toISOString(),
    ...(ctx.deadline ? { deadline: new Date(ctx.deadline).toISOString() } : {}),
  };
}

/** SYNC_READY backlog per kind, accumulated across pages (and continuations). */
export type Backlog = Partial<Record<Kind, number>>;

/**
 * Adds a page to the backlog. Ramp's ready lists are the backlog by definition;
 * vendor credits have no ready flag, so theirs is what the ledger has not
 * finished (rows not MARKED).
 */
export function addToBacklog(
  backlog: Backlog,
  candidates: readonly Candidate[],
  ledger: ReadonlyMap<string, LedgerItem | undefined>,
): Backlog {
  const out: Backlog = { ...backlog };
  for (const c of candidates) {
    const unflagged = c.kind === "vendor_credit" || c.kind === "credit_application";
    if (unflagged && ledger.get(ledgerKeyOf(c))?.state === "MARKED") continue;
    out[c.kind] = (out[c.kind] ?? 0) + 1;
  }
  return out;
}
