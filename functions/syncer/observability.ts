/** Powertools logger and EMF metrics adapted to the small interfaces lib/sync takes. */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { RampLogger } from "../../lib/ramp/ports.js";
import type { SyncMetrics } from "../../lib/sync/metrics.js";

export function rampLoggerOf(p: Logger): RampLogger {
  return {
    debug: (m, d) => p.debug(m, d ?? {}),
    info: (m, d) => p.info(m, d ?? {}),
    warn: (m, d) => p.warn(m, d ?? {}),
    error: (m, d) => p.error(m, d ?? {}),
  };
}

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
