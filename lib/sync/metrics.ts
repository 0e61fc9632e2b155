/**
 * What the sync records as metrics, behind a tiny port so lib/ stays free of
 * Powertools: the handler adapts it to EMF (functions/syncer/observability.ts),
 * tests use the in-memory recorder.
 */
/** Powertools/EMF unit names; "None" for values that are not a count or a time (minutes of age). */
export type MetricUnit = "Count" | "Milliseconds" | "None";

export interface SyncMetrics {
  add(name: string, unit: MetricUnit, value: number, dimensions?: Record<string, string>): void;
}

export const METRIC = {
  /** Objects recorded POSTED (ERP has them), by kind. */
  posted: "SyncPosted",
  /** Objects recorded FAILED, by kind and category. */
  failed: "SyncFailed",
  /** Objects told to Ramp as synced / failed / synced elsewhere, by sync type. */
  reportedSynced: "SyncReportedSynced",
  reportedFailed: "SyncReportedFailed",
  syncedElsewhere: "SyncSyncedElsewhere",
  /** Ids Ramp refused for another reason than ALREADY_SYNCED: someone must look. */
  refused: "SyncRefused",
  erpPostLatency: "ErpPostLatency",
  rampCalls: "RampCalls",
  /**
   * The report lock's hand-off, by sync type and outcome: `marked` (a worker found the
   * lock busy and left the holder a mark), `honoured` (a holder flushed again for
   * marks), `dropped` (a holder let marks go: its deadline passed or Ramp failed),
   * `busy` (a worker could neither acquire nor mark).
   */
  reportHandoffs: "ReportHandoffs",
  poison: "PoisonMessages",
  /**
   * The Sync Button job (function `button-job`), one point per button request, dimensions
   * `{ function }` only: webhook receipt → last row of the request told to Ramp (ms); rows in the
   * request; rows told failed ("we'll retry") because the deadline came first (0 included).
   * The alarms and dashboard read them with that exact dimension set (infra/constructs/insights.ts).
   */
  buttonRoundTrip: "ButtonRoundTrip",
  buttonRows: "ButtonRows",
  buttonRowsToldAtDeadline: "ButtonRowsToldAtDeadline",
} as const;

export const noMetrics: SyncMetrics = { add() {} };

export interface RecordedMetric {
  name: string;
  unit: MetricUnit;
  value: number;
  dimensions: Record<string, string>;
}

/** Keeps every data point; `total(name, dims?)` sums those matching. */
export function memoryMetrics(): SyncMetrics & {
  points: RecordedMetric[];
  total(name: string, dims?: Record<string, string>): number;
} {
  const points: RecordedMetric[] = [];
  return {
    points,
    add(name, unit, value, dimensions = {}) {
      points.push({ name, unit, value, dimensions });
    },
    total(name, dims = {}) {
      return points
        .filter((p) => p.name === name && Object.entries(dims).every(([k, v]) => p.dimensions[k] === v))
        .reduce((a, p) => a + p.value, 0);
    },
  };
}
