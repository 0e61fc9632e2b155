/**
 * The scheduled fan-out: walk the enabled tenants (paginated), and for each
 * one whose cadence says it is due send one poll job to the poll-jobs queue,
 * delayed by a random jitter so thousands of tenants do not hit Ramp (and
 * their uploads) at the same second. Each tenant's job then scales out on its
 * own Lambda invocation.
 *
 * When a tenant was last dispatched is kept in a reserved poll-cursor row
 * (entity segment `~schedule`): written after its job was sent, conditional on
 * the row as read, so two overlapping schedule runs do not both record it.
 */

import { type RampLogger, silentLogger } from "../domain/logger.js";
import type { OutgoingMessage } from "../domain/queue.js";
import { type CadenceOptions, isDue } from "./cadence.js";
import { enabledTenantPages } from "./enabled-pages.js";
import { pollJob } from "./job.js";
import type { CursorKey, ScheduleStore } from "./ports.js";

/** The row remembering a tenant's last dispatch (never a real entity id: Ramp ids have no `~`). */
export const scheduleMarkerKey = (tenantId: string): CursorKey => ({
  tenantId,
  entityId: "~schedule",
  kind: "transaction",
});

export interface ScheduleDeps {
  store: ScheduleStore;
  /** Poll jobs onto the poll-jobs queue; must throw unless all were sent. */
  sendJobs(messages: OutgoingMessage[]): Promise<void>;
  clock: () => number;
  random?: () => number;
  jitterMaxSeconds: number;
  cadence?: CadenceOptions;
  /** Tenants read per page of the enabled-tenants index (default 100). */
  pageLimit?: number;
  log?: RampLogger;
}

export interface ScheduleResult {
  dispatched: string[];
  notDue: number;
  invalid: Array<{ tenantId: string; error: string }>;
}

export async function runSchedule(deps: ScheduleDeps): Promise<ScheduleResult> {
  const log = deps.log ?? silentLogger;
  const random = deps.random ?? Math.random;
  const out: ScheduleResult = { dispatched: [], notDue: 0, invalid: [] };
  for await (const page of enabledTenantPages(deps.store.tenants, deps.pageLimit)) {
    out.invalid.push(...page.invalid);
    for (const bad of page.invalid) log.error("tenant config does not parse; not polled", bad);
    const now = deps.clock();
    const markers = await Promise.all(
      page.tenants.map((t) => deps.store.pollCursors.get(scheduleMarkerKey(t.tenantId))),
    );
    const due = page.tenants
      .map((tenant, i) => ({ tenant, marker: markers[i] }))
      .filter(({ tenant, marker }) => {
        const ok = isDue(tenant, marker?.lastCompletedAt ?? null, now, deps.cadence);
        if (!ok) out.notDue++;
        return ok;
      });
    if (!due.length) continue;
    await deps.sendJobs(
      due.map(({ tenant }) => ({
        id: tenant.tenantId,
        body: JSON.stringify(pollJob(tenant.tenantId, now)),
        delaySeconds: Math.floor(random() * (deps.jitterMaxSeconds + 1)),
      })),
    );
    await Promise.all(
      due.map(({ tenant, marker }) =>
        deps.store.pollCursors.save(scheduleMarkerKey(tenant.tenantId), marker, {
          next: null,
          windowStart: null,
          startedAt: now,
          lastCompletedAt: now,
        }),
      ),
    );
    out.dispatched.push(...due.map((d) => d.tenant.tenantId));
  }
  log.info("poll fan-out", {
    dispatched: out.dispatched.length,
    notDue: out.notDue,
    invalid: out.invalid.length,
  });
  return out;
}
