/**
 * The store ports lib/sync depends on: exactly the methods and fields the
 * syncer, process-item, the reporter and the sweep call, with their types spelled
 * out here instead of borrowed from the DynamoDB repositories. lib/store's
 * repositories satisfy them structurally (checked at compile time in
 * lib/store/sync-ports.ts, rows both ways); test/support/memory-store has
 * in-memory fakes held to the same contract (test/support/store-contract.ts).
 * Types only: nothing here runs.
 */
import type { TenantConfig } from "../config/tenant.js";
import type { ErrorCategory, Kind } from "../domain/kinds.js";
import type { ClaimInput, SkipReason } from "./ledger-rules.js";

export type LedgerState = "HELD" | "CLAIMED" | "POSTED" | "REPORTING" | "MARKED" | "FAILED";

/** One step of a row's story (ledger-rules.ts withHistory); the row keeps its last HISTORY_LIMIT steps. */
export interface HistoryEntry {
  at: number;
  state: LedgerState;
  rev: number;
  erpRef?: string | undefined;
  category?: ErrorCategory | undefined;
  /** The failure message, the hold's reason, or an operator's reason. */
  note?: string | undefined;
  reportId?: string | undefined;
  /** Who: an operator (`ops:<user>:<run>`) for operator actions; absent for the service itself. */
  by?: string | undefined;
  /** What an operator did (retry, mark-synced). */
  action?: string | undefined;
}

/** GSI1 buckets (ARCHITECTURE step 4: "a GSI on state"); FAILED is split by what the reporter needs. */
export type LedgerBucket =
  | "HELD"
  | "CLAIMED"
  | "POSTED"
  | "REPORTING"
  | "FAILED_REPORTABLE"
  | "FAILED_RETRY"
  | "FAILED_TOLD";

/** One ledger row (`PK=TENANT#<t> SK=LEDGER#<kind>#<rampId>`); field meanings in lib/store/ledger-item.ts. */
export interface LedgerItem {
  tenantId: string;
  kind: Kind;
  rampId: string;
  state: LedgerState;
  rev: number;
  leaseOwner?: string | undefined;
  /** Epoch ms; the lease is live while `now < leaseUntil`. */
  leaseUntil?: number | undefined;
  attempts: number;
  category?: ErrorCategory | undefined;
  message?: string | undefined;
  reportable?: boolean | undefined;
  told: boolean;
  erpRef?: string | undefined;
  reportId?: string | undefined;
  preReportState?: "POSTED" | "FAILED" | undefined;
  syncedElsewhere?: boolean | undefined;
  syncRequestId?: string | undefined;
  fingerprint: string;
  retryAt?: number | undefined;
  entityId?: string | undefined;
  /** HELD: why the object waits (e.g. its bill is not in the ERP yet). */
  heldReason?: string | undefined;
  history?: HistoryEntry[] | undefined;
  /** Open rows: when the row last became work we owe (lib/store/ledger-item.ts withOpenSince). */
  openSince?: number | undefined;
  createdAt: number;
  updatedAt: number;
}

/** A claim as lib/sync asks it; the ledger adds the time (ledger-rules.ts ClaimInput). */
export type ClaimRequest = Omit<ClaimInput, "now">;

export type { SkipReason };

export type ClaimResult =
  /** New row: the caller owns it and posts. */
  | { outcome: "claimed"; item: LedgerItem }
  /** A FAILED row claimed again: look the reference up before posting (Complete or finish). */
  | { outcome: "retry"; item: LedgerItem }
  /** An expired lease taken over: look the reference up (after a short grace) before posting. */
  | { outcome: "takeover"; item: LedgerItem; previousOwner: string | undefined }
  | { outcome: "skip"; reason: SkipReason; item: LedgerItem };

export type HolderResult =
  | { ok: true; item: LedgerItem }
  | { ok: false; reason: "lost-lease"; item: LedgerItem | undefined };

export interface FailureRecord {
  category: ErrorCategory;
  message: string;
  transientAttemptsBeforeReport: number;
  coolDownMs: number;
  holdUnchanged?: boolean;
}

export interface HoldRequest {
  tenantId: string;
  kind: Kind;
  rampId: string;
  reason: string;
  fingerprint: string;
  entityId?: string | undefined;
}

export interface AdoptRequest {
  tenantId: string;
  kind: Kind;
  rampId: string;
  erpRef: string | null;
  entityId?: string | undefined;
}

export interface ReportStream {
  tenantId: string;
  syncType: string;
  /** `null`: rows no Sync Button asked for. */
  syncRequestId: string | null;
}

export interface LedgerPage {
  items: LedgerItem[];
  cursor?: Record<string, unknown>;
}

export interface LedgerPort {
  /** A strongly consistent read of one row. */
  get(tenantId: string, kind: Kind, rampId: string): Promise<LedgerItem | undefined>;
  /** ARCHITECTURE step 1: create CLAIMED, take over an expired lease or a FAILED row, else skip. */
  claim(input: ClaimRequest): Promise<ClaimResult>;
  renewLease(
    tenantId: string,
    kind: Kind,
    rampId: string,
    owner: string,
    leaseMs: number,
  ): Promise<HolderResult>;
  /** `held`: the row as this worker last wrote it, so the store can write without reading first. */
  recordPosted(
    tenantId: string,
    kind: Kind,
    rampId: string,
    owner: string,
    erpRef: string,
    held?: LedgerItem,
  ): Promise<HolderResult>;
  recordFailed(
    tenantId: string,
    kind: Kind,
    rampId: string,
    owner: string,
    failure: FailureRecord,
  ): Promise<HolderResult>;
  /**
   * Records that the object waits for another one (item-gate "held") and why, so operators
   * see it: a HELD row is created when there is none, its reason updated when it changed;
   * a row in any other state is left alone (its own state tells more).
   */
  recordHeld(input: HoldRequest): Promise<"held" | "unchanged" | "not-held">;
  /** Gives a claimed row back without a result: the next claim is a takeover. */
  release(tenantId: string, kind: Kind, rampId: string, owner: string): Promise<HolderResult>;
  /** lib/sync reads no field of the answer: attaching is best effort. */
  attachSyncRequest(tenantId: string, kind: Kind, rampId: string, syncRequestId: string): Promise<unknown>;
  adoptSyncedElsewhere(input: AdoptRequest): Promise<"adopted" | "already" | "in-flight">;
  /** POSTED and FAILED-reportable rows of one stream, oldest first; bill payments only once their bill is MARKED. */
  listReportable(q: ReportStream & { limit: number }): Promise<{ items: LedgerItem[] }>;
  /**
   * How many rows wait (at most `limit` per bucket) and the oldest one's `updatedAt`, without
   * reading them: never fewer than listReportable would list (the flush policy's cheap probe).
   */
  probeReportable(q: ReportStream & { limit: number }): Promise<{ count: number; oldestAt: number | null }>;
  /** One bucket of one stream in GSI1 order (request, then time); all requests when `syncRequestId` is omitted. */
  listBucket(q: {
    tenantId: string;
    bucket: LedgerBucket;
    stream: string;
    syncRequestId?: string | null;
    limit: number;
    cursor?: Record<string, unknown>;
  }): Promise<LedgerPage>;
}

export interface SettlesLink {
  transactionId: string;
  billId: string;
  createdAt: number;
}

export interface SettlesLinksPort {
  /** Idempotent; a transaction already linked to another bill is left alone and returned as a conflict. */
  link(
    tenantId: string,
    billId: string,
    transactionIds: readonly string[],
  ): Promise<{ conflicts: SettlesLink[] }>;
  get(tenantId: string, transactionId: string): Promise<SettlesLink | undefined>;
}

export type ReportOutcome =
  | { kind: Kind; rampId: string; result: "synced"; erpRef: string }
  | { kind: Kind; rampId: string; result: "failed"; category: ErrorCategory; message: string };

export interface ReportIntent {
  tenantId: string;
  reportId: string;
  syncType: string;
  syncRequestId: string | null;
  /** The sync call's `idempotency_key`: the same on every replay. */
  idempotencyKey: string;
  outcomes: ReportOutcome[];
  createdAt: number;
}

export interface CloseSummary {
  marked: number;
  failedTold: number;
  syncedElsewhere: number;
  reReported: number;
  alreadyClosed: number;
}

export interface ReportIntentsPort {
  /** Persists the report and flips its rows to REPORTING; null when every row moved on since listing. */
  writeIntent(input: ReportStream & { items: readonly LedgerItem[] }): Promise<ReportIntent | null>;
  /** Intents written and not closed, to be replayed with their own key (call under the report lock). */
  findOpenIntents(
    tenantId: string,
    filter?: { syncType?: string; syncRequestId?: string | null },
  ): Promise<ReportIntent[]>;
  /** Rows → MARKED / FAILED told / synced elsewhere / back to reportable; then the intent is gone. Repeatable. */
  closeIntent(
    intent: ReportIntent,
    options?: { syncedElsewhere?: Iterable<string>; reReport?: Iterable<string> },
  ): Promise<CloseSummary>;
}

export type LockResult = { held: true; leaseUntil: number } | { held: false };

/**
 * What a holder's conditional release found: freed (or nobody held it), a worker
 * left marks since the count the holder had seen (flush again, then release with
 * `marks`), or someone else holds the lock now (ours lapsed and was taken over).
 */
export type QuietRelease =
  | { released: true }
  | { released: false; marks: number; forced: boolean }
  | { released: false; lost: true };

export interface ReportLockPort {
  /** Free, expired, or already ours → ours until now + leaseMs (a fresh lock: no marks). */
  acquire(k: ReportStream, owner: string, leaseMs: number): Promise<LockResult>;
  /** Extends a lock we still own (even past its lease, as long as nobody took it); keeps its marks. */
  renew(k: ReportStream, owner: string, leaseMs: number): Promise<LockResult>;
  /** Frees the lock if we own it (or nobody does), marks or not; false when someone else holds it. */
  release(k: ReportStream, owner: string): Promise<boolean>;
  /**
   * Leaves a "more is waiting" mark (a count, and whether the marker was forced) on a
   * live lock someone else holds. false exactly when acquire would succeed at this
   * instant (free, expired, or ours): the marker should acquire instead.
   */
  markWaiting(k: ReportStream, owner: string, opts: { force: boolean }): Promise<boolean>;
  /** Frees the lock only if it carries no more marks than `seen` (the count the holder already honoured). */
  releaseIfQuiet(k: ReportStream, owner: string, seen: number): Promise<QuietRelease>;
}

export interface TenantsPort {
  listEnabled(opts?: {
    limit?: number;
    cursor?: string;
  }): Promise<{ tenants: TenantConfig[]; cursor?: string }>;
}

/** What process-item needs. */
export interface ItemStore {
  ledger: LedgerPort;
  settlesLinks: SettlesLinksPort;
}

/** What the reporter needs. */
export interface ReportStore {
  ledger: LedgerPort;
  reportIntents: ReportIntentsPort;
  reportLock: ReportLockPort;
}

/** What the syncer needs: both of the above. */
export interface SyncStore extends ItemStore, ReportStore {}
