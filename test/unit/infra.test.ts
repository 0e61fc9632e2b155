import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.js";
import { MAIN_TABLE } from "../../lib/store/table.js";

// Bundling is skipped here (fast); CI's `npm run synth` bundles every function for real.
const newApp = () =>
  new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")), context: { "aws:cdk:bundling-stacks": [] } });

describe("CDK stack", { timeout: 60_000 }, () => {
  it("synthesizes with cdk-nag's AWS Solutions checks and no finding", () => {
    const { app } = buildApp(newApp());
    expect(() => app.synth()).not.toThrow();
  });

  it("fails synthesis when a construct breaks a cdk-nag rule (the checks are really on)", () => {
    const { app, stack } = buildApp(newApp());
    new sqs.Queue(stack, "PlainQueue");
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it("creates the tables from the shared definition in lib/store/table.ts", () => {
    const { stack } = buildApp(newApp());
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: MAIN_TABLE.partitionKey, KeyType: "HASH" },
        { AttributeName: MAIN_TABLE.sortKey, KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: MAIN_TABLE.globalSecondaryIndexes.map((g) =>
        Match.objectLike({
          IndexName: g.name,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: "HASH" },
            { AttributeName: g.sortKey, KeyType: "RANGE" },
          ],
        }),
      ),
      TimeToLiveSpecification: { AttributeName: MAIN_TABLE.ttlAttribute, Enabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: "KMS" }),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    // One table: nothing uses a Powertools idempotency table (exactly-once rests on the ledger).
    expect(Object.keys(t.findResources("AWS::DynamoDB::Table"))).toHaveLength(1);
  });

  it("gives every queue a DLQ and an alarm on it", () => {
    const { stack } = buildApp(newApp());
    const t = Template.fromStack(stack);
    const redriven = t.findResources("AWS::SQS::Queue", {
      Properties: { RedrivePolicy: Match.objectLike({ deadLetterTargetArn: Match.anyValue() }) },
    });
    expect(Object.keys(redriven)).toHaveLength(4);
    const alarms = t.findResources("AWS::CloudWatch::Alarm", {
      Properties: { MetricName: "ApproximateNumberOfMessagesVisible", Threshold: 0 },
    });
    expect(Object.keys(alarms)).toHaveLength(4);
  });

  it("alarms on the SYNC_READY backlog and on failed syncs per minute (the guide's monitoring)", () => {
    const t = Template.fromStack(buildApp(newApp()).stack);
    const insights = (expr: string) =>
      t.findResources("AWS::CloudWatch::Alarm", {
        Properties: {
          Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp(expr) })]),
        },
      });
    expect(Object.keys(insights("MAX\\(SyncReadyBacklog\\)"))).toHaveLength(1);
    expect(Object.keys(insights("SUM\\(SyncReportedFailed\\)"))).toHaveLength(1);
  });

  it("runs every function on Node.js 24 with partial batch responses on every queue", () => {
    const t = Template.fromStack(buildApp(newApp()).stack);
    const fns = t.findResources("AWS::Lambda::Function", { Properties: { Runtime: "nodejs24.x" } });
    expect(Object.keys(fns)).toHaveLength(7);
    const mappings = t.findResources("AWS::Lambda::EventSourceMapping");
    expect(Object.keys(mappings)).toHaveLength(4);
    for (const m of Object.values(mappings)) {
      expect(m.Properties.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    }
    t.resourceCountIs("AWS::Events::Rule", 4);
  });

  it("grants secrets only under the tenant prefix, and none to the poll schedule", () => {
    const t = Template.fromStack(buildApp(newApp()).stack);
    const policies = t.findResources("AWS::IAM::Policy");
    const withSecrets = Object.entries(policies).filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes("secretsmanager:GetSecretValue"),
    );
    expect(withSecrets).toHaveLength(5);
    for (const [id, p] of withSecrets) {
      expect(id).not.toMatch(/PollSchedule/);
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain(":secret:ramp-erp-sync/*");
    }
    // No AWS managed policy: each function's own role writes to its own log group only.
    // (The webhook reads its signing secret; the poll schedule reads no secret at all.)
    expect(JSON.stringify(t.findResources("AWS::IAM::Role"))).not.toContain("AWSLambdaBasicExecutionRole");
  });

  it("receives Ramp's webhooks on POST /webhooks/{tenantId}, with access logs, answering within Ramp's 10 s", () => {
    const t = Template.fromStack(buildApp(newApp()).stack);
    t.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /webhooks/{tenantId}" });
    t.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    const webhook = t.findResources("AWS::Lambda::Function", {
      Properties: { Environment: { Variables: Match.objectLike({ POLL_JOBS_QUEUE_URL: Match.anyValue() }) } },
    });
    const timeouts = Object.values(webhook).map((f) => f.Properties.Timeout);
    expect(timeouts).toContain(10);
  });
});
