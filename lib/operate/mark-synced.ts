/**
 * `mark-synced`: the operator posted an object to the ERP by hand. The row
 * becomes POSTED with the operator's ERP id (operator-rules.ts), audited with
 * who and why in its history, and the reporter tells Ramp at once through a
 * report intent — the same exactly-once path as the service's own reports, so
 * a crash in between is replayed by the sweep, never lost or doubled.
 * Vendor credits have no Ramp sync: the ledger (MARKED) is their record.
 */
import { type Kind, SYNC_TYPE_BY_KIND } from "../domain/kinds.js";
import { markSyncedDecision } from "../sync/operator-rules.js";
import { rowsFor } from "./objects.js";
import type { OperateLedger, OperatorLedgerPort } from "./ports.js";

export interface MarkSyncedDeps {
  ledger: Pick<OperateLedger, "getMany">;
  operator: OperatorLedgerPort;
  /** Tells Ramp what the stream has to report (lib/sync/reporter.ts flushReports, forced). */
  report(
    tenantId: string,
    syncType: string,
    syncRequestId: string | null,
  ): Promise<{ synced: number; status: string }>;
  now(): number;
}

export interface MarkSyncedRequest {
  tenantId: string;
  rampId: string;
  kind?: Kind;
  erpRef: string;
  by: string;
  reason: string;
  dryRun: boolean;
}

export interface MarkSyncedOutcome {
  kind: Kind | null;
  rampId: string;
  outcome: "marked" | "would-mark" | "refused";
  /** Ramp was told (false for vendor credits, dry runs and refusals, or when the report is deferred). */
  toldRamp: boolean;
  message: string;
}

export async function markSynced(deps: MarkSyncedDeps, req: MarkSyncedRequest): Promise<MarkSyncedOutcome> {
  const [found] = await rowsFor(deps.ledger, req.tenantId, [req.rampId], req.kind);
  const refs = found?.refs ?? [];
  const refused = (message: string, kind: Kind | null = null): MarkSyncedOutcome => ({
    kind,
    rampId: req.rampId,
    outcome: "refused",
    toldRamp: false,
    message,
  });
  if (refs.length === 0) return refused("no ledger row for this id; give --kind");
  if (refs.length > 1)
    return refused(`rows of several kinds (${refs.map((r) => r.kind).join(", ")}); give --kind`);
  const ref = refs[0] as (typeof refs)[number];
  const act = { by: req.by, reason: req.reason, now: deps.now(), erpRef: req.erpRef };
  if (req.dryRun) {
    const d = markSyncedDecision(ref.row, {
      ...act,
      tenantId: req.tenantId,
      kind: ref.kind,
      rampId: req.rampId,
    });
    if (!d.ok) return refused(d.message, ref.kind);
    return {
      kind: ref.kind,
      rampId: req.rampId,
      outcome: "would-mark",
      toldRamp: false,
      message: `would record ${req.erpRef} and tell Ramp`,
    };
  }
  const written = await deps.operator.markSynced(req.tenantId, ref.kind, req.rampId, act);
  if (!written.ok) return refused(written.message, ref.kind);
  const syncType = SYNC_TYPE_BY_KIND[ref.kind];
  if (syncType === null)
    return {
      kind: ref.kind,
      rampId: req.rampId,
      outcome: "marked",
      toldRamp: false,
      message: "recorded (no Ramp sync for this kind)",
    };
  // A row a Sync Button asked for is reported under that request (its own report stream).
  const report = await deps.report(req.tenantId, syncType, written.item?.syncRequestId ?? null);
  const told = report.status === "done" && report.synced > 0;
  return {
    kind: ref.kind,
    rampId: req.rampId,
    outcome: "marked",
    toldRamp: told,
    message: told
      ? `recorded ${req.erpRef}; Ramp shows it synced`
      : `recorded ${req.erpRef}; Ramp is told by the next report (${report.status})`,
  };
}
