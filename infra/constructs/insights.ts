/**
 * The CloudWatch queries the alarms and the dashboard share: a Metrics
 * Insights expression as a metric, the health tick's per-tenant query, and the
 * tick's period read from the manifest (one datapoint per tenant per period),
 * so an alarm and the graph next to it can never ask different questions.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { HEALTH_FUNCTION } from "../../lib/health/metrics.js";
import { METRICS_NAMESPACE } from "../../lib/runtime/observability.js";
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
