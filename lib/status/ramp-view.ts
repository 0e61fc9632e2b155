/**
 * Ramp's own view of one object's sync, for `ops show`: its sync status as Ramp
 * returns it now (read by id through the tenant's Ramp client). Bills carry both
 * phases in one status, so `bill` and `bill_payment` share one read. Vendor
 * credits have no sync status in Ramp (our ledger is their record).
 */
import type { Kind } from "../domain/kinds.js";
import type { RampObjectReads } from "./ports.js";

export type RampSyncView =
  | {
      kind: Kind;
      syncStatus: string | null;
      syncedAt?: string | null;
      paymentStatus?: string;
      remoteId?: string | null;
    }
  | { kind: Kind; syncStatus: null; note: string };

/** The Ramp object a kind is read from (the payment phase is the bill's). */
type RampResource = "transaction" | "bill" | "reimbursement" | "transfer" | "cashback";

const resourceOf = (kind: Kind): RampResource | null =>
  kind === "bill_payment" ? "bill" : kind === "vendor_credit" || kind === "credit_application" ? null : kind;

async function readResource(ramp: RampObjectReads, resource: RampResource, id: string) {
  switch (resource) {
    case "transaction": {
      const t = await ramp.getTransaction(id);
      return { syncStatus: t.syncStatus, syncedAt: t.syncedAt };
    }
    case "reimbursement": {
      const r = await ramp.getReimbursement(id);
      return { syncStatus: r.syncStatus, syncedAt: r.syncedAt };
    }
    case "transfer":
      return { syncStatus: (await ramp.getTransfer(id)).syncStatus };
    case "cashback":
      return { syncStatus: (await ramp.getCashback(id)).syncStatus };
    case "bill": {
      const b = await ramp.getBill(id);
      return { syncStatus: b.syncStatus, paymentStatus: b.status, remoteId: b.remoteId };
    }
  }
}

/**
 * Ramp's view for each kind asked about, one read per Ramp object. Throws what the
 * Ramp client throws (the caller says Ramp could not be reached and shows the rest).
 */
export async function readRampViews(
  ramp: RampObjectReads,
  rampId: string,
  kinds: readonly Kind[],
): Promise<RampSyncView[]> {
  const reads = new Map<RampResource, ReturnType<typeof readResource>>();
  const out: RampSyncView[] = [];
  for (const kind of kinds) {
    const resource = resourceOf(kind);
    if (!resource) {
      out.push({ kind, syncStatus: null, note: "Ramp keeps no sync status for vendor credits" });
      continue;
    }
    let read = reads.get(resource);
    if (!read) {
      read = readResource(ramp, resource, rampId);
      reads.set(resource, read);
    }
    out.push({ kind, ...(await read) });
  }
  return out;
}
