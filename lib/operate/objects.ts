/**
 * Which ledger rows an operator means by a Ramp id: with `--kind`, that row;
 * without, every kind that has a row for the id (one read for all kinds) — a
 * bill id can name both its bill and its payment phase.
 */
import { KINDS, type Kind, ledgerKeyOf } from "../domain/kinds.js";
import type { LedgerItem } from "../sync/ports.js";
import type { OperateLedger } from "./ports.js";

export interface ObjectRef {
  kind: Kind;
  rampId: string;
  row: LedgerItem | undefined;
}

export async function rowsFor(
  ledger: Pick<OperateLedger, "getMany">,
  tenantId: string,
  rampIds: readonly string[],
  kind?: Kind,
): Promise<Array<{ rampId: string; refs: ObjectRef[] }>> {
  const kinds = kind ? [kind] : KINDS;
  const rows = await ledger.getMany(
    tenantId,
    rampIds.flatMap((rampId) => kinds.map((k) => ({ kind: k, rampId }))),
  );
  return rampIds.map((rampId) => {
    const refs = kinds.map((k) => ({ kind: k, rampId, row: rows.get(ledgerKeyOf({ kind: k, rampId })) }));
    // With --kind the row may be absent (never seen: retry enqueues it); without, only rows that exist.
    return { rampId, refs: kind ? refs : refs.filter((r) => r.row) };
  });
}
