/**
 * The judgement of reconciliation, pure: one object as Ramp lists it, its ledger
 * row and every ERP record under its reference → the mismatches it shows, in
 * named classes (ops/README.md "reconcile"). What the exactly-once protocol
 * leaves behind in a healthy world — an object posted and told, a known failure
 * (FAILED, nothing in the ERP, not synced in Ramp), an object still owed or in
 * flight — yields nothing.
 */
import { externalRef } from "../domain/kinds.js";
import type { ErpRecordSummary } from "../erp/port.js";
import { type Money, toMajorString } from "../money/index.js";
import type { LedgerRow, RampRow } from "./ports.js";

export const MISMATCH_CLASSES = [
  "synced_without_erp_record",
  "erp_record_not_synced",
  "duplicate_erp_records",
  "erp_record_incomplete",
  "amount_differs",
  "account_differs",
  "synced_elsewhere",
  "stuck_in_ledger",
  "receipts_missing",
] as const;
export type MismatchClass = (typeof MISMATCH_CLASSES)[number];

export interface Mismatch {
  class: MismatchClass;
  kind: RampRow["kind"];
  rampId: string;
  ref: string;
  companyKey: string | null;
  detail: string;
  /** The ERP records the mismatch is about (empty when it is about their absence). */
  erpIds: string[];
}

/**
 * How long a row may sit POSTED or REPORTING before it counts as stuck. A healthy
 * row leaves POSTED within the reporter's flush delay (about a minute) and
 * REPORTING with the sync call that follows; the scheduled sweep retries both
 * every few minutes. Fifteen minutes is several sweeps: a row still there did not
 * just miss one, something keeps it from being told.
 */
export const STUCK_AFTER_MS = 15 * 60_000;

export interface Observed {
  ramp: RampRow;
  ledger: LedgerRow | undefined;
  /** Every ERP record under the object's reference (absent = none). */
  records: readonly ErpRecordSummary[];
  /** Receipt ids attached under the reference (read only for objects with receipts and a record). */
  attached?: readonly string[];
  /** Why a missing receipt is missing, by receipt id (its row's reason), when recorded. */
  receiptWhy?: ReadonlyMap<string, string>;
}

const liveClaim = (l: LedgerRow | undefined, now: number) =>
  l?.state === "CLAIMED" && (l.leaseUntil ?? 0) > now;

/** The ledger says the ERP has it and Ramp is about to be told (or a worker is on it right now). */
const inFlight = (l: LedgerRow | undefined, now: number) =>
  l?.state === "POSTED" || l?.state === "REPORTING" || liveClaim(l, now);

/** Recorded by an operator (`ops mark-synced`): the ERP holds it under the operator's id, not our reference. */
const operatorMarked = (l: LedgerRow | undefined) =>
  l?.history?.some((h) => h.action === "mark-synced") === true;

export function classify(o: Observed, now: number): Mismatch[] {
  const { ramp, ledger, records } = o;
  const out: Mismatch[] = [];
  const base = {
    kind: ramp.kind,
    rampId: ramp.rampId,
    ref: externalRef(ramp.kind, ramp.rampId),
    companyKey: ramp.companyKey,
  };
  const add = (cls: MismatchClass, detail: string, erpIds: string[] = []) =>
    out.push({ class: cls, ...base, detail, erpIds: [...erpIds].sort() });
  const ids = records.map((r) => r.erpId);
  // Vendor credits have no sync status in Ramp and nothing to report them to: the ledger is
  // their record, and POSTED (in the ERP) is as far as they go.
  const ledgerDone = ledger?.state === "MARKED" || (ramp.synced === null && ledger?.state === "POSTED");
  const markedByUs = ledgerDone && ledger?.syncedElsewhere !== true;
  const synced = ramp.synced ?? ledgerDone;
  const elsewhere = ramp.recordElsewhere ?? (operatorMarked(ledger) ? "marked synced by an operator" : null);

  if (records.length > 1)
    add("duplicate_erp_records", `${records.length} ERP records under ${base.ref}`, ids);
  const incomplete = records.filter((r) => r.state !== "complete");
  // A worker holding a live lease may be finishing exactly these (ARCHITECTURE "Complete or finish").
  if (incomplete.length && !liveClaim(ledger, now))
    add(
      "erp_record_incomplete",
      incomplete.map((r) => `${r.erpId} is ${r.state}`).join("; "),
      incomplete.map((r) => r.erpId),
    );

  if (records.length === 0) {
    if (synced && elsewhere === null) {
      if (markedByUs)
        add(
          "synced_without_erp_record",
          ramp.synced === false
            ? `ledger MARKED (${ledger?.erpRef ?? "no ERP id"}) but Ramp shows it not synced, and the ERP has no record`
            : `${ramp.synced === null ? "ledger" : "Ramp synced, ledger"} ${ledger?.state} (${ledger?.erpRef ?? "no ERP id"}), no ERP record`,
        );
      else
        add(
          "synced_elsewhere",
          ledger
            ? "Ramp synced, ledger MARKED as synced elsewhere, no ERP record"
            : "Ramp synced, no ledger row, no ERP record",
        );
    } else if (!synced && markedByUs && elsewhere === null) {
      add(
        "synced_without_erp_record",
        `ledger MARKED (${ledger?.erpRef ?? "no ERP id"}) but Ramp shows it not synced, and the ERP has no record`,
      );
    }
  } else if (!synced && !inFlight(ledger, now)) {
    add(
      "erp_record_not_synced",
      `ERP has ${ids.join(", ")} but Ramp does not show it synced (ledger ${ledger?.state ?? "has no row"})`,
      ids,
    );
  }

  amountAndAccounts(ramp, records, add);
  stuck(ramp.synced === null ? ledgerWithoutReport(ledger) : ledger, now, add);
  receipts(o, add);
  return out;
}

/**
 * Receipts Ramp holds that the ERP record lacks (lib/receipts): each with its row's reason when
 * one was recorded (too large, deleted in Ramp, …), else "not attached yet". Judged only for one
 * complete record: a missing or duplicate record is already its own mismatch.
 */
function receipts(o: Observed, add: (cls: MismatchClass, detail: string, erpIds?: string[]) => void): void {
  const [record, more] = o.records;
  if (!record || more || record.state !== "complete" || o.ramp.receiptIds.length === 0 || !o.attached) return;
  const have = new Set(o.attached);
  const missing = o.ramp.receiptIds.filter((id) => !have.has(id)).sort();
  if (!missing.length) return;
  const why = missing.map((id) => `${id} (${o.receiptWhy?.get(id) ?? "not attached yet"})`);
  add(
    "receipts_missing",
    `${missing.length} of ${o.ramp.receiptIds.length} receipts not in the ERP: ${why.join(", ")}`,
    [record.erpId],
  );
}

function amountAndAccounts(
  ramp: RampRow,
  records: readonly ErpRecordSummary[],
  add: (cls: MismatchClass, detail: string, erpIds?: string[]) => void,
): void {
  // Another currency cannot be compared without the ERP's rate: only same-currency amounts are held.
  const off = records.filter(
    (r) => r.amount && r.amount.currency === ramp.amount.currency && r.amount.minor !== ramp.amount.minor,
  );
  if (off.length)
    add(
      "amount_differs",
      off.map((r) => `${r.erpId}: ERP ${fmt(r.amount)} vs Ramp ${fmt(ramp.amount)}`).join("; "),
      off.map((r) => r.erpId),
    );
  const want = ramp.accountRemoteIds;
  if (!want || want.length === 0) return;
  const wrong = records.filter(
    (r) => r.accountRemoteIds.length > 0 && r.accountRemoteIds.join("\n") !== want.join("\n"),
  );
  if (wrong.length)
    add(
      "account_differs",
      wrong
        .map((r) => `${r.erpId}: ERP [${r.accountRemoteIds.join(", ")}] vs Ramp [${want.join(", ")}]`)
        .join("; "),
      wrong.map((r) => r.erpId),
    );
}

/** A vendor credit's POSTED row is its last state (nothing reports it): only a lapsed claim is stuck. */
const ledgerWithoutReport = (l: LedgerRow | undefined) => (l?.state === "POSTED" ? undefined : l);

function stuck(
  ledger: LedgerRow | undefined,
  now: number,
  add: (cls: MismatchClass, detail: string) => void,
): void {
  if (!ledger) return;
  if (ledger.state === "CLAIMED" && ledger.leaseUntil !== undefined && ledger.leaseUntil < now)
    add("stuck_in_ledger", `CLAIMED, lease expired ${iso(ledger.leaseUntil)}`);
  else if (
    (ledger.state === "POSTED" || ledger.state === "REPORTING") &&
    now - ledger.updatedAt > STUCK_AFTER_MS
  )
    add("stuck_in_ledger", `${ledger.state} since ${iso(ledger.updatedAt)}`);
}

const iso = (ms: number) => new Date(ms).toISOString();
const fmt = (m: Money | null) => (m ? `${toMajorString(m)} ${m.currency}` : "?");
