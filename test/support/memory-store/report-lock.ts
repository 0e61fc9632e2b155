/**
 * The report lock in memory (lib/store/report-lock.ts without DynamoDB): one lease
 * per tenant × sync type × sync_request_id; free, expired (`leaseUntil <= now`) or
 * already ours → ours, without marks; renew only while ours (even past the lease),
 * keeping the marks; release only when ours or free. The hand-off: a mark only on
 * a live lock someone else holds (exactly when acquire would fail), and a quiet
 * release only while the lock carries no more marks than the holder has seen.
 * Each method reads and writes without awaiting in between, so each is atomic like
 * the conditional write it stands for. No TTL clean-up.
 */
import { reportLockSk } from "../../../lib/store/keys.js";
import type { LockResult, QuietRelease, ReportLockPort, ReportStream } from "../../../lib/sync/ports.js";
import type { MemoryRows } from "./rows.js";

interface MemoryLock {
  owner: string;
  leaseUntil: number;
  /** Marks left by workers that found the lock busy, and whether any of them was forced. */
  waiting?: number;
  waitingForced?: boolean;
}

export function createMemoryReportLock({ clock }: Pick<MemoryRows, "clock">) {
  const locks = new Map<string, MemoryLock>();
  const keyOf = (k: ReportStream) => `${k.tenantId}#${reportLockSk(k.syncType, k.syncRequestId)}`;
  const reportLock = {
    /** Who holds a lock now, if anyone, and its marks (for tests). */
    holder: (k: ReportStream): MemoryLock | undefined => locks.get(keyOf(k)),

    async acquire(k: ReportStream, owner: string, leaseMs: number): Promise<LockResult> {
      const now = clock();
      const current = locks.get(keyOf(k));
      if (current && current.leaseUntil > now && current.owner !== owner) return { held: false };
      const leaseUntil = now + leaseMs;
      locks.set(keyOf(k), { owner, leaseUntil });
      return { held: true, leaseUntil };
    },

    async renew(k: ReportStream, owner: string, leaseMs: number): Promise<LockResult> {
      const current = locks.get(keyOf(k));
      if (current?.owner !== owner) return { held: false };
      const leaseUntil = clock() + leaseMs;
      locks.set(keyOf(k), { ...current, leaseUntil });
      return { held: true, leaseUntil };
    },

    async release(k: ReportStream, owner: string): Promise<boolean> {
      const current = locks.get(keyOf(k));
      if (current && current.owner !== owner) return false;
      locks.delete(keyOf(k));
      return true;
    },

    async markWaiting(k: ReportStream, owner: string, opts: { force: boolean }): Promise<boolean> {
      const current = locks.get(keyOf(k));
      if (!current || current.leaseUntil <= clock() || current.owner === owner) return false;
      current.waiting = (current.waiting ?? 0) + 1;
      if (opts.force) current.waitingForced = true;
      return true;
    },

    async releaseIfQuiet(k: ReportStream, owner: string, seen: number): Promise<QuietRelease> {
      const current = locks.get(keyOf(k));
      if (!current) return { released: true };
      if (current.owner !== owner) return { released: false, lost: true };
      const marks = current.waiting ?? 0;
      if (marks > seen) return { released: false, marks, forced: current.waitingForced === true };
      locks.delete(keyOf(k));
      return { released: true };
    },
  };
  return reportLock satisfies ReportLockPort;
}

export type MemoryReportLock = ReturnType<typeof createMemoryReportLock>;
