/**
 * The ledger as the receipts worker reads it: which objects are in the ERP, under
 * which id. POSTED, REPORTING and MARKED rows carry the ERP id of a complete record
 * (only a complete record is ever recorded POSTED: ARCHITECTURE.md, "Complete or
 * finish"); any other row is not (yet) in the ERP, and its receipts wait for the export.
 */
import type { Kind } from "../domain/kinds.js";
import type { ReceiptLedgerPort } from "./ports.js";

interface LedgerRowView {
  kind: Kind;
  rampId: string;
  state: string;
  erpRef?: string | undefined;
  entityId?: string | undefined;
}

export interface LedgerGetMany {
  getMany(
    tenantId: string,
    keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
  ): Promise<Map<string, LedgerRowView>>;
}

const IN_ERP = new Set(["POSTED", "REPORTING", "MARKED"]);

export function receiptLedgerView(ledger: LedgerGetMany): ReceiptLedgerPort {
  return {
    async postedRefs(tenantId, kind, rampIds) {
      const rows = await ledger.getMany(
        tenantId,
        rampIds.map((rampId) => ({ kind, rampId })),
      );
      const out = new Map<string, { erpRef: string; entityId: string | null }>();
      for (const r of rows.values())
        if (IN_ERP.has(r.state) && r.erpRef)
          out.set(r.rampId, { erpRef: r.erpRef, entityId: r.entityId ?? null });
      return out;
    },
  };
}
