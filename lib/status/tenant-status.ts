/**
 * `ops status` for one tenant, assembled from facts (pure): per kind the backlog
 * the last finished poll walk saw, the rows per ledger bucket, the oldest row not
 * yet MARKED and the last time a report of ours marked rows synced; for the
 * tenant the last poll run, the first few held objects with their reasons, and
 * the oldest unsynced object over all kinds. Reading the facts is
 * read-tenant-status.ts.
 */

import { KINDS, type Kind } from "../domain/kinds.js";
import type { LedgerBucket, LedgerItem } from "../sync/ports.js";
import type { LastSyncedView, OldestRow, PollRunRecordView } from "./ports.js";
import type { ReceiptsStatus } from "./receipts.js";
import { ageSeconds, isoOf } from "./time.js";

export const STATUS_BUCKETS = [
  "HELD",
  "CLAIMED",
  "POSTED",
  "REPORTING",
  "FAILED_REPORTABLE",
  "FAILED_RETRY",
  "FAILED_TOLD",
] as const satisfies readonly LedgerBucket[];

/** How many held objects the status names (the count says how many there are). */
export const HELD_SHOWN = 5;

export interface TenantStatusFacts {
  tenantId: string;
  pollRun: PollRunRecordView | undefined;
  lastSynced: ReadonlyMap<Kind, LastSyncedView>;
  /** Rows per kind × bucket; a missing entry is 0. */
  counts: ReadonlyMap<Kind, Partial<Record<LedgerBucket, number>>>;
  /** The oldest row of each non-empty bucket × kind (any order). */
  oldest: readonly OldestRow[];
  /** HELD rows read (any order, possibly more than are shown). */
  held: readonly LedgerItem[];
}

export interface OldestUnsynced {
  kind: Kind;
  rampId: string;
  state: string;
  /** When the row last changed (the index's order). */
  since: string;
  ageSeconds: number;
}

export interface KindStatus {
  kind: Kind;
  /** SYNC_READY objects the last finished poll walk saw; null when none finished yet. */
  backlog: number | null;
  buckets: Record<(typeof STATUS_BUCKETS)[number], number>;
  /** Rows in any bucket: every row not MARKED. */
  unsynced: number;
  oldestUnsynced: OldestUnsynced | null;
  lastSyncedAt: string | null;
}

export interface TenantStatus {
  tenantId: string;
  lastPoll: {
    at: string;
    outcome: "done" | "continued" | "failed";
    pages: number;
    enqueued: number;
    error: string | null;
  } | null;
  /** When the backlog below was counted (the last finished walk). */
  backlogAt: string | null;
  kinds: KindStatus[];
  held: { total: number; first: Array<{ kind: Kind; rampId: string; reason: string; since: string }> };
  oldestUnsynced: OldestUnsynced | null;
  lastSyncedAt: string | null;
  /** Receipts attached and not (lib/status/receipts.ts); absent where not read. */
  receipts?: ReceiptsStatus;
}

const byAge = (a: { updatedAt: number; kind: string; rampId: string }, b: typeof a) =>
  a.updatedAt - b.updatedAt || a.kind.localeCompare(b.kind) || a.rampId.localeCompare(b.rampId);

function oldestOf(rows: readonly OldestRow[], now: number): OldestUnsynced | null {
  const first = [...rows].sort(byAge)[0];
  if (!first) return null;
  return {
    kind: first.kind,
    rampId: first.rampId,
    state: first.state,
    since: isoOf(first.updatedAt) as string,
    ageSeconds: ageSeconds(first.updatedAt, now),
  };
}

function kindStatus(facts: TenantStatusFacts, kind: Kind, now: number): KindStatus {
  const counts = facts.counts.get(kind) ?? {};
  const buckets = Object.fromEntries(STATUS_BUCKETS.map((b) => [b, counts[b] ?? 0])) as KindStatus["buckets"];
  const backlog = facts.pollRun?.lastDone ? (facts.pollRun.lastDone.backlog[kind] ?? 0) : null;
  return {
    kind,
    backlog,
    buckets,
    unsynced: Object.values(buckets).reduce((a, b) => a + b, 0),
    oldestUnsynced: oldestOf(
      facts.oldest.filter((o) => o.kind === kind),
      now,
    ),
    lastSyncedAt: isoOf(facts.lastSynced.get(kind)?.at),
  };
}

export function assembleTenantStatus(facts: TenantStatusFacts, now: number): TenantStatus {
  const kinds = KINDS.map((k) => kindStatus(facts, k, now));
  const last = facts.pollRun?.last;
  const latestSync = Math.max(...[...facts.lastSynced.values()].map((s) => s.at));
  return {
    tenantId: facts.tenantId,
    lastPoll: last
      ? {
          at: isoOf(last.at) as string,
          outcome: last.outcome,
          pages: last.pages,
          enqueued: last.enqueued,
          error: last.error ?? null,
        }
      : null,
    backlogAt: isoOf(facts.pollRun?.lastDone?.at),
    kinds,
    held: {
      total: kinds.reduce((n, k) => n + k.buckets.HELD, 0),
      first: [...facts.held]
        .filter((h) => h.state === "HELD")
        .sort(byAge)
        .slice(0, HELD_SHOWN)
        .map((h) => ({
          kind: h.kind,
          rampId: h.rampId,
          reason: h.heldReason ?? "(no reason recorded)",
          since: isoOf(h.updatedAt) as string,
        })),
    },
    oldestUnsynced: oldestOf(facts.oldest, now),
    lastSyncedAt: Number.isFinite(latestSync) ? isoOf(latestSync) : null,
  };
}
