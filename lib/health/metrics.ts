/**
 * The metric names the health tick emits and the alarms and dashboard read
 * (infra/constructs/alarms.ts, dashboard.ts): one list, so a rename cannot
 * leave an alarm watching a metric nobody writes. Pure data.
 */
export const HEALTH_FUNCTION = "sync-health";

export const HEALTH_METRICS = {
  /** Per tenant × kind: the SYNC_READY backlog still outstanding (signals.ts). */
  backlog: "SyncReadyBacklog",
  /** Per tenant × kind: ledger rows we still owe work on. */
  inFlight: "UnsyncedInLedger",
  /** Per tenant × kind: minutes since the oldest open row became work (openSince). */
  oldestUnsynced: "OldestUnsyncedAgeMinutes",
  /** Per tenant: minutes since its last finished poll walk. */
  pollAge: "PollObservationAgeMinutes",
  /** Per tenant: minutes past 2 × its interval + slack since that walk (> 0: its polls stopped). */
  pollOverdue: "PollOverdueMinutes",
  /** Per tick, no tenant: tenants measured (the heartbeat: absent means the tick itself stopped). */
  tenantsObserved: "HealthTenantsObserved",
} as const;
export type HealthMetricName = (typeof HEALTH_METRICS)[keyof typeof HEALTH_METRICS];
