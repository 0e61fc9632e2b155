/**
 * What the health tick says about one tenant, every 15 minutes, whatever its
 * poll cadence (ARCHITECTURE.md "Health signals"). Pure: from the tenant's
 * cadence, its open work (one Query, lib/store/open-work.ts) and the clock.
 *
 * - backlog: the SYNC_READY backlog its last finished walk saw, per kind. For
 *   `drainAllowance` after that walk it counts as seen; afterwards only what
 *   the ledger still holds open of it counts (min(seen, open)): a healthy
 *   worker has drained it by then, so a backlog that stays is one the worker
 *   is stuck on — at a 2 h or a 12 h cadence alike. Work never claimed at all
 *   (the consumer is down) sits in the work queue: its age alarm covers that.
 * - oldest unsynced: minutes since the oldest open row became work (openSince).
 * - poll age / overdue: minutes since that walk, and how far past
 *   2 × the tenant's interval + slack it is (> 0: its polls stopped). A tenant
 *   never polled counts from when its document was stored.
 * Zero values per kind are not emitted (they are the alarms' "not breaching",
 * and each emitted series is a CloudWatch metric that is paid for).
 */
import type { TenantConfig } from "../config/tenant.js";
import { KINDS, type Kind } from "../domain/kinds.js";
import { pollIntervalMs } from "../poll/cadence.js";
import type { OpenWork } from "../store/open-work.js";
import type { MetricUnit } from "../sync/metrics.js";
import { HEALTH_METRICS, type HealthMetricName } from "./metrics.js";

const MINUTE = 60_000;

export interface HealthPoint {
  name: HealthMetricName;
  value: number;
  unit: MetricUnit;
  dimensions: { tenantId: string; kind?: Kind };
}

export interface HealthAllowances {
  drainAllowanceMs: number;
  pollSlackMs: number;
}

export interface TenantHealthInput {
  tenant: Pick<TenantConfig, "tenantId" | "cadence"> & Partial<Pick<TenantConfig, "timeZone">>;
  work: OpenWork;
  /** When the tenant document was stored: a never-polled tenant's clock starts here. */
  storedAt?: number | undefined;
  now: number;
}

/** How old (ms) a tenant's last walk may be before its polls count as stopped. */
export function pollAllowanceMs(
  cadence: TenantConfig["cadence"],
  observedAt: number,
  now: number,
  slackMs: number,
  timeZone?: string,
): number {
  // The interval may change between the walk and now (Friday → weekend, on the tenant's clock): the longer one applies.
  const interval = Math.max(
    pollIntervalMs(cadence, observedAt, timeZone),
    pollIntervalMs(cadence, now, timeZone),
  );
  return 2 * interval + slackMs;
}

export function tenantHealth(input: TenantHealthInput, allow: HealthAllowances): HealthPoint[] {
  const { tenant, work, now } = input;
  const tenantId = tenant.tenantId;
  const points: HealthPoint[] = [];
  const done = work.pollRun?.lastDone;
  const fresh = done !== undefined && now - done.at <= allow.drainAllowanceMs;
  for (const kind of KINDS) {
    const open = work.byKind[kind];
    const seen = done?.backlog[kind] ?? 0;
    const backlog = fresh ? seen : Math.min(seen, open?.open ?? 0);
    if (backlog > 0) points.push(point(HEALTH_METRICS.backlog, backlog, "Count", tenantId, kind));
    if (!open) continue;
    points.push(point(HEALTH_METRICS.inFlight, open.open, "Count", tenantId, kind));
    const age = Math.max(0, Math.floor((now - open.oldestOpenSince) / MINUTE));
    points.push(point(HEALTH_METRICS.oldestUnsynced, age, "None", tenantId, kind));
  }
  const observedAt = done?.at ?? input.storedAt;
  if (observedAt !== undefined) {
    const ageMs = Math.max(0, now - observedAt);
    const overdueMs =
      ageMs - pollAllowanceMs(tenant.cadence, observedAt, now, allow.pollSlackMs, tenant.timeZone);
    points.push(point(HEALTH_METRICS.pollAge, Math.floor(ageMs / MINUTE), "None", tenantId));
    points.push(point(HEALTH_METRICS.pollOverdue, Math.floor(overdueMs / MINUTE), "None", tenantId));
  }
  return points;
}

const point = (
  name: HealthMetricName,
  value: number,
  unit: MetricUnit,
  tenantId: string,
  kind?: Kind,
): HealthPoint => ({ name, value, unit, dimensions: kind ? { tenantId, kind } : { tenantId } });
