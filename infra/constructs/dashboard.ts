import { Aws, Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { HEALTH_FUNCTION, HEALTH_METRICS } from "../../lib/health/metrics.js";
import { METRICS_NAMESPACE } from "../../lib/runtime/observability.js";
import { METRIC } from "../../lib/sync/metrics.js";
import type { FunctionName, Manifest, QueueName } from "../functions.js";
import {
  BUTTON_WINDOW,
  buttonJobMetric,
  buttonJobQuery,
  healthTick,
  insights,
  perTenantHealth,
} from "./insights.js";
import type { WorkQueue } from "./queues.js";

export interface SyncDashboardProps {
  manifest: Manifest;
  queues: Record<QueueName, WorkQueue>;
  functions: Record<FunctionName, lambda.IFunction>;
  alarms: cloudwatch.IAlarm[];
}

/** The dashboard variable's pattern: every per-tenant widget's query names this tenant. */
export const TENANT_PATTERN = "TENANT_ID";

/**
 * One dashboard for the fleet, plain L2 widgets (the metrics are our own EMF
 * ones, which a construct library would not know): alarms first, then the
 * health tick's per-tenant signals (top tenants), sync outcomes, the ERP and
 * Ramp, the Sync Button, queues, and the Lambdas — the manifest's queues and functions, so a
 * new one shows up without editing this file. A `tenant` variable (a text box)
 * narrows the per-tenant row to one tenant.
 */
export class SyncDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly url: string;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    const fiveMin = Duration.minutes(5);
    const tick = healthTick(props.manifest);
    const q = (expression: string, label: string, period = fiveMin) => insights(expression, period, label);
    const ns = `"${METRICS_NAMESPACE}"`;
    const health = (metric: string) => q(perTenantHealth(metric, 10), "", tick);
    const oneTenant = (metric: string) =>
      q(
        `SELECT MAX(${metric}) FROM ${ns} WHERE function = '${HEALTH_FUNCTION}' AND tenantId = '${TENANT_PATTERN}' GROUP BY kind`,
        "",
        tick,
      );
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      defaultInterval: Duration.hours(12),
      variables: [
        new cloudwatch.DashboardVariable({
          id: "tenant",
          label: "Tenant",
          type: cloudwatch.VariableType.PATTERN,
          inputType: cloudwatch.VariableInputType.INPUT,
          value: TENANT_PATTERN,
          defaultValue: cloudwatch.DefaultValue.value(TENANT_PATTERN),
          visible: true,
        }),
      ],
    });
    const queueNames = Object.keys(props.manifest.queues) as QueueName[];
    const fnNames = Object.keys(props.manifest.functions) as FunctionName[];
    const fnMetric = (m: (fn: lambda.IFunction) => cloudwatch.Metric) =>
      fnNames.map((n) => m(props.functions[n]).with({ label: props.manifest.functions[n].name }));

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: props.alarms, width: 16, height: 6 }),
      new cloudwatch.TextWidget({
        width: 8,
        height: 6,
        markdown: [
          "### ramp-erp-sync",
          "Each alarm's description names the first command to run; README *Runbook* has the rest.",
          "Per-tenant rows: type a tenant id in the **Tenant** box above.",
          "`npx ramp-erp-sync status --tenant <id> --stage <stage>`",
        ].join("\n\n"),
      }),
    );
    this.dashboard.addWidgets(
      graph("SYNC_READY backlog outstanding (top tenants)", [health(HEALTH_METRICS.backlog)]),
      graph("Oldest unsynced object, min (top tenants)", [health(HEALTH_METRICS.oldestUnsynced)]),
      graph("Last finished poll walk, min ago (top tenants)", [health(HEALTH_METRICS.pollAge)]),
    );
    this.dashboard.addWidgets(
      graph("Tenant: backlog by kind", [oneTenant(HEALTH_METRICS.backlog)]),
      graph("Tenant: open ledger rows by kind", [oneTenant(HEALTH_METRICS.inFlight)]),
      graph("Tenant: oldest unsynced by kind, min", [oneTenant(HEALTH_METRICS.oldestUnsynced)]),
    );
    this.dashboard.addWidgets(
      graph("Posted to the ERP per minute, by kind", [
        q(`SELECT SUM(${METRIC.posted}) FROM ${ns} GROUP BY kind`, "", Duration.minutes(1)),
      ]),
      graph("Failed per minute, by kind and category", [
        q(`SELECT SUM(${METRIC.failed}) FROM ${ns} GROUP BY kind, category`, "", Duration.minutes(1)),
      ]),
      graph("Told to Ramp per minute (synced / failed)", [
        q(`SELECT SUM(${METRIC.reportedSynced}) FROM ${ns}`, "synced", Duration.minutes(1)),
        q(`SELECT SUM(${METRIC.reportedFailed}) FROM ${ns}`, "failed", Duration.minutes(1)),
      ]),
    );
    this.dashboard.addWidgets(
      graph("ERP post latency, ms (avg / max)", [
        q(`SELECT AVG(${METRIC.erpPostLatency}) FROM ${ns}`, "avg"),
        q(`SELECT MAX(${METRIC.erpPostLatency}) FROM ${ns}`, "max"),
      ]),
      graph("Ramp calls by route (syncer)", [
        q(`SELECT SUM(${METRIC.rampCalls}) FROM ${ns} GROUP BY route`, ""),
      ]),
      graph("Webhook deliveries by outcome", [
        q(`SELECT SUM(WebhookDeliveries) FROM ${ns} GROUP BY outcome`, ""),
      ]),
    );
    // The Sync Button job's points (one per request) at its alarms' period, with their metrics: the
    // p95 line is what ButtonRoundTripP95 judges, the told-at-deadline bars what ButtonRowsToldAtDeadline sums.
    const button = (stat: string, label: string) =>
      buttonJobMetric(METRIC.buttonRoundTrip, stat, BUTTON_WINDOW, label);
    this.dashboard.addWidgets(
      graph("Sync Button round trip, ms (p50 / p95 / max)", [
        button("p50", "p50"),
        button("p95", "p95"),
        button("Maximum", "max"),
      ]),
      graph("Sync Button requests and rows per request", [
        q(buttonJobQuery("COUNT", METRIC.buttonRows), "requests", BUTTON_WINDOW),
        q(buttonJobQuery("AVG", METRIC.buttonRows), "rows per request (avg)", BUTTON_WINDOW),
        q(buttonJobQuery("MAX", METRIC.buttonRows), "rows per request (max)", BUTTON_WINDOW),
      ]),
      graph("Sync Button rows told at the deadline", [
        q(buttonJobQuery("SUM", METRIC.buttonRowsToldAtDeadline), "told at the deadline", BUTTON_WINDOW),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        "Queue depth (visible)",
        queueNames.map((n) =>
          props.queues[n].queue.metricApproximateNumberOfMessagesVisible({ period: fiveMin, label: n }),
        ),
      ),
      graph(
        "Oldest message age, s",
        queueNames.map((n) =>
          props.queues[n].queue.metricApproximateAgeOfOldestMessage({ period: fiveMin, label: n }),
        ),
      ),
      graph(
        "Dead-letter queues (visible)",
        queueNames.map((n) =>
          props.queues[n].dlq.metricApproximateNumberOfMessagesVisible({
            period: fiveMin,
            label: `${n} DLQ`,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Lambda errors",
        fnMetric((fn) => fn.metricErrors({ period: fiveMin })),
      ),
      graph(
        "Lambda duration p99, ms",
        fnMetric((fn) => fn.metricDuration({ period: fiveMin, statistic: "p99" })),
      ),
      graph("Lambda concurrency (max) and throttles", [
        ...fnMetric((fn) => fn.metric("ConcurrentExecutions", { period: fiveMin, statistic: "Maximum" })),
        ...fnNames.map((n) =>
          props.functions[n]
            .metricThrottles({ period: fiveMin })
            .with({ label: `${props.manifest.functions[n].name} throttles` }),
        ),
      ]),
    );
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}
