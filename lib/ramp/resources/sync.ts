/** Reporting syncs back to Ramp and writing coding onto objects (docs/ramp-api.md §11). */
import type { z } from "zod";
import { RampApiError } from "../errors.js";
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
  /** Writes coding onto a transaction (e.g. the accounting vendor it needs before TRANSACTION_SYNC). */
  setTransactionCoding(transactionId: string, selections: readonly CodingSelection[]): Promise<void>;
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
      await send("POST", `${V1}/accounting/codings`, body, CodingResponseSchema);
    },
  };
}
