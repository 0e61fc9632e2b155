/**
 * The sync ledger item (ARCHITECTURE.md "The exactly-once protocol") and how it
 * is laid out in the table. Pure: no I/O here.
 *
 * `PK=TENANT#<t>  SK=LEDGER#<kind>#<rampId>`. Every write bumps `rev`, and every
 * transition is a put conditional on the `rev` it was computed from, so two
 * writers can never both win (optimistic concurrency; see ledger.ts).
 *
 * GSI1 (items by tenant × state bucket × sync type, ordered by time):
 *   GSI1PK = LEDGER#<t>#<bucket>#<syncType, or kind when it has none>
 *   GSI1SK = REQ#<syncRequestId>#<updatedAt ISO>#<kind>#<rampId>   (button rows)
 *          | NOREQ#<updatedAt ISO>#<kind>#<rampId>                 (all other rows)
 * The request comes first in the sort key so the report lock holder for one
 * tenant × sync type × sync_request_id reads exactly its rows with one
 * `begins_with`, oldest first; a query without a prefix lists every request
 * that has rows waiting (the sweep uses that).
 * Buckets split FAILED by what the reporter needs: reportable-and-untold,
 * waiting for a retry, already told. MARKED items leave the index (sparse GSI):
 * terminal rows would only grow it.
 */
import * as z from "zod";
import { ERROR_CATEGORIES, KINDS, type Kind, SYNC_TYPE_BY_KIND } from "../domain/kinds.js";
import { LEDGER_SK_PREFIX, ledgerSk, openWorkGsi2Pk, tenantPk } from "./keys.js";

/**
 * A row's identity within one tenant, `<kind>#<rampId>`: how a page's rows are
 * keyed in memory (ledger getMany, the poller's selection). Not a table key.
 */
export { ledgerKeyOf } from "../domain/kinds.js";

const LEDGER_STATES = ["HELD", "CLAIMED", "POSTED", "REPORTING", "MARKED", "FAILED"] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];

export const LEDGER_BUCKETS = [
  "HELD",
  "CLAIMED",
  "POSTED",
  "REPORTING",
  "FAILED_REPORTABLE",
  "FAILED_RETRY",
  "FAILED_TOLD",
] as const;
export type LedgerBucket = (typeof LEDGER_BUCKETS)[number];

const HistoryEntrySchema = z.object({
  at: z.number().int(),
  state: z.enum(LEDGER_STATES),
  rev: z.number().int().nonnegative(),
  erpRef: z.string().optional(),
  category: z.enum(ERROR_CATEGORIES).optional(),
  note: z.string().optional(),
  reportId: z.string().optional(),
  by: z.string().optional(),
  action: z.string().optional(),
});

export const LedgerItemSchema = z.object({
  tenantId: z.string().min(1),
  kind: z.enum(KINDS),
  rampId: z.string().min(1),
  state: z.enum(LEDGER_STATES),
  /** Incremented on every write; the condition of the next write. */
  rev: z.number().int().nonnegative(),
  leaseOwner: z.string().optional(),
  /** Epoch ms; the lease is live while `now < leaseUntil`. */
  leaseUntil: z.number().int().optional(),
  /** Failed attempts since the object last changed in Ramp. */
  attempts: z.number().int().nonnegative(),
  category: z.enum(ERROR_CATEGORIES).optional(),
  message: z.string().optional(),
  /** FAILED only: may be told to Ramp now (user-actionable, needs-integrator, or transient with attempts ≥ N). */
  reportable: z.boolean().optional(),
  /** FAILED only: Ramp has been told of this failure. */
  told: z.boolean(),
  erpRef: z.string().optional(),
  /** REPORTING: the intent this row belongs to; kept afterwards as the last report's id. */
  reportId: z.string().optional(),
  /** REPORTING: the state to return to if the report is handed back for re-reporting. */
  preReportState: z.enum(["POSTED", "FAILED"]).optional(),
  /** MARKED: Ramp already had it synced (someone used Export in Ramp's UI); we did not tell it. */
  syncedElsewhere: z.boolean().optional(),
  /** The latest Sync Button request that asked for this row. */
  syncRequestId: z.string().optional(),
  /** What the object looked like in Ramp when last claimed (see fingerprint.ts). */
  fingerprint: z.string(),
  /** FAILED: not claimable again with an unchanged fingerprint before this time (epoch ms). */
  retryAt: z.number().int().optional(),
  entityId: z.string().optional(),
  /** HELD: why the object waits for another one (lib/sync/item-gate.ts). */
  heldReason: z.string().optional(),
  /** The row's last steps, oldest first (ledger-rules.ts withHistory): what `ops show` prints. */
  history: z.array(HistoryEntrySchema).optional(),
  /**
   * Open rows only (openBucket): when the row last became work we still owe —
   * created, or reopened after it was synced or told to Ramp as failed. The
   * health tick's "oldest unsynced" age starts here (withOpenSince).
   */
  openSince: z.number().int().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type LedgerItem = z.infer<typeof LedgerItemSchema>;

/** The sync type a row is reported under; vendor credits have none (the ledger is their record). */
function syncTypeOf(kind: Kind): string | null {
  return SYNC_TYPE_BY_KIND[kind];
}

export function bucketOf(item: Pick<LedgerItem, "state" | "told" | "reportable">): LedgerBucket | null {
  switch (item.state) {
    case "HELD":
    case "CLAIMED":
    case "POSTED":
    case "REPORTING":
      return item.state;
    case "MARKED":
      return null;
    case "FAILED":
      if (item.told) return "FAILED_TOLD";
      return item.reportable ? "FAILED_REPORTABLE" : "FAILED_RETRY";
  }
}

/**
 * Rows we still owe work on: everything but MARKED (done) and FAILED told to
 * Ramp (the user's to fix; it comes back when the object changes). These are
 * the rows in GSI2, the tick's "in flight" and "oldest unsynced".
 */
export const openBucket = (bucket: LedgerBucket | null): boolean =>
  bucket !== null && bucket !== "FAILED_TOLD";

/**
 * Stamps `openSince` on a transition prev → next: kept while the row stays
 * open, set to the transition's time when it opens (new, or reopened), dropped
 * when it closes. Pure; applied by every ledger writer with the history step.
 */
export function withOpenSince<T extends LedgerItem>(prev: LedgerItem | undefined, next: T): T {
  const { openSince: _, ...rest } = next;
  if (!openBucket(bucketOf(next))) return rest as T;
  const wasOpen = prev !== undefined && openBucket(bucketOf(prev));
  const since = wasOpen ? (prev.openSince ?? prev.createdAt) : next.updatedAt;
  return { ...rest, openSince: since } as T;
}

/** The GSI1PK segment naming the report stream: sync type, or the kind for kinds without one. */
export const streamOf = (kind: Kind) => syncTypeOf(kind) ?? kind;

export const ledgerGsi1Pk = (tenantId: string, bucket: LedgerBucket, stream: string) =>
  `LEDGER#${tenantId}#${bucket}#${stream}`;

/** Sort-key prefix selecting one request's rows (`null` = rows not asked for by a button). */
export const ledgerGsi1Prefix = (syncRequestId: string | null) =>
  syncRequestId === null ? "NOREQ#" : `REQ#${syncRequestId}#`;

export function ledgerGsi1Sk(
  item: Pick<LedgerItem, "syncRequestId" | "updatedAt" | "kind" | "rampId">,
): string {
  return `${ledgerGsi1Prefix(item.syncRequestId ?? null)}${new Date(item.updatedAt).toISOString()}#${item.kind}#${item.rampId}`;
}

/** The stored form: the item plus keys and index attributes derived from it (never set by hand). */
export function toLedgerRecord(item: LedgerItem): Record<string, unknown> {
  const bucket = bucketOf(item);
  return {
    PK: tenantPk(item.tenantId),
    SK: ledgerSk(item.kind, item.rampId),
    type: "ledger",
    ...item,
    ...(bucket
      ? { GSI1PK: ledgerGsi1Pk(item.tenantId, bucket, streamOf(item.kind)), GSI1SK: ledgerGsi1Sk(item) }
      : {}),
    ...(openBucket(bucket)
      ? { GSI2PK: openWorkGsi2Pk(item.tenantId), GSI2SK: ledgerSk(item.kind, item.rampId) }
      : {}),
  };
}

export function fromLedgerRecord(record: Record<string, unknown>): LedgerItem {
  if (typeof record.SK !== "string" || !record.SK.startsWith(LEDGER_SK_PREFIX)) {
    throw new Error("not a ledger item");
  }
  return LedgerItemSchema.parse(record);
}
