/**
 * Every alarm, the dashboard, the outputs and the alarm topic's subscriptions,
 * pinned on the synthesized template (aws-cdk-lib/assertions). The table below
 * is written out on purpose, not derived from the construct: changing a
 * threshold, a window or a missing-data policy takes an edit here, in review.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { BUTTON_JOB_FUNCTION } from "../../infra/alarm-settings.js";
import { buildApp } from "../../infra/app.js";
import { MANIFEST, withFunction } from "../../infra/functions.js";
import { dlqUrlOutput, OUTPUT_NAMES, queueUrlOutput } from "../../infra/outputs.js";
import { RampErpSyncStack } from "../../infra/stack.js";
import { createMetrics } from "../../lib/runtime/observability.js";
import { METRIC } from "../../lib/sync/metrics.js";
import { targetFromStackOutputs } from "../../ops/stack-outputs.js";
import { type AlarmRule, alarmRulesFromTemplate } from "../support/alarm-eval.js";

const newApp = (context: Record<string, unknown> = {}) =>
  new App({
    outdir: mkdtempSync(join(tmpdir(), "cdk-")),
    context: { "aws:cdk:bundling-stacks": [], ...context },
  });

const synth = (context: Record<string, unknown> = {}) => {
  const { stack } = buildApp(newApp(context));
  const template = Template.fromStack(stack);
  return { stack, template, rules: alarmRulesFromTemplate(template.toJSON() as never) };
};

/** construct id → period s, N, M, threshold, comparison, missing data, metric (query or name). */
type Row = [number, number, number, number, string, string, string];
const GT = "GreaterThanThreshold";
const perTenant = (m: string) =>
  `SELECT MAX(${m}) FROM "RampErpSync" WHERE function = 'sync-health' GROUP BY tenantId ORDER BY MAX() DESC`;
const EXPECTED: Record<string, Row> = {
  SyncReadyBacklog: [900, 8, 8, 1000, GT, "notBreaching", perTenant("SyncReadyBacklog")],
  OldestUnsynced: [900, 2, 2, 120, GT, "notBreaching", perTenant("OldestUnsyncedAgeMinutes")],
  PollsStopped: [900, 2, 2, 0, GT, "breaching", perTenant("PollOverdueMinutes")],
  HealthTickStopped: [
    900,
    2,
    2,
    1,
    "LessThanThreshold",
    "breaching",
    `SELECT COUNT(HealthTenantsObserved) FROM "RampErpSync" WHERE function = 'sync-health'`,
  ],
  FailedSyncsPerMinute: [
    60,
    5,
    3,
    20,
    GT,
    "notBreaching",
    `SELECT SUM(SyncReportedFailed) FROM "RampErpSync"`,
  ],
  UnauthorizedWebhooks: [
    300,
    1,
    1,
    20,
    GT,
    "notBreaching",
    `SELECT SUM(WebhookDeliveries) FROM "RampErpSync" WHERE outcome = 'unauthorized'`,
  ],
  ButtonRoundTripP95: [900, 3, 2, 180_000, GT, "notBreaching", "RampErpSync ButtonRoundTrip p95"],
  ButtonRowsToldAtDeadline: [
    900,
    1,
    1,
    0,
    GT,
    "notBreaching",
    `SELECT SUM(ButtonRowsToldAtDeadline) FROM "RampErpSync" WHERE function = 'button-job'`,
  ],
  WorkOldestMessage: [60, 2, 2, 2700, GT, "notBreaching", "AWS/SQS ApproximateAgeOfOldestMessage Maximum"],
  PriorityOldestMessage: [60, 2, 2, 60, GT, "notBreaching", "AWS/SQS ApproximateAgeOfOldestMessage Maximum"],
  PollJobsOldestMessage: [
    60,
    2,
    2,
    4500,
    GT,
    "notBreaching",
    "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
  ],
  ButtonJobsOldestMessage: [
    60,
    2,
    2,
    60,
    GT,
    "notBreaching",
    "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
  ],
  CoaRequestsOldestMessage: [
    60,
    2,
    2,
    6300,
    GT,
    "notBreaching",
    "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
  ],
  ReceiptJobsOldestMessage: [
    60,
    2,
    2,
    4500,
    GT,
    "notBreaching",
    "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
  ],
  ReceiptsGivenUp: [
    3600,
    1,
    1,
    0,
    GT,
    "notBreaching",
    `SELECT SUM(ReceiptsFailed) FROM "RampErpSync" WHERE final = 'yes'`,
  ],
  ReceiptsScopeMissing: [
    300,
    1,
    1,
    0,
    GT,
    "notBreaching",
    `SELECT SUM(ReceiptsScopeMissing) FROM "RampErpSync"`,
  ],
  // Every failed tenant push pages (its DLQ has its own alarm below: CoaRequestsDlqNotEmpty).
  CoaPushTenantFailures: [
    300,
    1,
    1,
    0,
    GT,
    "notBreaching",
    `SELECT SUM(CoaPushTenantFailures) FROM "RampErpSync"`,
  ],
  ...Object.fromEntries(
    ["Work", "Priority", "PollJobs", "ButtonJobs", "CoaRequests", "ReceiptJobs"].map((q) => [
      `${q}DlqNotEmpty`,
      [60, 1, 1, 0, GT, "notBreaching", "AWS/SQS ApproximateNumberOfMessagesVisible Maximum"] as Row,
    ]),
  ),
  ...Object.fromEntries(
    [
      "Webhook",
      "PollSchedule",
      "PollJob",
      "ButtonJob",
      "Syncer",
      "Sweep",
      "Health",
      "CoaPush",
      "Receipts",
    ].flatMap((f) => [
      [`${f}Errors`, [300, 1, 1, 0, GT, "notBreaching", "AWS/Lambda Errors Sum"] as Row],
      [`${f}Throttles`, [300, 3, 2, 0, GT, "notBreaching", "AWS/Lambda Throttles Sum"] as Row],
    ]),
  ),
};

const metricOf = (r: AlarmRule) =>
  "expression" in r.metric
    ? r.metric.expression
    : `${r.metric.namespace} ${r.metric.metricName} ${r.metric.statistic}`;

/** The alarms keyed by construct id (SyncAlarms/<id>), as a row of the table. */
function alarmTable(stack: RampErpSyncStack, rules: Map<string, AlarmRule>): Record<string, Row> {
  const out: Record<string, Row> = {};
  for (const alarm of stack.alarms.all) {
    const rule = rules.get(stack.getLogicalId(alarm.node.defaultChild as never));
    if (!rule) throw new Error(`no rule for ${alarm.node.id}`);
    out[alarm.node.id] = [
      rule.periodS,
      rule.evaluationPeriods,
      rule.datapointsToAlarm,
      rule.threshold,
      rule.comparison,
      rule.treatMissingData,
      metricOf(rule),
    ];
  }
  return out;
}

describe("alarms", { timeout: 60_000 }, () => {
  const { stack, template, rules } = synth();

  it("are exactly the pinned list, each with its metric, window, threshold and missing-data policy", () => {
    expect(alarmTable(stack, rules)).toEqual(EXPECTED);
    // Nothing outside the one construct makes an alarm.
    expect(rules.size).toBe(stack.alarms.all.length);
  });

  it("each notifies the alarm topic and says what it means and the first command to run", () => {
    const topic = stack.getLogicalId(stack.monitoring.topic.node.defaultChild as never);
    for (const rule of rules.values()) {
      expect(rule.actions).toEqual([{ Ref: topic }]);
      expect(rule.description).toMatch(/\. First: .+ \(README, Runbook\)$/);
    }
  });

  it("a queue or function added to the manifest gets its alarms without touching the construct", () => {
    const manifest = {
      ...MANIFEST,
      queues: {
        ...MANIFEST.queues,
        coaRequests: { ...MANIFEST.queues.coaRequests, oldestMessageAlarmS: 999 },
      },
    };
    const s = new RampErpSyncStack(newApp(), "Changed", {
      manifest: withFunction(manifest, "health", { id: "Vitals" }),
    });
    const ids = s.alarms.all.map((a) => a.node.id);
    expect(ids).toContain("VitalsErrors");
    expect(ids).toContain("VitalsThrottles");
    const r = alarmTable(s, alarmRulesFromTemplate(Template.fromStack(s).toJSON() as never));
    expect(r.CoaRequestsOldestMessage?.[3]).toBe(999);
  });

  it("per-tenant alarms are multi time series queries over the health tick within Metrics Insights' 3-hour window", () => {
    for (const id of ["SyncReadyBacklog", "OldestUnsynced", "PollsStopped"]) {
      const [period, n] = EXPECTED[id] as Row;
      expect(EXPECTED[id]?.[6]).toMatch(/GROUP BY tenantId/);
      // The alarm looks back over its evaluation range (N + 2 periods in CloudWatch's examples).
      expect((period * (n + 2)) / 3600).toBeLessThanOrEqual(3);
    }
  });

  it("the Sync Button round trip is a p95 over 15 minutes of the one metric the button job's Powertools points land in", () => {
    // The contract with the job (lib/sync/metrics.ts, infra/alarm-settings.ts), as literals.
    expect(BUTTON_JOB_FUNCTION).toBe("button-job");
    expect([METRIC.buttonRoundTrip, METRIC.buttonRows, METRIC.buttonRowsToldAtDeadline]).toEqual([
      "ButtonRoundTrip",
      "ButtonRows",
      "ButtonRowsToldAtDeadline",
    ]);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "RampErpSync",
      MetricName: "ButtonRoundTrip",
      ExtendedStatistic: "p95",
      Period: 900,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 180_000,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      Dimensions: [
        { Name: "function", Value: "button-job" },
        { Name: "service", Value: "ramp-erp-sync" },
      ],
    });
    // A plain metric matches one exact dimension set: the one Powertools writes for the job's point
    // (addMetric with no dimensions of its own), read from a real EMF document.
    const emf = createMetrics(BUTTON_JOB_FUNCTION);
    emf.addMetric(METRIC.buttonRoundTrip, "Milliseconds", 95_000);
    const doc = emf.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
    };
    const [directive] = doc._aws.CloudWatchMetrics;
    const written = Object.fromEntries((directive?.Dimensions[0] ?? []).map((d) => [d, doc[d]]));
    const rule = [...rules.values()].find(
      (r) => "metricName" in r.metric && r.metric.metricName === METRIC.buttonRoundTrip,
    );
    expect(rule?.metric).toEqual({
      metricName: METRIC.buttonRoundTrip,
      namespace: directive?.Namespace,
      dimensions: written,
      statistic: "p95",
    });
  });

  it("thresholds and subscriptions come from context; a bad value fails synth naming its key", () => {
    const {
      template: t,
      rules: r,
      stack: s,
    } = synth({
      alarmEmail: "oncall@example.com",
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:pager",
      alarmThresholds: JSON.stringify({
        backlog: 250,
        backlogHours: 1.5,
        queueAgeS: { priority: 90 },
        buttonRoundTripP95Ms: 120_000,
        buttonRowsToldAtDeadlinePer15Min: 3,
      }),
    });
    t.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "oncall@example.com" });
    const table = alarmTable(s, r);
    expect(table.SyncReadyBacklog?.slice(0, 4)).toEqual([900, 6, 6, 250]);
    expect(table.PriorityOldestMessage?.[3]).toBe(90);
    expect(table.ButtonRoundTripP95?.slice(0, 4)).toEqual([900, 3, 2, 120_000]);
    expect(table.ButtonRowsToldAtDeadline?.[3]).toBe(3);
    for (const rule of r.values()) expect(rule.actions).toContain("arn:aws:sns:us-east-1:123456789012:pager");
    expect(() => synth({ alarmThresholds: JSON.stringify({ backlogg: 5 }) })).toThrow(/backlogg/);
    expect(() => synth({ alarmThresholds: JSON.stringify({ backlogHours: 4 }) })).toThrow(/backlogHours/);
    expect(() => synth({ alarmEmail: "not-an-address" })).toThrow(/alarmEmail/);
    // At or past Ramp's 5 minutes the round trip alarm could never fire.
    expect(() => synth({ alarmThresholds: JSON.stringify({ buttonRoundTripP95Ms: 300_000 }) })).toThrow(
      /buttonRoundTripP95Ms/,
    );
    expect(() => synth({ alarmThresholds: JSON.stringify({ queueAgeS: { priorty: 90 } }) })).toThrow(
      /thresholds\.queueAgeS\.priorty: not a queue of the manifest/,
    );
  });

  it("no subscription without context; the key lets CloudWatch publish to the encrypted topic", () => {
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          }),
        ]),
      }),
    });
  });

  it("a stage names the stack; a bad stage name fails synth", () => {
    expect(buildApp(newApp({ stage: "prod" })).stack.stackName).toBe("RampErpSync-prod");
    expect(() => buildApp(newApp({ stage: "no spaces" }))).toThrow(/stage/);
  });
});

describe("dashboard", { timeout: 60_000 }, () => {
  const { template } = synth();
  const body = () => {
    const d = Object.values(template.findResources("AWS::CloudWatch::Dashboard"))[0] as {
      Properties: { DashboardBody: { "Fn::Join": [string, unknown[]] } };
    };
    // Tokens (queue names, function names) stand in as markers; the structure is what is pinned.
    const text = d.Properties.DashboardBody["Fn::Join"][1]
      .map((p) => (typeof p === "string" ? p : "TOKEN"))
      .join("");
    return JSON.parse(text) as {
      variables: Array<{ id: string; pattern: string; inputType: string }>;
      widgets: Array<{ type: string; properties: { title?: string; metrics?: unknown[] } }>;
    };
  };

  it("has the fleet's widgets, per-tenant rows and the tenant variable", () => {
    const b = body();
    expect(b.widgets.map((w) => w.properties.title ?? w.type)).toEqual([
      "Alarms",
      "text",
      "SYNC_READY backlog outstanding (top tenants)",
      "Oldest unsynced object, min (top tenants)",
      "Last finished poll walk, min ago (top tenants)",
      "Tenant: backlog by kind",
      "Tenant: open ledger rows by kind",
      "Tenant: oldest unsynced by kind, min",
      "Posted to the ERP per minute, by kind",
      "Failed per minute, by kind and category",
      "Told to Ramp per minute (synced / failed)",
      "ERP post latency, ms (avg / max)",
      "Ramp calls by route (syncer)",
      "Webhook deliveries by outcome",
      "Sync Button round trip, ms (p50 / p95 / max)",
      "Sync Button requests and rows per request",
      "Sync Button rows told at the deadline",
      "Queue depth (visible)",
      "Oldest message age, s",
      "Dead-letter queues (visible)",
      "Lambda errors",
      "Lambda duration p99, ms",
      "Lambda concurrency (max) and throttles",
    ]);
    expect(b.variables).toEqual([
      expect.objectContaining({ id: "tenant", pattern: "TENANT_ID", inputType: "input" }),
    ]);
    const tenantRow = JSON.stringify(b.widgets.filter((w) => w.properties.title?.startsWith("Tenant:")));
    expect(tenantRow.match(/tenantId = 'TENANT_ID'/g)).toHaveLength(3);
    // One line per manifest queue and function.
    const depth = b.widgets.find((w) => w.properties.title === "Queue depth (visible)");
    expect(depth?.properties.metrics).toHaveLength(Object.keys(MANIFEST.queues).length);
    const errors = b.widgets.find((w) => w.properties.title === "Lambda errors");
    expect(errors?.properties.metrics).toHaveLength(Object.keys(MANIFEST.functions).length);
  });

  it("graphs the Sync Button at its alarms' period: what ButtonRoundTripP95 and ButtonRowsToldAtDeadline judge", () => {
    const { widgets } = body();
    const widget = (title: string) => widgets.find((w) => w.properties.title === title)?.properties.metrics;
    const job = ["RampErpSync", "ButtonRoundTrip", "function", "button-job", "service", "ramp-erp-sync"];
    expect(widget("Sync Button round trip, ms (p50 / p95 / max)")).toEqual(
      ["p50", "p95", "Maximum"].map((stat) => [...job, expect.objectContaining({ stat, period: 900 })]),
    );
    const query = (fn: string, m: string) =>
      expect.objectContaining({
        expression: `SELECT ${fn}(${m}) FROM "RampErpSync" WHERE function = 'button-job'`,
        period: 900,
      });
    expect(widget("Sync Button requests and rows per request")).toEqual([
      [query("COUNT", "ButtonRows")],
      [query("AVG", "ButtonRows")],
      [query("MAX", "ButtonRows")],
    ]);
    expect(widget("Sync Button rows told at the deadline")).toEqual([
      [query("SUM", "ButtonRowsToldAtDeadline")],
    ]);
  });
});

describe("outputs", { timeout: 60_000 }, () => {
  const { template } = synth();

  it("name everything the ops CLI and an operator need (infra/outputs.ts)", () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    const queues = Object.keys(MANIFEST.queues) as Array<keyof typeof MANIFEST.queues>;
    expect(Object.keys(outputs).sort()).toEqual(
      [...Object.values(OUTPUT_NAMES), ...queues.flatMap((q) => [queueUrlOutput(q), dlqUrlOutput(q)])].sort(),
    );
    template.hasOutput(OUTPUT_NAMES.tableName, { Value: { Ref: Match.stringLikeRegexp("^TablesMain") } });
    template.hasOutput(queueUrlOutput("priority"), {
      Value: { Ref: Match.stringLikeRegexp("^PriorityQueue") },
    });
    template.hasOutput(dlqUrlOutput("work"), { Value: { Ref: Match.stringLikeRegexp("^WorkDlq") } });
  });

  it("are what `targets import` reads: every synthesized output becomes part of the CLI's target", () => {
    // cdk deploy --outputs-file writes each output's value under its key; stand the values in.
    const outputs = Object.fromEntries(
      Object.keys(template.toJSON().Outputs as object).map((k) => [
        k,
        k === OUTPUT_NAMES.region
          ? "eu-west-1"
          : k === OUTPUT_NAMES.tableName
            ? "RampErpSync-prod-Main"
            : k === OUTPUT_NAMES.alarmTopicArn
              ? "arn:aws:sns:eu-west-1:123456789012:alarms"
              : `https://example.com/${k}`,
      ]),
    );
    const target = targetFromStackOutputs(outputs, "prod");
    expect(target).toMatchObject({ name: "prod", region: "eu-west-1", tableName: "RampErpSync-prod-Main" });
    for (const q of Object.keys(MANIFEST.queues) as Array<keyof typeof MANIFEST.queues>)
      expect(target.queues[q]).toEqual({
        url: `https://example.com/${queueUrlOutput(q)}`,
        dlqUrl: `https://example.com/${dlqUrlOutput(q)}`,
      });
    expect(target.links?.dashboardUrl).toBe(`https://example.com/${OUTPUT_NAMES.dashboardUrl}`);
  });
});

describe("runbook", () => {
  it("README has an entry for every alarm", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const runbook = readme.slice(readme.indexOf("## Runbook"));
    for (const id of Object.keys(EXPECTED)) {
      const family = id
        .replace(
          /^(Work|Priority|PollJobs|ButtonJobs|CoaRequests|ReceiptJobs)(?=OldestMessage|DlqNotEmpty)/,
          "<Queue>",
        )
        .replace(
          /^(Webhook|PollSchedule|PollJob|ButtonJob|Syncer|Sweep|Health|CoaPush|Receipts)(?=Errors|Throttles)/,
          "<Function>",
        );
      expect(runbook, id).toContain(`### ${family}`);
    }
  });
});
