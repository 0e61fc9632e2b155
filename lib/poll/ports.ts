/**
 * The store as the poll use cases (run-job.ts, run-schedule.ts) see it: the
 * ports they call and nothing else. The ledger and settles-links ports are the
 * ones lib/sync declares (the poller claims and fails rows by the same rules);
 * the poll cursors are declared here. The DynamoDB repositories satisfy them
 * (lib/store/sync-ports.ts checks it at compile time), so lib/poll never
 * depends on lib/store.
 */
import type { Kind } from "../domain/kinds.js";
import type { LedgerItem, LedgerPort, SettlesLinksPort, TenantsPort } from "../sync/ports.js";

export interface CursorKey {
  tenantId: string;
  /** Ramp entity id; null for tenants polled without an entity filter. */
  entityId: string | null;
  kind: Kind;
}

export interface PollCursor {
  /** Ramp's `page.next` URL (or a `start` id) to continue from; null when the last walk finished. */
  next: string | null;
  windowStart: string | null;
  /**
   * Vendor credits: the oldest `created_at` of a credit this walk listed that the ledger had not
   * finished (lib/poll/credit-window.ts); null otherwise. Absent on cursors written before it.
   */
  openSince?: string | null;
  startedAt: number | null;
  lastCompletedAt: number | null;
  updatedAt: number;
  rev: number;
}

export interface PollCursorsPort {
  get(k: CursorKey): Promise<PollCursor | undefined>;
  /** Saves if the cursor is still at `basedOn`; false when another poll moved it first. */
  save(
    k: CursorKey,
    basedOn: PollCursor | undefined,
    value: Pick<PollCursor, "next" | "windowStart" | "openSince" | "startedAt" | "lastCompletedAt">,
  ): Promise<PollCursor | false>;
}

export interface PollLedgerPort extends Pick<LedgerPort, "claim" | "recordFailed"> {
  /** One batched read of a page's rows, keyed `<kind>#<rampId>`; absent rows are absent. */
  getMany(
    tenantId: string,
    keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
  ): Promise<Map<string, LedgerItem>>;
}

/**
 * How a scheduled poll job ended, for operators (`ops status`): per invocation, so a long
 * walk records "continued" until the invocation that finishes it records "done".
 */
export interface PollRun {
  at: number;
  outcome: "done" | "continued" | "failed";
  /** Pages read and work messages sent by this invocation. */
  pages: number;
  enqueued: number;
  /** SYNC_READY objects per kind: the whole walk when done (zeros included), counted so far otherwise. */
  backlog: Partial<Record<Kind, number>>;
  /** failed: one line saying why. */
  error?: string;
}

export interface PollRunsPort {
  /** Keeps the latest run per tenant (an older one arriving late changes nothing). */
  record(tenantId: string, run: PollRun): Promise<void>;
}

/** What a poll job needs. */
export interface PollJobStore {
  ledger: PollLedgerPort;
  pollCursors: PollCursorsPort;
  settlesLinks: Pick<SettlesLinksPort, "link">;
  pollRuns: PollRunsPort;
}

/** Enabled tenants page by page, with the configs that no longer parse named (never polled, logged). */
export interface ScheduleTenantsPort {
  listEnabled(
    opts?: Parameters<TenantsPort["listEnabled"]>[0],
  ): Promise<
    Awaited<ReturnType<TenantsPort["listEnabled"]>> & { invalid: Array<{ tenantId: string; error: string }> }
  >;
}

/** What the schedule fan-out needs. */
export interface ScheduleStore {
  tenants: ScheduleTenantsPort;
  pollCursors: PollCursorsPort;
}

/** One Sync Button request as we saw it (lib/store/button-requests.ts). */
export interface ButtonRequestHeader {
  tenantId: string;
  syncRequestId: string;
  kind: "transaction" | "reimbursement";
  startedAt: number;
  deadline: number;
  receivedAt: number;
  /** Set once by the deadline job: how the request ended. */
  outcome?: ButtonRequestOutcome;
}

export interface ButtonRequestOutcome {
  closedAt: number;
  rows: number;
  /** Rows reported before the deadline job ran (synced or failed), by us under this request. */
  reported: number;
  /** Rows the deadline job told Ramp as failed ("we'll retry" or their own failure). */
  toldAtDeadline: number;
  /** Webhook receipt → the last row reported (ms). */
  roundTripMs: number;
}

export interface ButtonRow {
  kind: Kind;
  rampId: string;
}

/** The request's record, its listed rows, and how it ended (lib/store/button-requests.ts). */
export interface ButtonRequestsPort {
  /** Records the request once; a redelivered job finds it there (first write wins). */
  open(h: Omit<ButtonRequestHeader, "outcome">): Promise<void>;
  get(tenantId: string, syncRequestId: string): Promise<ButtonRequestHeader | undefined>;
  /** One listed page's rows (idempotent: the same page writes the same item). */
  addRows(
    h: Pick<ButtonRequestHeader, "tenantId" | "syncRequestId" | "deadline">,
    rows: readonly ButtonRow[],
  ): Promise<void>;
  /** Every row the request's walk listed, each once. */
  rows(tenantId: string, syncRequestId: string): Promise<ButtonRow[]>;
  /** The deadline work for `owner` until now + leaseMs; false while another holds it or once closed. */
  claimDeadline(tenantId: string, syncRequestId: string, owner: string, leaseMs: number): Promise<boolean>;
  /** How the request ended, once: false when it was already closed. */
  close(tenantId: string, syncRequestId: string, outcome: ButtonRequestOutcome): Promise<boolean>;
}
