/**
 * A deployment's outputs (`cdk deploy --outputs-file`) → the ops target
 * (ops/stack-outputs.ts): every queue whose outputs exist, the links, strict
 * validation, and which stack of a file is meant. Output names come from
 * infra/outputs.ts, as the CLI reads them.
 */
import { describe, expect, it } from "vitest";
import { QUEUE_NAMES } from "../../infra/functions.js";
import { dlqUrlOutput, OUTPUT_NAMES, queueUrlOutput, stackNameOf } from "../../infra/outputs.js";
import { pickStack, stageOfStack, targetFromStackOutputs } from "../../ops/stack-outputs.js";
import { OpsTargetError, OpsTargetSchema } from "../../ops/target.js";

const sqs = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;

function outputsOf(stage: string, over: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {
    [OUTPUT_NAMES.region]: "eu-west-1",
    [OUTPUT_NAMES.tableName]: `${stackNameOf(stage)}-Table-ABC123`,
    [OUTPUT_NAMES.alarmTopicArn]: `arn:aws:sns:eu-west-1:123456789012:${stage}-alarms`,
    [OUTPUT_NAMES.dashboardUrl]: `https://eu-west-1.console.aws.amazon.com/cloudwatch/home#dashboards:name=${stage}`,
    [OUTPUT_NAMES.webhookUrl]: `https://abc.lambda-url.eu-west-1.on.aws/`,
    ...Object.fromEntries(
      QUEUE_NAMES.flatMap((q) => [
        [queueUrlOutput(q), sqs(`${stage}-${q}`)],
        [dlqUrlOutput(q), sqs(`${stage}-${q}-dlq`)],
      ]),
    ),
    SomethingElseTheStackAdds: "ignored",
    ...over,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

function refusal(f: () => unknown): OpsTargetError {
  try {
    f();
  } catch (e) {
    if (e instanceof OpsTargetError) return e;
    throw e;
  }
  throw new Error("expected an OpsTargetError");
}

describe("targetFromStackOutputs", () => {
  it("names region, table, every queue with its DLQ, and the links; the result is a valid target", () => {
    const t = targetFromStackOutputs(outputsOf("prod"), "prod");
    expect(t).toEqual({
      name: "prod",
      region: "eu-west-1",
      tableName: "RampErpSync-prod-Table-ABC123",
      queues: Object.fromEntries(
        QUEUE_NAMES.map((q) => [q, { url: sqs(`prod-${q}`), dlqUrl: sqs(`prod-${q}-dlq`) }]),
      ),
      links: {
        dashboardUrl: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home#dashboards:name=prod",
        alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:prod-alarms",
        webhookUrl: "https://abc.lambda-url.eu-west-1.on.aws/",
      },
    });
    expect(OpsTargetSchema.parse(t)).toEqual(t);
    expect(t).not.toHaveProperty("credentials");
    expect(t).not.toHaveProperty("endpoints");
  });

  it("takes only the queues whose outputs exist (a queue without a DLQ output has none)", () => {
    const t = targetFromStackOutputs(
      outputsOf("dev", {
        [queueUrlOutput("priority")]: undefined,
        [dlqUrlOutput("priority")]: undefined,
        [dlqUrlOutput("coaRequests")]: undefined,
        [OUTPUT_NAMES.dashboardUrl]: undefined,
        [OUTPUT_NAMES.alarmTopicArn]: undefined,
        [OUTPUT_NAMES.webhookUrl]: undefined,
      }),
      "dev",
    );
    expect(Object.keys(t.queues).sort()).toEqual([
      "buttonJobs",
      "coaRequests",
      "pollJobs",
      "receipts",
      "work",
    ]);
    expect(t.queues.coaRequests).toEqual({ url: sqs("dev-coaRequests") });
    expect(t).not.toHaveProperty("links");
  });

  it("refuses outputs without TableName (or Region), with a hint about the outputs file", () => {
    const e = refusal(() =>
      targetFromStackOutputs(outputsOf("prod", { [OUTPUT_NAMES.tableName]: undefined }), "prod"),
    );
    expect(e.message).toBe(
      `the stack outputs have no ${OUTPUT_NAMES.tableName}: not a ramp-erp-sync stack, or an old one`,
    );
    expect(e.hint).toMatch(/--outputs-file cdk-outputs\.json/);
    expect(
      refusal(() => targetFromStackOutputs(outputsOf("prod", { [OUTPUT_NAMES.region]: " " }), "prod"))
        .message,
    ).toMatch(new RegExp(`no ${OUTPUT_NAMES.region}`));
  });

  it("refuses a DLQ output without its queue, and a value the schema refuses, naming the key", () => {
    expect(
      refusal(() =>
        targetFromStackOutputs(outputsOf("prod", { [queueUrlOutput("work")]: undefined }), "prod"),
      ).message,
    ).toBe(`the stack outputs have ${dlqUrlOutput("work")} but no ${queueUrlOutput("work")}`);
    expect(
      refusal(() =>
        targetFromStackOutputs(outputsOf("prod", { [queueUrlOutput("work")]: "not a url" }), "prod"),
      ).message,
    ).toMatch(/^the stack outputs: queues\.work\.url: /);
    expect(
      refusal(() =>
        targetFromStackOutputs(outputsOf("prod", { [OUTPUT_NAMES.alarmTopicArn]: "alarms" }), "prod"),
      ).message,
    ).toMatch(/^the stack outputs: links\.alarmTopicArn: /);
  });
});

describe("pickStack", () => {
  const file = {
    [stackNameOf("prod")]: outputsOf("prod"),
    [stackNameOf("staging")]: outputsOf("staging"),
    CDKToolkit: { BucketName: "cdk-bucket" },
  };

  it("picks the stage's stack by stackNameOf among several", () => {
    const p = pickStack(file, "staging", "cdk-outputs.json");
    expect(p.stackName).toBe("RampErpSync-staging");
    expect(p.stage).toBe("staging");
    expect(p.outputs[OUTPUT_NAMES.tableName]).toBe("RampErpSync-staging-Table-ABC123");
  });

  it("refuses an unknown stage, listing the stacks in the file", () => {
    const e = refusal(() => pickStack(file, "qa", "cdk-outputs.json"));
    expect(e.message).toBe(
      'cdk-outputs.json has no stack RampErpSync-qa for stage "qa" (stacks: RampErpSync-prod, RampErpSync-staging, CDKToolkit)',
    );
    expect(e.hint).toMatch(/^this file has: --stage prod, --stage staging; /);
  });

  it("with no stage: the one stack of the file, its stage from its name; several without RampErpSync are refused", () => {
    const one = pickStack({ [stackNameOf("prod")]: outputsOf("prod") }, undefined);
    expect(one).toMatchObject({ stackName: "RampErpSync-prod", stage: "prod" });
    const e = refusal(() => pickStack(file, undefined, "cdk-outputs.json"));
    expect(e.message).toMatch(/^cdk-outputs\.json holds 3 stacks and none is RampErpSync; name the stage/);
    expect(e.message).toMatch(/\(stacks: RampErpSync-prod, RampErpSync-staging, CDKToolkit\)$/);
  });

  it("with no stage, the unstaged stack RampErpSync is picked by name even among others (entry 'default')", () => {
    const p = pickStack({ ...file, [stackNameOf()]: outputsOf("") }, undefined);
    expect(p).toMatchObject({ stackName: "RampErpSync", stage: "default" });
  });

  it("a named stage never falls back to the file's only stack", () => {
    expect(refusal(() => pickStack({ [stackNameOf("prod")]: outputsOf("prod") }, "dev")).message).toMatch(
      /no stack RampErpSync-dev for stage "dev" \(stacks: RampErpSync-prod\)/,
    );
  });

  it("refuses a document that is not stacks of string outputs", () => {
    expect(refusal(() => pickStack([1, 2], undefined, "x.json")).message).toBe(
      'x.json: expected { "<StackName>": { "<OutputKey>": "<value>" } }',
    );
    expect(refusal(() => pickStack({}, undefined)).message).toMatch(/\(stacks: \(none\)\)/);
  });

  it("stageOfStack inverts stackNameOf", () => {
    expect(stageOfStack(stackNameOf("prod"))).toBe("prod");
    expect(stageOfStack(stackNameOf("eu-1"))).toBe("eu-1");
    expect(stageOfStack(stackNameOf())).toBe("default");
    expect(stageOfStack("Other")).toBe("Other");
  });
});
