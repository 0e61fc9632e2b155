/**
 * The scheduled sweep (ARCHITECTURE step 4 "and on a scheduled sweep"): for one
 * tenant, every report stream that has rows waiting or an intent left open by a
 * crash is flushed now, whatever the flush policy says. Open intents are found
 * through their REPORTING rows (a chunk exists iff its rows are REPORTING), so
 * the sweep never touches an intent without holding its report lock.
 */

import { SYNC_TYPES } from "../domain/kinds.js";
import type { RampLogger } from "../domain/logger.js";
import type { LedgerBucket, LedgerPort, TenantsPort } from "./ports.js";
import type { TenantRuntime } from "./process-item.js";
import type { FlushResult, ReportKey } from "./reporter.js";

const BUCKETS: LedgerBucket[] = ["REPORTING", "POSTED", "FAILED_REPORTABLE"];

/** Report keys (sync type × request) with rows waiting or in flight, bills before their payments. */
export async function waitingReportKeys(
  ledger: Pick<LedgerPort, "listBucket">,
  tenantId: string,
  opts: { pageSize?: number; maxPages?: number } = {},
): Promise<ReportKey[]> {
  const keys: ReportKey[] = [];
  for (const syncType of SYNC_TYPES) {
    const requests = new Set<string | null>();
    for (const bucket of BUCKETS) {
      let cursor: Record<string, unknown> | undefined;
      let pages = 0;
      do {
        const page = await ledger.listBucket({
          tenantId,
          bucket,
          stream: syncType,
          limit: opts.pageSize ?? 1000,
          ...(cursor ? { cursor } : {}),
        });
        for (const row of page.items) requests.add(row.syncRequestId ?? null);
        cursor = page.cursor;
      } while (cursor && ++pages < (opts.maxPages ?? 20));
    }
    // Button rows first: their 5-minute window is the tighter one.
    const ordered = [...requests].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
    for (const syncRequestId of ordered) keys.push({ tenantId, syncType, syncRequestId });
  }
  return keys;
}

export async function sweepTenant(
  deps: {
    ledger: Pick<LedgerPort, "listBucket">;
    flush: (rt: TenantRuntime, key: ReportKey, force: boolean) => Promise<FlushResult>;
  },
  rt: TenantRuntime,
): Promise<FlushResult[]> {
  const out: FlushResult[] = [];
  for (const key of await waitingReportKeys(deps.ledger, rt.tenant.tenantId)) {
    out.push(await deps.flush(rt, key, true));
  }
  return out;
}

export interface SweepAllDeps {
  tenants: TenantsPort;
  ledger: Pick<LedgerPort, "listBucket">;
  runtimeFor(tenantId: string): Promise<TenantRuntime | null>;
  flush: (rt: TenantRuntime, key: ReportKey, force: boolean) => Promise<FlushResult>;
  /** True when the invocation is about to run out of time; the next sweep carries on. */
  shouldStop(): boolean;
  log?: Pick<RampLogger, "error">;
}

export interface SweepAllResult {
  tenants: number;
  calls: number;
  failedTenants: number;
  /** False when it stopped early (shouldStop). */
  complete: boolean;
}

/**
 * Every enabled tenant, page by page: one tenant's failure (its ERP down, its
 * credentials revoked) is counted and logged, never the end of the sweep.
 */
export async function sweepAll(deps: SweepAllDeps): Promise<SweepAllResult> {
  const out: SweepAllResult = { tenants: 0, calls: 0, failedTenants: 0, complete: true };
  let cursor: string | undefined;
  do {
    const page = await deps.tenants.listEnabled({ limit: 50, ...(cursor ? { cursor } : {}) });
    for (const tenant of page.tenants) {
      if (deps.shouldStop()) return { ...out, complete: false };
      try {
        const rt = await deps.runtimeFor(tenant.tenantId);
        if (!rt) continue;
        const res = await sweepTenant(deps, rt);
        out.calls += res.reduce((a, r) => a + r.calls, 0);
        out.tenants++;
      } catch (err) {
        out.failedTenants++;
        deps.log?.error("sweep failed for tenant", { tenantId: tenant.tenantId, detail: String(err) });
      }
    }
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
}
