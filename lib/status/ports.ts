/**
 * What the operator read models (`ops status | failed | show`) read, declared
 * here so lib/status never depends on lib/store or the AWS SDK: the DynamoDB
 * repositories satisfy these structurally (checked at compile time in
 * lib/store/sync-ports.ts). Types only: nothing here runs.
 */
import type { Kind } from "../domain/kinds.js";
import type { RampClient } from "../ramp/client.js";
import type { LedgerBucket, LedgerItem, LedgerPage } from "../sync/ports.js";

export interface StatusLedgerPort {
  /** One batched read; keyed `<kind>#<rampId>`, absent rows absent. */
  getMany(
    tenantId: string,
    keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
  ): Promise<Map<string, LedgerItem>>;
  /** One bucket of one stream in GSI1 order; pass the cursor back for the next page. */
  listBucket(q: {
    tenantId: string;
    bucket: LedgerBucket;
    stream: string;
    limit: number;
    cursor?: Record<string, unknown>;
  }): Promise<LedgerPage>;
}

/** The row of one bucket × kind whose last change is the oldest. */
export interface OldestRow {
  kind: Kind;
  rampId: string;
  state: string;
  updatedAt: number;
  createdAt: number;
}

export interface LedgerCountsPort {
  count(tenantId: string, bucket: LedgerBucket, kind: Kind): Promise<number>;
  oldest(tenantId: string, bucket: LedgerBucket, kind: Kind): Promise<OldestRow | undefined>;
}

/** lib/poll/ports.ts PollRun as stored. */
export interface PollRunView {
  at: number;
  outcome: "done" | "continued" | "failed";
  pages: number;
  enqueued: number;
  backlog: Partial<Record<Kind, number>>;
  error?: string | undefined;
}

export interface PollRunRecordView {
  last: PollRunView;
  lastDone?: { at: number; backlog: Partial<Record<Kind, number>> } | undefined;
}

export interface PollRunsReadPort {
  get(tenantId: string): Promise<PollRunRecordView | undefined>;
}

export interface LastSyncedView {
  kind: Kind;
  at: number;
  reportId: string;
  marked: number;
}

export interface LastSyncedPort {
  list(tenantId: string): Promise<Map<Kind, LastSyncedView>>;
}

export interface IntentHeaderView {
  reportId: string;
  state: "PREPARING" | "OPEN";
  idempotencyKey?: string | undefined;
}

export interface IntentHeadersPort {
  get(tenantId: string, reportId: string): Promise<IntentHeaderView | undefined>;
}

/** What `ops status` reads per tenant. */
export interface TenantStatusStore {
  ledger: Pick<StatusLedgerPort, "listBucket">;
  ledgerCounts: LedgerCountsPort;
  pollRuns: PollRunsReadPort;
  lastSynced: LastSyncedPort;
}

/** What `ops show` reads. */
export interface ObjectStoryStore {
  ledger: Pick<StatusLedgerPort, "getMany">;
  intentHeaders: IntentHeadersPort;
}

/** Ramp's reads of one object by id (there is none for vendor credits). */
export type RampObjectReads = Pick<
  RampClient,
  "getTransaction" | "getBill" | "getReimbursement" | "getTransfer" | "getCashback"
>;
