import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sources from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { SECRET_PREFIX } from "../lib/config/tenant-secrets.js";
import { FUNCTION_ACCESS, type FunctionAccess } from "./access.js";
import { SyncAlarms, type SyncAlarmThresholds } from "./constructs/alarms.js";
import { DataTables } from "./constructs/data.js";
import {
  dataKeyStatement,
  nagArn,
  secretStatement,
  sendStatement,
  tableStatements,
  tenantSecretArnPattern,
} from "./constructs/grants.js";
import { Monitoring } from "./constructs/monitoring.js";
import { WorkQueue } from "./constructs/queues.js";
import { SyncFunction } from "./constructs/sync-function.js";

export interface RampErpSyncStackProps extends StackProps {
  alarmThresholds?: Partial<SyncAlarmThresholds>;
}

/**
 * The whole service in one stack: EventBridge schedules and SQS feed the poller,
 * syncer, sweep and coa-push Lambdas; DynamoDB holds tenants, tokens, cursors and
 * the ledger; CloudWatch alarms page on DLQs, errors, backlog and failed syncs.
 * IAM is per function and per resource (least privilege).
 */
export class RampErpSyncStack extends Stack {
  readonly tables: DataTables;
  readonly work: WorkQueue;
  readonly priority: WorkQueue;
  readonly pollJobs: WorkQueue;
  readonly coaRequests: WorkQueue;
  readonly monitoring: Monitoring;
  readonly functions: Record<
    "webhook" | "pollSchedule" | "pollJob" | "syncer" | "sweep" | "coaPush",
    lambda.IFunction
  >;
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: RampErpSyncStackProps = {}) {
    super(scope, id, props);
    const key = new kms.Key(this, "DataKey", {
      enableKeyRotation: true,
      description: "ramp-erp-sync: tables (incl. cached access tokens), queues, alarm topic",
    });
    this.tables = new DataTables(this, "Tables", { key });
    // Visibility = 6× the consumer's timeout (AWS guidance for SQS event sources).
    this.work = new WorkQueue(this, "Work", {
      key,
      visibilityTimeout: Duration.minutes(30),
      maxReceiveCount: 5,
    });
    // Sync Button work has its own queue so it never waits behind a polling backlog.
    this.priority = new WorkQueue(this, "Priority", {
      key,
      visibilityTimeout: Duration.minutes(30),
      maxReceiveCount: 5,
    });
    this.pollJobs = new WorkQueue(this, "PollJobs", {
      key,
      visibilityTimeout: Duration.minutes(60),
      maxReceiveCount: 3,
    });
    this.coaRequests = new WorkQueue(this, "CoaRequests", {
      key,
      visibilityTimeout: Duration.minutes(90),
      maxReceiveCount: 3,
    });
    this.monitoring = new Monitoring(this, "Monitoring", { key });
    for (const [name, q] of Object.entries({
      Work: this.work,
      Priority: this.priority,
      PollJobs: this.pollJobs,
      CoaRequests: this.coaRequests,
    })) {
      this.monitoring.alarmOnDlq(name, q.dlq);
    }

    const store = {
      TABLE_NAME: this.tables.main.tableName,
      IDEMPOTENCY_TABLE_NAME: this.tables.idempotency.tableName,
    };
    const queues = {
      WORK_QUEUE_URL: this.work.queue.queueUrl,
      PRIORITY_QUEUE_URL: this.priority.queue.queueUrl,
      POLL_JOBS_QUEUE_URL: this.pollJobs.queue.queueUrl,
    };

    const pollSchedule = new SyncFunction(this, "PollSchedule", {
      entry: "functions/poller/schedule.ts",
      timeout: Duration.minutes(5),
      environment: { ...store, ...queues },
    }).fn;
    const pollJob = new SyncFunction(this, "PollJob", {
      entry: "functions/poller/job.ts",
      timeout: Duration.minutes(10),
      environment: { ...store, ...queues },
    }).fn;
    const syncer = new SyncFunction(this, "Syncer", {
      entry: "functions/syncer/handler.ts",
      timeout: Duration.minutes(5),
      memorySize: 1024,
      environment: { ...store },
    }).fn;
    const sweep = new SyncFunction(this, "Sweep", {
      entry: "functions/syncer/sweep.ts",
      handler: "sweepHandler",
      timeout: Duration.minutes(5),
      environment: { ...store },
    }).fn;
    const coaPush = new SyncFunction(this, "CoaPush", {
      entry: "functions/coa-push/handler.ts",
      timeout: Duration.minutes(15),
      environment: { ...store },
    }).fn;
    // Ramp waits 10 s for an answer: the webhook verifies, dedupes and enqueues a poll job, nothing slow.
    const webhook = new SyncFunction(this, "Webhook", {
      entry: "functions/webhook/handler.ts",
      timeout: Duration.seconds(10),
      environment: { ...store, POLL_JOBS_QUEUE_URL: this.pollJobs.queue.queueUrl },
    }).fn;
    this.functions = { webhook, pollSchedule, pollJob, syncer, sweep, coaPush };

    // Ramp's webhooks: POST /webhooks/{tenantId}. Authenticated by the HMAC signature of the raw
    // body, checked in the function with the tenant's secret (Ramp cannot send our own tokens).
    const accessLogs = new logs.LogGroup(this, "WebhookApiAccessLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    this.api = new apigw.HttpApi(this, "WebhookApi", { description: "Ramp webhook receiver" });
    this.api.addRoutes({
      path: "/webhooks/{tenantId}",
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration("Webhook", webhook, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    const stage = this.api.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: "$context.requestId",
        ip: "$context.identity.sourceIp",
        routeKey: "$context.routeKey",
        status: "$context.status",
        latency: "$context.integrationLatency",
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 500, throttlingRateLimit: 200 };
    Validations.of(this.api).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "Ramp signs every delivery (HMAC-SHA256 of the raw body); the function rejects unsigned or forged ones with 401.",
    });

    // Schedules. The poll schedule ticks every 15 minutes; each tenant's cadence (weekday 1–4 h,
    // weekend 12 h, overrides) is decided per tenant inside, so one rule serves all.
    new events.Rule(this, "PollTick", {
      schedule: events.Schedule.rate(Duration.minutes(15)),
      targets: [new targets.LambdaFunction(pollSchedule)],
    });
    // Every minute: polled rows gather about a minute before they are reported (one call per type).
    new events.Rule(this, "ReportSweep", {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(sweep)],
    });
    new events.Rule(this, "DailyCoaPush", {
      schedule: events.Schedule.cron({ minute: "0", hour: "5" }),
      targets: [new targets.LambdaFunction(coaPush)],
    });

    // Queue consumers, all with partial batch responses.
    pollJob.addEventSource(
      new sources.SqsEventSource(this.pollJobs.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    syncer.addEventSource(
      new sources.SqsEventSource(this.work.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );
    syncer.addEventSource(
      new sources.SqsEventSource(this.priority.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    coaPush.addEventSource(
      new sources.SqsEventSource(this.coaRequests.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    // Least privilege: each function gets exactly the table actions, queues and secret kinds its
    // code path uses (FUNCTION_ACCESS in ./access.ts; pinned by test/unit/iam-least-privilege.test.ts).
    // The queue consumers' receive/delete grants come from their event sources above.
    const sendTo = { work: this.work, priority: this.priority, pollJobs: this.pollJobs };
    const fns = { webhook, pollSchedule, pollJob, syncer, sweep, coaPush };
    for (const [name, access] of Object.entries(FUNCTION_ACCESS) as Array<
      [keyof typeof fns, FunctionAccess]
    >) {
      const fn = fns[name];
      for (const s of tableStatements(this.tables.main, access.table, { index: access.index }))
        fn.addToRolePolicy(s);
      fn.addToRolePolicy(dataKeyStatement(key));
      if (access.sendTo.length) fn.addToRolePolicy(sendStatement(access.sendTo.map((q) => sendTo[q].queue)));
      if (access.secrets.length) {
        fn.addToRolePolicy(secretStatement(this, access.secrets));
        // The only wildcard left in a default policy: the tenant segment of the secret names this
        // function reads. Acknowledged on this function's default policy and for exactly these
        // patterns, so any other wildcard (a `*` resource, another prefix) still fails cdk-nag.
        const policy = fn.role?.node.tryFindChild("DefaultPolicy");
        if (!policy) throw new Error(`${name}: no default policy to acknowledge on`);
        for (const kind of access.secrets) {
          Validations.of(policy).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${nagArn(this, tenantSecretArnPattern(this, kind))}]`,
            reason: `Reads ${SECRET_PREFIX}/<tenant>/${kind} of the tenant it serves (one function serves every tenant; the code checks the tenant, see ARCHITECTURE.md).`,
          });
        }
      }
    }

    new SyncAlarms(this, "SyncAlarms", {
      topic: this.monitoring.topic,
      thresholds: { backlog: 1_000, failedPerMinute: 20, ...props.alarmThresholds },
    });
    new CfnOutput(this, "WebhookUrl", {
      value: `${this.api.apiEndpoint}/webhooks/{tenantId}`,
      description: "Ramp webhook endpoint (subscribe with npm run ops -- webhooks subscribe)",
    });
    for (const [name, fn] of Object.entries(this.functions))
      SyncAlarms.onErrors(this, name, fn, this.monitoring.topic);
  }
}
