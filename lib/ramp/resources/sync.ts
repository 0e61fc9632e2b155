/** Reporting syncs back to Ramp and writing coding onto objects (docs/ramp-api.md §11). */
import type { z } from "zod";
import { RampApiError } from "../errors.js";
import type { RampTransaction } from "../model.js";
import { toTransaction } from "../normalise.js";
import { TransactionSchema } from "../schemas/objects.js";
import {
  CodingRequestSchema,
  CodingResponseSchema,
  type CodingSelection,
  SyncRequestSchema,
  SyncResponseSchema,
} from "../schemas/syncs.js";
import {
  IDEMPOTENCY_KEY_REUSED,
  parseSyncRefusals,
  type SyncPostResult,
  type SyncReport,
  splitSyncReport,
} from "../sync-report.js";
import type { RampCore } from "./core.js";
import { V1 } from "./core.js";

export interface SyncApi {
  /**
   * One `POST /accounting/syncs` call (build it with splitSyncReport). Refusals and a
   * reused key come back as results, not errors; anything else Ramp refuses throws.
   */
  postSync(call: z.input<typeof SyncRequestSchema>): Promise<SyncPostResult>;
  /** Splits a whole report (≤5,000 per list per call, content-derived keys) and posts every call in order. */
  reportSyncs(report: SyncReport): Promise<SyncPostResult[]>;
  /**
   * Writes coding onto a transaction (e.g. the accounting vendor it needs before TRANSACTION_SYNC).
   * Returns the coded transaction when Ramp's answer is one (the sandbox's is; Ramp's own answer is
   * undocumented, docs/ramp-api.md §11 and §17), else null — the caller re-reads it if it must know.
   */
  setTransactionCoding(
    transactionId: string,
    selections: readonly CodingSelection[],
  ): Promise<RampTransaction | null>;
}

export function syncApi({ send }: RampCore): SyncApi {
  async function postSync(call: z.input<typeof SyncRequestSchema>): Promise<SyncPostResult> {
    const body = SyncRequestSchema.parse(call);
    try {
      const res = await send("POST", `${V1}/accounting/syncs`, body, SyncResponseSchema);
      return { outcome: "accepted", syncId: res.sync_id ?? null, idempotencyKey: body.idempotency_key };
    } catch (err) {
      if (!(err instanceof RampApiError) || !err.isValidation) throw err;
      if (err.code === IDEMPOTENCY_KEY_REUSED) {
        return { outcome: "already_applied", idempotencyKey: body.idempotency_key, traceId: err.traceId };
      }
      const refused = parseSyncRefusals(err);
      if (!refused) throw err;
      return {
        outcome: "refused",
        refused,
        idempotencyKey: body.idempotency_key,
        traceId: err.traceId,
        code: err.code,
      };
    }
  }

  return {
    postSync,
    async reportSyncs(report) {
      const results: SyncPostResult[] = [];
      for (const call of splitSyncReport(report)) results.push(await postSync(call));
      return results;
    },
    async setTransactionCoding(transactionId, selections) {
      const body = CodingRequestSchema.parse({
        object_type: "TRANSACTION",
        object_id: transactionId,
        accounting_field_selections: selections,
      });
      const answer = await send("POST", `${V1}/accounting/codings`, body, CodingResponseSchema);
      // Any answer is accepted (the call succeeded); only one that reads as a transaction is returned,
      // and one that does not normalise (no amount in a known shape) counts as no answer.
      const tx = TransactionSchema.safeParse(answer);
      if (!tx.success) return null;
      try {
        return toTransaction(tx.data);
      } catch {
        return null;
      }
    },
  };
}
