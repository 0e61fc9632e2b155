/**
 * The CloudWatch queries the alarms and the dashboard share: a Metrics
 * Insights expression as a metric, the health tick's per-tenant query, and the
 * tick's period read from the manifest (one datapoint per tenant per period),
 * the Sync Button job's metrics, so an alarm and the graph next to it can
 * never ask different questions.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { HEALTH_FUNCTION } from "../../lib/health/metrics.js";
import { METRICS_NAMESPACE, SERVICE_NAME } from "../../lib/runtime/observability.js";
import { BUTTON_JOB_FUNCTION } from "../alarm-settings.js";
import type { Manifest } from "../functions.js";

/** A Metrics Insights query as a metric (an alarm's, or a graph line's). */
export const insights = (expression: string, period: Duration, label: string) =>
  new cloudwatch.MathExpression({ expression, period, label });

/** MAX of one health metric per tenant, largest first (`limit`: the top N only, for graphs). */
export const perTenantHealth = (metric: string, limit?: number) =>
  `SELECT MAX(${metric}) FROM "${METRICS_NAMESPACE}" WHERE function = '${HEALTH_FUNCTION}' GROUP BY tenantId ORDER BY MAX() DESC${limit ? ` LIMIT ${limit}` : ""}`;

/** The health tick's rate (its schedule trigger in the manifest): the period of every health series. */
export function healthTick(manifest: Manifest): Duration {
  const trigger = manifest.functions.health.triggers.find((t) => "schedule" in t);
  if (!trigger || !("schedule" in trigger) || !trigger.rateS)
    throw new Error("the manifest's health function has no rate schedule");
  return Duration.seconds(trigger.rateS);
}

/** The period of the Sync Button alarms and of the graphs next to them. */
export const BUTTON_WINDOW = Duration.minutes(15);

/** One Metrics Insights aggregate of a Sync Button job metric, over every series it has (no exact dimension set). */
export const buttonJobQuery = (fn: "SUM" | "AVG" | "MAX" | "COUNT", metric: string) =>
  `SELECT ${fn}(${metric}) FROM "${METRICS_NAMESPACE}" WHERE function = '${BUTTON_JOB_FUNCTION}'`;

/**
 * A metric of the Sync Button job (lib/sync/metrics.ts, METRIC.button*) as a plain metric, not a
 * query: Metrics Insights has no percentiles, and the round trip is judged at p95. A plain metric
 * names its dimension set exactly, and the job's is what Powertools writes for a metric added with
 * no dimensions of its own: `service` (serviceName) and `function` (defaultDimensions), nothing
 * else (test/unit/alarms.test.ts compares it with a real Powertools document). A dimension added
 * to these points would move them to another metric, out of the alarms' sight.
 */
export const buttonJobMetric = (metricName: string, statistic: string, period: Duration, label?: string) =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, function: BUTTON_JOB_FUNCTION },
    statistic,
    period,
    ...(label === undefined ? {} : { label }),
  });
