/**
 * A Ramp double for the syncer's unit tests (the SyncRamp slice of the client):
 * objects by id (404 when absent, or a planted error), and every sync call kept,
 * answered from a script (accepted by default). lib/ramp/memory.ts holds a token
 * store and a rate limiter, not a Ramp; this is the missing piece.
 */
import { RampApiError } from "../../lib/ramp/errors.js";
import type { SyncPostResult } from "../../lib/ramp/sync-report.js";
import type { SyncRamp } from "../../lib/sync/process-item.js";

type SyncCall = Parameters<SyncRamp["postSync"]>[0];

export interface SyncRampDouble extends SyncRamp {
  objects: Map<string, unknown>;
  /** A read of this id throws this error instead. */
  readErrors: Map<string, unknown>;
  calls: SyncCall[];
  /** Answers of the next sync calls, in order (an Error is thrown); accepted once empty. */
  answers: Array<SyncPostResult | Error>;
  reads: number;
}

const notUsed = (what: string) => (): never => {
  throw new Error(`${what}: not in the sync Ramp double`);
};

export function syncRampDouble(): SyncRampDouble {
  const objects = new Map<string, unknown>();
  const readErrors = new Map<string, unknown>();
  const calls: SyncCall[] = [];
  const answers: Array<SyncPostResult | Error> = [];
  const ramp = {
    objects,
    readErrors,
    calls,
    answers,
    reads: 0,
  };
  const read = async <T>(id: string): Promise<T> => {
    ramp.reads++;
    if (readErrors.has(id)) throw readErrors.get(id);
    if (!objects.has(id)) throw new RampApiError(404, null, "not found", null, null, "GET", `/${id}`, null);
    return structuredClone(objects.get(id)) as T;
  };
  return Object.assign(ramp, {
    getTransaction: read,
    getBill: read,
    getReimbursement: read,
    getTransfer: read,
    getCashback: read,
    getVendorCredit: read,
    async postSync(call: SyncCall): Promise<SyncPostResult> {
      calls.push(structuredClone(call));
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return (
        next ?? { outcome: "accepted", syncId: `sync-${calls.length}`, idempotencyKey: call.idempotency_key }
      );
    },
    listAccountingVendors: notUsed("listAccountingVendors"),
    uploadAccountingVendors: notUsed("uploadAccountingVendors"),
    setTransactionCoding: notUsed("setTransactionCoding"),
  }) as SyncRampDouble;
}
