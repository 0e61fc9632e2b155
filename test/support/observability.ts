/**
 * A function's logger and metrics for tests that build handlers with
 * `makeHandler`: the real Powertools logger (so log-capturing tests see what
 * Lambda would print) and metrics kept in memory (local/runtime/local-metrics.ts).
 */
import { type Observability, observability } from "../../lib/runtime/handler-stack.js";
import { createMetricsSink } from "../../local/runtime/local-metrics.js";

export function testObservability(
  functionName: string,
  level = process.env.LOG_LEVEL ?? "SILENT",
): Observability & {
  sink: ReturnType<typeof createMetricsSink>;
} {
  const sink = createMetricsSink();
  return { ...observability(functionName, level, sink.metricsFor(functionName, level)), sink };
}
