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
    value: Pick<PollCursor, "next" | "windowStart" | "startedAt" | "lastCompletedAt">,
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
