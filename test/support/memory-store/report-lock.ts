/**
 * The report lock in memory (lib/store/report-lock.ts without DynamoDB): one lease
 * per tenant × sync type × sync_request_id; free, expired (`leaseUntil <= now`) or
 * already ours → ours; renew only while ours (even past the lease); release only
 * when ours or free. No TTL clean-up.
 */
import { reportLockSk } from "../../../lib/store/keys.js";
import type { LockResult, ReportLockPort, ReportStream } from "../../../lib/sync/ports.js";
import type { MemoryRows } from "./rows.js";

export function createMemoryReportLock({ clock }: Pick<MemoryRows, "clock">) {
  const locks = new Map<string, { owner: string; leaseUntil: number }>();
  const keyOf = (k: ReportStream) => `${k.tenantId}#${reportLockSk(k.syncType, k.syncRequestId)}`;
  const reportLock = {
    /** Who holds a lock now, if anyone (for tests). */
    holder: (k: ReportStream) => locks.get(keyOf(k)),

    async acquire(k: ReportStream, owner: string, leaseMs: number): Promise<LockResult> {
      const now = clock();
      const current = locks.get(keyOf(k));
      if (current && current.leaseUntil > now && current.owner !== owner) return { held: false };
      const leaseUntil = now + leaseMs;
      locks.set(keyOf(k), { owner, leaseUntil });
      return { held: true, leaseUntil };
    },

    async renew(k: ReportStream, owner: string, leaseMs: number): Promise<LockResult> {
      if (locks.get(keyOf(k))?.owner !== owner) return { held: false };
      const leaseUntil = clock() + leaseMs;
      locks.set(keyOf(k), { owner, leaseUntil });
      return { held: true, leaseUntil };
    },

    async release(k: ReportStream, owner: string): Promise<boolean> {
      const current = locks.get(keyOf(k));
      if (current && current.owner !== owner) return false;
      locks.delete(keyOf(k));
      return true;
    },
  };
  return reportLock satisfies ReportLockPort;
}

export type MemoryReportLock = ReturnType<typeof createMemoryReportLock>;
