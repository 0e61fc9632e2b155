import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { COA_METRIC } from "../../lib/coa/metrics.js";
import { HEALTH_FUNCTION, HEALTH_METRICS } from "../../lib/health/metrics.js";
import { RECEIPT_METRIC } from "../../lib/receipts/metrics.js";
import { METRICS_NAMESPACE } from "../../lib/runtime/observability.js";
import { METRIC } from "../../lib/sync/metrics.js";
import { type AlarmThresholds, BUTTON_JOB_FUNCTION } from "../alarm-settings.js";
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

export interface SyncAlarmsProps {
  /** Every alarm notifies each of these (infra/constructs/monitoring.ts). */
  topics: sns.ITopic[];
  thresholds: AlarmThresholds;
  manifest: Manifest;
  queues: Record<QueueName, WorkQueue>;
  functions: Record<FunctionName, lambda.IFunction>;
}

/** One alarm as the runbook knows it (README "Runbook"): what it means and the first command to run. */
interface AlarmText {
  means: string;
  first: string;
}

const describe = (t: AlarmText) => `${t.means} First: ${t.first} (README, Runbook)`;

/**
 * Every alarm of the service, and the only place alarms are made: later
 * features add theirs here, next to their runbook entry (README "Runbook").
 *
 * Per-tenant alarms are Metrics Insights queries with GROUP BY tenantId: each
 * tenant is a contributor of one alarm, so a tenant added at runtime (`tenants
 * put`) is covered without a deploy. They read the health tick's points, which
 * arrive every 15 minutes for every tenant whatever its poll cadence
 * (lib/health/signals.ts); the tick's own heartbeat pages when it stops.
 * Queue, DLQ and function alarms iterate the deployment manifest, so a queue
 * or function added there gets its alarms with it.
 *
 * Windows stay inside what a Metrics Insights alarm can see (the last 3 hours,
 * evaluation range included); test/unit/alarm-replay.test.ts replays
 * stuck, stopped and healthy tenants, and slow and missed Sync Button
 * requests, against the synthesized definitions.
 */
export class SyncAlarms extends Construct {
  readonly all: cloudwatch.Alarm[] = [];
  private readonly actions: actions.SnsAction[];

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    this.actions = props.topics.map((topic) => new actions.SnsAction(topic));
    const t = props.thresholds;
    const TICK = healthTick(props.manifest);
    // Context can name queues only by their manifest names (alarm-settings.ts cannot import the manifest).
    const queueNames = Object.keys(props.manifest.queues);
    const unknownQueues = Object.keys(t.queueAgeS).filter((q) => !queueNames.includes(q));
    if (unknownQueues.length > 0)
      throw new Error(
        `CDK context for alarms is invalid:\n${unknownQueues
          .map((q) => `  thresholds.queueAgeS.${q}: not a queue of the manifest (${queueNames.join(", ")})`)
          .join("\n")}`,
      );

    const backlogPeriods = Math.round((t.backlogHours * 60) / TICK.toMinutes());
    this.add("SyncReadyBacklog", {
      text: {
        means: `A tenant's SYNC_READY backlog (largest kind) has stayed above ${t.backlog} for ${t.backlogHours} h, beyond the hour a healthy worker needs to drain a walk: its sync worker is stuck.`,
        first: "npx ramp-erp-sync status --tenant <tenantId from the alarm's contributors>",
      },
      metric: insights(perTenantHealth(HEALTH_METRICS.backlog), TICK, "SYNC_READY backlog per tenant"),
      threshold: t.backlog,
      evaluationPeriods: backlogPeriods,
      datapointsToAlarm: backlogPeriods,
      // Points are emitted only while a backlog is outstanding: no point is a zero.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add("OldestUnsynced", {
      text: {
        means: `A tenant has an object we owe the ERP or Ramp that has waited more than ${t.oldestUnsyncedMinutes} minutes (ERP down or refusing, a stuck lease, a hold that never clears).`,
        first: "npx ramp-erp-sync status --tenant <tenantId>; then failed / show <ramp id>",
      },
      metric: insights(
        perTenantHealth(HEALTH_METRICS.oldestUnsynced),
        TICK,
        "oldest unsynced object per tenant (min)",
      ),
      threshold: t.oldestUnsyncedMinutes,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add("PollsStopped", {
      text: {
        means:
          "A tenant's last finished poll walk is older than 2 × its interval + slack: its polls stopped (schedule, poll job failing, Ramp access revoked).",
        first: "npx ramp-erp-sync status --tenant <tenantId> (last poll outcome and error)",
      },
      metric: insights(perTenantHealth(HEALTH_METRICS.pollOverdue), TICK, "poll overdue per tenant (min)"),
      threshold: 0,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // Every enabled tenant gets this point every tick: a missing one is a tick that did not measure.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.add("HealthTickStopped", {
      text: {
        means:
          "The health tick (sync-health) emitted no heartbeat: no per-tenant alarm can fire while it is down.",
        first: "aws logs tail /aws/lambda/<Health function> --since 1h",
      },
      metric: insights(
        `SELECT COUNT(${HEALTH_METRICS.tenantsObserved}) FROM "${METRICS_NAMESPACE}" WHERE function = '${HEALTH_FUNCTION}'`,
        TICK,
        "health ticks",
      ),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.add("FailedSyncsPerMinute", {
      text: {
        means: `More than ${t.failedPerMinute} failed syncs told to Ramp per minute in 3 of 5 minutes: an ERP integration is broken (or its configuration is).`,
        first: "npx ramp-erp-sync failed --tenant <tenantId> (the categories say whose fix it is)",
      },
      metric: insights(
        `SELECT SUM(${METRIC.reportedFailed}) FROM "${METRICS_NAMESPACE}"`,
        Duration.minutes(1),
        "failed syncs per minute",
      ),
      threshold: t.failedPerMinute,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add("UnauthorizedWebhooks", {
      text: {
        means: `More than ${t.unauthorizedWebhooksPer5Min} webhook deliveries refused for their signature in 5 minutes: someone is probing the endpoint, or a tenant's signing secret changed.`,
        first: "npx ramp-erp-sync webhooks list --tenant <tenantId>; compare the secret in Secrets Manager",
      },
      // EMF adds the `service` dimension to every point: a query, not an exact dimension set.
      metric: insights(
        `SELECT SUM(WebhookDeliveries) FROM "${METRICS_NAMESPACE}" WHERE outcome = 'unauthorized'`,
        Duration.minutes(5),
        "webhook deliveries refused (signature)",
      ),
      threshold: t.unauthorizedWebhooksPer5Min,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // The Sync Button job (function button-job) emits one point of each per button request. Most
    // tenants never click: no request is no point, and no point is not a breach.
    this.add("ButtonRoundTripP95", {
      text: {
        means: `The p95 Sync Button round trip (webhook receipt → last row of the request told to Ramp) was over ${t.buttonRoundTripP95Ms / 1000} s in 2 of 3 fifteen-minute periods: button answers are closing in on Ramp's 5 minutes (an ERP too slow for its requests, the buttonJobs or priority queue backed up).`,
        first: `aws logs tail /aws/lambda/<${BUTTON_JOB_FUNCTION} function> --since 1h (the slow requests' tenants), then npx ramp-erp-sync status --tenant <tenantId>`,
      },
      // A plain metric at p95 (Metrics Insights has no percentiles), under the exact dimensions
      // Powertools gives the job's points (insights.ts, buttonJobMetric).
      metric: buttonJobMetric(METRIC.buttonRoundTrip, "p95", BUTTON_WINDOW),
      threshold: t.buttonRoundTripP95Ms,
      // 2 of 3 fifteen-minute periods: with a few clicks per period the p95 is close to their
      // maximum, so one slow request — one tenant's ERP taking its time once — would page on its
      // own at 1 of 1. A slowness that lasts pages within 30–45 minutes; a request that actually
      // misses the deadline pages at once below (ButtonRowsToldAtDeadline), and a stalled queue
      // through its OldestMessage alarm. Periods without a click are missing, not breaching; when
      // points are that sparse CloudWatch looks back over its evaluation range (5 periods here), so
      // two slow periods up to about an hour apart still page (test/unit/alarm-replay.test.ts).
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const toldAtDeadline = t.buttonRowsToldAtDeadlinePer15Min;
    this.add("ButtonRowsToldAtDeadline", {
      text: {
        means: `${toldAtDeadline === 0 ? "A Sync Button row was" : `More than ${toldAtDeadline} Sync Button rows were`} told to Ramp as failed ("we'll retry") in 15 minutes because the request's deadline came before it was synced: a customer clicked Sync and saw a failure instead of a synced row.`,
        first: `aws logs tail /aws/lambda/<${BUTTON_JOB_FUNCTION} function> --since 1h (which tenant and request), then npx ramp-erp-sync status --tenant <tenantId>`,
      },
      // Summed over every tenant and whatever other dimensions a point carries: a query, as for the
      // other EMF metrics. Each such row is a customer-visible miss, so one period is enough.
      metric: insights(
        buttonJobQuery("SUM", METRIC.buttonRowsToldAtDeadline),
        BUTTON_WINDOW,
        "Sync Button rows told at the deadline",
      ),
      threshold: toldAtDeadline,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // The receipts function (lib/receipts): a receipt given up for good is missing in the ERP until
    // someone looks (ops reconcile names it and why); an object is never failed for it.
    const givenUp = t.receiptsGivenUpPerHour;
    this.add("ReceiptsGivenUp", {
      text: {
        means: `${givenUp === 0 ? "A receipt was" : `More than ${givenUp} receipts were`} given up in an hour (too large, deleted in Ramp, not a receipt file, or its retries spent): a synced object lacks its receipt in the ERP.`,
        first:
          "npx ramp-erp-sync status (receipts line per tenant), then npx ramp-erp-sync reconcile --tenant <tenantId>",
      },
      metric: insights(
        `SELECT SUM(${RECEIPT_METRIC.failed}) FROM "${METRICS_NAMESPACE}" WHERE final = 'yes'`,
        Duration.hours(1),
        "receipts given up",
      ),
      threshold: givenUp,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Emitted once per tenant, when Ramp first refuses receipts:read (lib/store/receipts.ts records it once).
    this.add("ReceiptsScopeMissing", {
      text: {
        means:
          "Ramp refused receipts:read for a tenant: its receipts are not attached until the app is granted the scope (its objects still sync).",
        first:
          "npx ramp-erp-sync status (which tenant: 'lacks receipts:read'), then grant receipts:read to the tenant's Ramp app",
      },
      metric: insights(
        `SELECT SUM(${RECEIPT_METRIC.scopeMissing}) FROM "${METRICS_NAMESPACE}"`,
        Duration.minutes(5),
        "tenants found lacking receipts:read",
      ),
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // A tenant's chart-of-accounts push threw (Ramp or its ERP refused, its config does not parse):
    // SQS retries it after the coa-request visibility timeout, then the DLQ (CoaRequestsDlqNotEmpty).
    // Every failure pages: the tenant's chart in Ramp is a day behind its ERP until it is pushed.
    this.add("CoaPushTenantFailures", {
      text: {
        means:
          "A tenant's chart-of-accounts push failed (it is retried, then dead-lettered): its chart in Ramp lags its ERP.",
        first:
          "aws logs tail /aws/lambda/<CoaPush function> --since 1h --filter-pattern '\"coa push failed\"' (the tenant and error), then npx ramp-erp-sync dlq list --queue coaRequests",
      },
      metric: insights(
        `SELECT SUM(${COA_METRIC.tenantFailures}) FROM "${METRICS_NAMESPACE}"`,
        Duration.minutes(5),
        "tenant coa pushes failed",
      ),
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const q of Object.keys(props.manifest.queues) as QueueName[]) {
      const spec = props.manifest.queues[q];
      const { queue, dlq } = props.queues[q];
      const ageS = t.queueAgeS[q] ?? spec.oldestMessageAlarmS;
      this.add(`${spec.id}OldestMessage`, {
        text: {
          means: `The oldest message in the ${q} queue has waited more than ${ageS} s: its consumer is not keeping up or not running.`,
          first: "npx ramp-erp-sync status (queue depths), then the consumer's errors and throttles",
        },
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: "Maximum",
        }),
        threshold: ageS,
        // Two minutes over: the priority queue (60 s) pages with a button job about 3 minutes old.
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.add(`${spec.id}DlqNotEmpty`, {
        text: {
          means: `A message is in the ${q} dead-letter queue: it failed ${spec.maxReceiveCount} deliveries (poison), nothing of it was synced.`,
          first: `npx ramp-erp-sync dlq list --queue ${q}`,
        },
        metric: dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: "Maximum",
        }),
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const name of Object.keys(props.manifest.functions) as FunctionName[]) {
      const spec = props.manifest.functions[name];
      const fn = props.functions[name];
      this.add(`${spec.id}Errors`, {
        text: {
          means: `${spec.name} failed an invocation (an unhandled throw or a timeout; a partial batch failure is not one).`,
          first: `aws logs tail /aws/lambda/<${spec.id} function> --since 1h --filter-pattern ERROR`,
        },
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.add(`${spec.id}Throttles`, {
        text: {
          means: `${spec.name} was throttled in 2 of 3 five-minute periods: the account's Lambda concurrency is exhausted.`,
          first: "aws lambda get-account-settings; the dashboard's concurrency widget",
        },
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 0,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  private add(
    id: string,
    p: Omit<cloudwatch.AlarmProps, "alarmDescription" | "comparisonOperator"> & {
      text: AlarmText;
      comparisonOperator?: cloudwatch.ComparisonOperator;
    },
  ): cloudwatch.Alarm {
    const { text, ...props } = p;
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...props,
      alarmDescription: describe(text),
    });
    alarm.addAlarmAction(...this.actions);
    this.all.push(alarm);
    return alarm;
  }
}
