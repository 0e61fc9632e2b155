import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sources from "aws-cdk-lib/aws-lambda-event-sources";
import type * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { SECRET_PREFIX } from "../lib/config/tenant-secrets.js";
import { FUNCTION_ACCESS, type FunctionAccess } from "./access.js";
import { type AlarmContext, AlarmContextSchema } from "./alarm-settings.js";
import type { BundleSettings } from "./bundling.js";
import { SyncAlarms } from "./constructs/alarms.js";
import { SyncDashboard } from "./constructs/dashboard.js";
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
import {
  type EnvBinding,
  type FunctionName,
  type FunctionSpec,
  MANIFEST,
  type Manifest,
  type QueueName,
  type QueueSpec,
  rampRateLimitEnv,
} from "./functions.js";
import { dlqUrlOutput, OUTPUT_NAMES, queueUrlOutput } from "./outputs.js";

export interface RampErpSyncStackProps extends StackProps {
  /** Thresholds and subscriptions (CDK context, infra/alarm-settings.ts); defaults when absent. */
  alarms?: AlarmContext;
  /** How the functions are bundled (CDK context `sourceMaps`, infra/bundling.ts); no source maps when absent. */
  bundle?: BundleSettings;
  /** What to deploy (infra/functions.ts); tests pass a changed copy. */
  manifest?: Manifest;
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
  readonly buttonJobs: WorkQueue;
  readonly coaRequests: WorkQueue;
  readonly receipts: WorkQueue;
  readonly monitoring: Monitoring;
  readonly alarms: SyncAlarms;
  readonly dashboard: SyncDashboard;
  readonly functions: Record<FunctionName, lambda.IFunction>;
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: RampErpSyncStackProps = {}) {
    super(scope, id, props);
    const key = new kms.Key(this, "DataKey", {
      enableKeyRotation: true,
      description: "ramp-erp-sync: tables (incl. cached access tokens), queues, alarm topic",
    });
    this.tables = new DataTables(this, "Tables", { key });
    const manifest = props.manifest ?? MANIFEST;
    const queues = {} as Record<QueueName, WorkQueue>;
    for (const [name, q] of Object.entries(manifest.queues) as Array<[QueueName, QueueSpec]>) {
      queues[name] = new WorkQueue(this, q.id, {
        key,
        visibilityTimeout: Duration.seconds(q.visibilityTimeoutS),
        maxReceiveCount: q.maxReceiveCount,
      });
    }
    this.work = queues.work;
    this.priority = queues.priority;
    this.pollJobs = queues.pollJobs;
    this.buttonJobs = queues.buttonJobs;
    this.coaRequests = queues.coaRequests;
    this.receipts = queues.receipts;
    const alarmContext = props.alarms ?? AlarmContextSchema.parse({});
    this.monitoring = new Monitoring(this, "Monitoring", {
      key,
      alarmEmail: alarmContext.alarmEmail,
      alarmTopicArn: alarmContext.alarmTopicArn,
    });

    const bound = (b: EnvBinding): string =>
      "table" in b ? this.tables.main.tableName : "value" in b ? b.value : queues[b.queueUrl].queue.queueUrl;
    const fns = {} as Record<FunctionName, nodejs.NodejsFunction>;
    for (const [name, spec] of Object.entries(manifest.functions) as Array<[FunctionName, FunctionSpec]>) {
      fns[name] = new SyncFunction(this, spec.id, {
        entry: spec.entry,
        timeout: Duration.seconds(spec.timeoutS),
        memorySize: spec.memoryMb,
        environment: {
          ...Object.fromEntries(Object.entries(spec.env).map(([k, b]) => [k, bound(b)])),
          RAMP_RATE_LIMIT: rampRateLimitEnv(manifest),
        },
        bundle: props.bundle,
      }).fn;
    }
    this.functions = fns;

    // Ramp's webhooks (HTTP API). Authenticated by the HMAC signature of the raw body, checked in the
    // function with the tenant's secret (Ramp cannot send our own tokens).
    const accessLogs = new logs.LogGroup(this, "WebhookApiAccessLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    this.api = new apigw.HttpApi(this, "WebhookApi", { description: "Ramp webhook receiver" });
    for (const [name, spec] of Object.entries(manifest.functions) as Array<[FunctionName, FunctionSpec]>) {
      for (const t of spec.triggers) {
        if ("http" in t) {
          this.api.addRoutes({
            path: t.http.path,
            methods: [apigw.HttpMethod[t.http.method]],
            integration: new HttpLambdaIntegration(t.http.routeId, fns[name], {
              payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
            }),
          });
        } else if ("schedule" in t) {
          new events.Rule(this, t.schedule, {
            schedule: t.cron
              ? events.Schedule.cron({ minute: t.cron.minute, hour: t.cron.hour })
              : events.Schedule.rate(Duration.seconds(t.rateS ?? 0)),
            targets: [new targets.LambdaFunction(fns[name])],
          });
        } else {
          // Queue consumers, all with partial batch responses.
          fns[name].addEventSource(
            new sources.SqsEventSource(queues[t.queue].queue, {
              batchSize: t.batchSize,
              ...(t.maxBatchingWindowS !== undefined
                ? { maxBatchingWindow: Duration.seconds(t.maxBatchingWindowS) }
                : {}),
              ...(t.maximumConcurrency !== undefined ? { maxConcurrency: t.maximumConcurrency } : {}),
              reportBatchItemFailures: true,
            }),
          );
        }
      }
    }
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

    // Least privilege: each function gets exactly the table actions, queues and secret kinds its
    // code path uses (FUNCTION_ACCESS in ./access.ts; pinned by test/unit/iam-least-privilege.test.ts).
    // The queue consumers' receive/delete grants come from their event sources above.
    const sendTo = {
      work: this.work,
      priority: this.priority,
      pollJobs: this.pollJobs,
      buttonJobs: this.buttonJobs,
      receipts: this.receipts,
      coaRequests: this.coaRequests,
    };
    for (const [name, access] of Object.entries(FUNCTION_ACCESS) as Array<
      [keyof typeof fns, FunctionAccess]
    >) {
      const fn = fns[name];
      for (const s of tableStatements(this.tables.main, access.table, {
        index: access.index,
        openWorkIndex: access.openWorkIndex,
      }))
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

    this.alarms = new SyncAlarms(this, "SyncAlarms", {
      topics: this.monitoring.alarmTopics,
      thresholds: alarmContext.thresholds,
      manifest,
      queues,
      functions: fns,
    });
    this.dashboard = new SyncDashboard(this, "Dashboard", {
      manifest,
      queues,
      functions: fns,
      alarms: this.alarms.all,
    });

    // What the ops CLI and an operator need (infra/outputs.ts; `targets import` reads them).
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(OUTPUT_NAMES.region, this.region, "Region the stack runs in");
    output(
      OUTPUT_NAMES.tableName,
      this.tables.main.tableName,
      "Main DynamoDB table (TABLE_NAME for the ops CLI)",
    );
    output(OUTPUT_NAMES.alarmTopicArn, this.monitoring.topic.topicArn, "SNS topic every alarm notifies");
    output(
      OUTPUT_NAMES.dashboardUrl,
      this.dashboard.url,
      "CloudWatch dashboard (fleet, per-tenant variable)",
    );
    output(
      OUTPUT_NAMES.webhookUrl,
      `${this.api.apiEndpoint}/webhooks/{tenantId}`,
      "Ramp webhook endpoint per tenant; POST <api>/webhooks is the single endpoint for all tenants (subscribe with npx ramp-erp-sync webhooks subscribe [--single-endpoint])",
    );
    for (const q of Object.keys(manifest.queues) as QueueName[]) {
      output(queueUrlOutput(q), queues[q].queue.queueUrl, `${q} queue URL`);
      output(dlqUrlOutput(q), queues[q].dlq.queueUrl, `${q} dead-letter queue URL`);
    }
  }
}
