/**
 * Powertools metrics for the local stack: the same Metrics API the handlers
 * use on Lambda, but each EMF document is kept in memory (readable by tests and
 * the demo) instead of printed to stdout. A stack's functions share one sink.
 */
import { Metrics } from "@aws-lambda-powertools/metrics";
import { createLogger, METRICS_NAMESPACE, SERVICE_NAME } from "../../lib/runtime/observability.js";

/** One EMF document as Powertools serialises it. */
export type EmfDocument = ReturnType<Metrics["serializeMetrics"]>;

export interface MetricsSink {
  readonly documents: EmfDocument[];
  /** Every value of one metric, with the dimensions it was published under. */
  values(name: string): Array<{ value: number; dimensions: Record<string, string> }>;
}

export function createMetricsSink(): MetricsSink & {
  metricsFor(functionName: string, logLevel: string): Metrics;
} {
  const documents: EmfDocument[] = [];
  return {
    documents,
    values(name) {
      const out: Array<{ value: number; dimensions: Record<string, string> }> = [];
      for (const doc of documents) {
        const raw = (doc as Record<string, unknown>)[name];
        if (raw === undefined) continue;
        const dimensions: Record<string, string> = {};
        for (const set of doc._aws.CloudWatchMetrics[0]?.Dimensions ?? [])
          for (const d of set) dimensions[d] = String((doc as Record<string, unknown>)[d]);
        for (const v of Array.isArray(raw) ? raw : [raw]) out.push({ value: Number(v), dimensions });
      }
      return out;
    },
    // Powertools' own warnings (an invocation that recorded no metric) honour the function's log level.
    metricsFor: (functionName, logLevel) =>
      new SinkMetrics(documents, { function: functionName }, createLogger(functionName, logLevel), false),
  };
}

class SinkMetrics extends Metrics {
  constructor(
    private readonly sink: EmfDocument[],
    private readonly defaults: Record<string, string>,
    private readonly log: ReturnType<typeof createLogger>,
    single: boolean,
  ) {
    super({
      namespace: METRICS_NAMESPACE,
      serviceName: SERVICE_NAME,
      defaultDimensions: defaults,
      singleMetric: single,
      logger: log,
    });
  }

  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics()) this.sink.push(this.serializeMetrics());
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }

  override singleMetric(): Metrics {
    return new SinkMetrics(this.sink, this.defaults, this.log, true);
  }
}
