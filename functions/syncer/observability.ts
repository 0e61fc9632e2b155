/**
 * EMF metrics adapted to the small SyncMetrics port (lib/sync/metrics.ts) that the syncer, the
 * sweep and the health tick write through (the logger adapter is lib/runtime rampLoggerOf).
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { SyncMetrics } from "../../lib/sync/metrics.js";

/** Dimensioned points go out as single-metric EMF blobs (Powertools keeps one dimension set per blob). */
export function syncMetricsOf(m: Metrics): SyncMetrics {
  return {
    add(name, unit, value, dimensions) {
      if (!dimensions || Object.keys(dimensions).length === 0) {
        m.addMetric(name, unit, value);
        return;
      }
      const single = m.singleMetric();
      single.addDimensions(dimensions);
      single.addMetric(name, unit, value);
    },
  };
}
