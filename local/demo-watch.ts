/**
 * What the demo's progress reads while the syncer drains, over the same wires the system
 * uses: Ramp's side from the sandbox (`GET /sandbox/sync-report`: ready and synced per
 * kind), the ledger's from DynamoDB (GSI1 COUNT queries: rows in the ERP not yet reported,
 * rows failed). Vendor credits are left out: Ramp has no sync status for them, and the
 * ending's reconciliation counts them.
 */
import * as z from "zod";
import type { Kind } from "../lib/domain/kinds.js";
import type { Store } from "../lib/store/index.js";
import { UnsyncedSchema } from "./demo-ending.js";
import type { KindProgress } from "./demo-progress.js";

const CountsSchema = z.object({
  total: z.number().int(),
  ready: z.number().int(),
  synced: z.number().int(),
  failed: z.number().int(),
});
const WATCHED = ["transaction", "reimbursement", "bill", "bill_payment", "transfer", "cashback"] as const;

export const SyncReportSchema = z.object({
  counts: z.record(z.enum(WATCHED), CountsSchema),
  unsynced: z.array(UnsyncedSchema),
});
export type SyncReport = z.infer<typeof SyncReportSchema>;

type Control = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export async function readSyncReport(control: Control): Promise<SyncReport> {
  return SyncReportSchema.parse(await control("GET", "/sync-report"));
}

/** Progress of a drain that began when Ramp showed `start`. */
export function syncSampler(
  control: Control,
  store: Pick<Store, "ledgerCounts">,
  tenantId: string,
  start: SyncReport,
): () => Promise<KindProgress[]> {
  const count = (kind: Kind, buckets: readonly Parameters<Store["ledgerCounts"]["count"]>[1][]) =>
    Promise.all(buckets.map((b) => store.ledgerCounts.count(tenantId, b, kind))).then((n) =>
      n.reduce((a, b) => a + b, 0),
    );
  return async () => {
    const now = await readSyncReport(control);
    return Promise.all(
      WATCHED.map(async (kind) => {
        const [inErp, failed] = await Promise.all([
          count(kind, ["POSTED", "REPORTING"]),
          count(kind, ["FAILED_REPORTABLE", "FAILED_RETRY", "FAILED_TOLD"]),
        ]);
        const reported = Math.max(0, now.counts[kind].synced - start.counts[kind].synced);
        return { kind, due: start.counts[kind].ready, posted: reported + inErp, reported, failed };
      }),
    );
  };
}
