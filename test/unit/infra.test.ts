import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.js";
import { BUNDLE_FILE, type BundleSettings, esbuildOptions, SOURCE_MAPS_FLAG } from "../../infra/bundling.js";
import { SyncFunction } from "../../infra/constructs/sync-function.js";
import { MANIFEST } from "../../infra/functions.js";
import { MAIN_TABLE } from "../../lib/store/table.js";

// Bundling is skipped here (fast); CI's `npm run synth` bundles every function for real.
const newApp = (context: Record<string, unknown> = {}) =>
  new App({
    outdir: mkdtempSync(join(tmpdir(), "cdk-")),
    context: { "aws:cdk:bundling-stacks": [], ...context },
  });

/** NODE_OPTIONS of every function of the stack, by logical id. */
const nodeOptionsOf = (t: Template) =>
  Object.values(t.findResources("AWS::Lambda::Function")).map(
    (f) => (f.Properties.Environment?.Variables?.NODE_OPTIONS as string | undefined) ?? "",
  );

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
    expect(Object.keys(redriven)).toHaveLength(6);
    const alarms = t.findResources("AWS::CloudWatch::Alarm", {
      Properties: { MetricName: "ApproximateNumberOfMessagesVisible", Threshold: 0 },
    });
    expect(Object.keys(alarms)).toHaveLength(6);
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
    expect(Object.keys(fns)).toHaveLength(9);
    const mappings = t.findResources("AWS::Lambda::EventSourceMapping");
    expect(Object.keys(mappings)).toHaveLength(6);
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
    expect(withSecrets).toHaveLength(7);
    for (const [id, p] of withSecrets) {
      expect(id).not.toMatch(/PollSchedule/);
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain(":secret:ramp-erp-sync/*");
    }
    // No AWS managed policy: each function's own role writes to its own log group only.
    // (The webhook reads its signing secret; the poll schedule reads no secret at all.)
    expect(JSON.stringify(t.findResources("AWS::IAM::Role"))).not.toContain("AWSLambdaBasicExecutionRole");
  });

  it("receives Ramp's webhooks on POST /webhooks/{tenantId} and the single POST /webhooks, with access logs, answering within Ramp's 10 s", () => {
    const t = Template.fromStack(buildApp(newApp()).stack);
    t.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /webhooks/{tenantId}" });
    t.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /webhooks" });
    // Both routes integrate the one webhook function (a single endpoint must verify exactly the same way).
    const integrations = Object.values(t.findResources("AWS::ApiGatewayV2::Integration"));
    const targets = new Set(integrations.map((i) => JSON.stringify(i.Properties.IntegrationUri)));
    expect(integrations).toHaveLength(2);
    expect(targets.size).toBe(1);
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

describe("Lambda bundles and source maps", { timeout: 60_000 }, () => {
  it("loads no source map by default: no function's NODE_OPTIONS has --enable-source-maps", () => {
    const options = nodeOptionsOf(Template.fromStack(buildApp(newApp()).stack));
    expect(options).toHaveLength(9);
    for (const o of options) expect(o).not.toContain(SOURCE_MAPS_FLAG);
  });

  it("-c sourceMaps=true (a string on the command line, a boolean in cdk.json) loads them in every function", () => {
    for (const sourceMaps of ["true", true]) {
      const options = nodeOptionsOf(Template.fromStack(buildApp(newApp({ sourceMaps })).stack));
      expect(options).toHaveLength(9);
      for (const o of options) expect(o.split(" ")).toContain(SOURCE_MAPS_FLAG);
    }
    for (const o of nodeOptionsOf(Template.fromStack(buildApp(newApp({ sourceMaps: "false" })).stack)))
      expect(o).not.toContain(SOURCE_MAPS_FLAG);
  });

  it("refuses a sourceMaps value that is not a boolean, naming the key", () => {
    expect(() => buildApp(newApp({ sourceMaps: "ture" }))).toThrow(
      /bundles is invalid:\n\s+sourceMaps: true or false/,
    );
  });

  // Real bundling of the smallest function through CDK (the other tests skip it), compared byte for byte
  // with infra/bundling.ts's esbuild options: what the bundles bench builds is what is deployed.
  const ROOT = fileURLToPath(new URL("../..", import.meta.url));
  const entry = MANIFEST.functions.health.entry;
  const cdkAsset = (bundle: BundleSettings): string => {
    const outdir = mkdtempSync(join(tmpdir(), "cdk-bundle-"));
    const stack = new Stack(new App({ outdir }), "Bundle");
    new SyncFunction(stack, "Fn", { entry, timeout: Duration.seconds(10), environment: {}, bundle });
    const fns = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Function"));
    expect(fns).toHaveLength(1);
    const key = String(fns[0]?.Properties.Code.S3Key);
    return join(outdir, `asset.${key.replace(/\.zip$/, "")}`);
  };
  const esbuildAsset = async (bundle: BundleSettings): Promise<string> => {
    const dir = mkdtempSync(join(tmpdir(), "esbuild-bundle-"));
    await build(esbuildOptions(`${ROOT}${entry}`, dir, bundle));
    return dir;
  };

  it("deploys no source map by default, and bundles exactly as the bench's esbuild options do", async () => {
    const dir = cdkAsset({ sourceMaps: false });
    const code = readFileSync(join(dir, BUNDLE_FILE));
    expect(existsSync(join(dir, `${BUNDLE_FILE}.map`))).toBe(false);
    expect(code.toString("utf8")).not.toContain("sourceMappingURL");
    expect(code.equals(readFileSync(join(await esbuildAsset({ sourceMaps: false }), BUNDLE_FILE)))).toBe(
      true,
    );
  });

  it("with sourceMaps ships an external map without the sources' text, referenced by the bundle", async () => {
    const dir = cdkAsset({ sourceMaps: true });
    const code = readFileSync(join(dir, BUNDLE_FILE));
    expect(code.toString("utf8").trimEnd()).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map$/);
    const map = JSON.parse(readFileSync(join(dir, `${BUNDLE_FILE}.map`), "utf8")) as Record<string, unknown>;
    expect(map.version).toBe(3);
    expect(map.sourcesContent).toBeUndefined();
    const other = await esbuildAsset({ sourceMaps: true });
    expect(code.equals(readFileSync(join(other, BUNDLE_FILE)))).toBe(true);
    // Same mappings; only the sources' relative paths differ (the two builds write to different directories).
    const otherMap = JSON.parse(readFileSync(join(other, `${BUNDLE_FILE}.map`), "utf8")) as Record<
      string,
      unknown
    >;
    expect(otherMap.mappings).toBe(map.mappings);
  });
});
