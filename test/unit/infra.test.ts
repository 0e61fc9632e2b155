import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.js";
import { IDEMPOTENCY_TABLE, MAIN_TABLE } from "../../lib/store/table.js";

const newApp = () => new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")) });

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
    t.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
    });
  });

  it("gives both work queues a DLQ and an alarm on it", () => {
    const { stack } = buildApp(newApp());
    const t = Template.fromStack(stack);
    const redriven = t.findResources("AWS::SQS::Queue", {
      Properties: { RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }) },
    });
    expect(Object.keys(redriven)).toHaveLength(2);
    const alarms = t.findResources("AWS::CloudWatch::Alarm", {
      Properties: { MetricName: "ApproximateNumberOfMessagesVisible", Threshold: 0 },
    });
    expect(Object.keys(alarms)).toHaveLength(2);
  });
});
