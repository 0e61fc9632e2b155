import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { METRICS_NAMESPACE } from "../../lib/runtime/observability.js";

export interface SyncAlarmThresholds {
  /** Largest SYNC_READY backlog of any tenant and kind that is still normal. */
  backlog: number;
  /** Failed syncs told to Ramp per minute, over all tenants, that means an integration is broken. */
  failedPerMinute: number;
}

/**
 * The guide's two monitoring alarms (docs/ramp-api.md, Guide "Operations"): a SYNC_READY backlog over a threshold (the
 * sync worker is stuck) and failed syncs per minute (an ERP integration is broken).
 * The metrics carry tenant and kind dimensions, so the alarms use Metrics Insights
 * queries that aggregate over them into one series.
 */
export class SyncAlarms extends Construct {
  readonly backlog: cloudwatch.Alarm;
  readonly failedSyncs: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: { topic: sns.ITopic; thresholds: SyncAlarmThresholds }) {
    super(scope, id);
    const action = new actions.SnsAction(props.topic);
    this.backlog = new cloudwatch.Alarm(this, "SyncReadyBacklog", {
      alarmDescription:
        "SYNC_READY backlog of a tenant stays above the threshold across polls: the sync worker is stuck",
      metric: new cloudwatch.MathExpression({
        expression: `SELECT MAX(SyncReadyBacklog) FROM "${METRICS_NAMESPACE}"`,
        period: Duration.hours(1),
        label: "max SYNC_READY backlog",
      }),
      threshold: props.thresholds.backlog,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedSyncs = new cloudwatch.Alarm(this, "FailedSyncsPerMinute", {
      alarmDescription:
        "failed_syncs told to Ramp per minute above the threshold: an ERP integration is broken",
      metric: new cloudwatch.MathExpression({
        expression: `SELECT SUM(SyncReportedFailed) FROM "${METRICS_NAMESPACE}"`,
        period: Duration.minutes(1),
        label: "failed syncs per minute",
      }),
      threshold: props.thresholds.failedPerMinute,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const a of [this.backlog, this.failedSyncs]) a.addAlarmAction(action);
  }

  /** Any error of a function (an unhandled throw, a timeout) pages: nothing is dropped silently. */
  static onErrors(scope: Construct, id: string, fn: lambda.IFunction, topic: sns.ITopic): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, `${id}Errors`, {
      alarmDescription: `${id}: function errors`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(topic));
    return alarm;
  }
}
