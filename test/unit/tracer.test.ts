/**
 * X-Ray through Powertools Tracer: off outside Lambda (tests, local stack, ops CLI),
 * and on Lambda the handler stack opens and closes the handler's subsegment around
 * `run`, and the clients a handler is built with are captured by its tracer.
 * Tracing cannot be switched on in a test process without patching node:http and
 * fetch for the whole worker, so the tracer's segment calls are spied instead.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAwsClients } from "../../lib/aws/clients.js";
import { BaseEnvSchema } from "../../lib/config/env.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { observability, powertoolsHandler } from "../../lib/runtime/handler-stack.js";
import { SERVICE_NAME } from "../../lib/runtime/observability.js";

const context = {
  functionName: "tracer-test",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:tracer-test",
  memoryLimitInMB: "512",
  awsRequestId: "req-1",
  logGroupName: "/aws/lambda/tracer-test",
  logStreamName: "stream",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as Context;

/** The tracer as if on Lambda: a segment to open the handler's subsegment under; every step recorded. */
function spiedAsOnLambda(tracer: Tracer): string[] {
  const events: string[] = [];
  const handlerSegment = { name: "## handler", close: () => events.push("close") };
  const lambdaSegment = {
    addNewSubsegment: (name: string) => {
      events.push(`open ${name}`);
      return handlerSegment;
    },
  };
  vi.spyOn(tracer, "isTracingEnabled").mockReturnValue(true);
  vi.spyOn(tracer, "getSegment").mockReturnValue(lambdaSegment as never);
  vi.spyOn(tracer, "setSegment").mockImplementation(() => {});
  vi.spyOn(tracer, "annotateColdStart").mockImplementation(() => events.push("cold start"));
  vi.spyOn(tracer, "addServiceNameAnnotation").mockImplementation(() => {});
  vi.spyOn(tracer, "addResponseAsMetadata").mockImplementation(() => events.push("response"));
  vi.spyOn(tracer, "addErrorAsMetadata").mockImplementation((e) => events.push(`error ${e.message}`));
  return events;
}

afterEach(() => vi.restoreAllMocks());

describe("the tracer outside Lambda", () => {
  it("is off (no AWS_EXECUTION_ENV), named as the logger's service, and the handler runs as before", async () => {
    expect(process.env.AWS_EXECUTION_ENV).toBeUndefined();
    const obs = observability("tracer-test", "SILENT");
    expect(obs.tracer.isTracingEnabled()).toBe(false);
    // biome-ignore lint/complexity/useLiteralKeys: serviceName is protected; the test reads it anyway.
    expect(obs.tracer["serviceName"]).toBe(SERVICE_NAME);
    const handler = powertoolsHandler(obs, async (event: { n: number }) => event.n + 1);
    await expect(handler({ n: 1 }, context)).resolves.toBe(2);
  });

  it("leaves the clients as they were: nothing is added to their middleware stacks", () => {
    const plain = createAwsClients({ region: "us-east-1" });
    const withTracer = createAwsClients({ region: "us-east-1", tracer: observability("t", "SILENT").tracer });
    expect(withTracer.sqs.middlewareStack.identify()).toEqual(plain.sqs.middlewareStack.identify());
    expect(withTracer.doc.middlewareStack.identify()).toEqual(plain.doc.middlewareStack.identify());
    plain.destroy();
    withTracer.destroy();
  });
});

describe("powertoolsHandler with tracing on", () => {
  it("opens the handler's subsegment before run and closes it after, without recording the response", async () => {
    const obs = observability("tracer-test", "SILENT");
    const events = spiedAsOnLambda(obs.tracer);
    const handler = powertoolsHandler(obs, async () => {
      events.push("run");
      return "done";
    });
    await expect(handler({}, context)).resolves.toBe("done");
    expect(events).toEqual([expect.stringMatching(/^open ## /), "cold start", "run", "close"]);
  });

  it("records a thrown error on the subsegment, closes it, and the error still reaches Lambda", async () => {
    const obs = observability("tracer-test", "SILENT");
    const events = spiedAsOnLambda(obs.tracer);
    const handler = powertoolsHandler(obs, async () => {
      throw new Error("boom");
    });
    await expect(handler({}, context)).rejects.toThrow("boom");
    expect(events).toEqual([expect.stringMatching(/^open ## /), "cold start", "error boom", "close"]);
  });
});

describe("clients and the tracer", () => {
  it("createAwsClients captures each client when given a tracer", () => {
    const captured: unknown[] = [];
    const tracer = {
      captureAWSv3Client: <T>(client: T): T => {
        captured.push(client);
        return client;
      },
    };
    const aws = createAwsClients({ region: "us-east-1", tracer });
    expect(captured).toEqual([aws.doc, aws.sqs, aws.secrets]);
    aws.destroy();
  });

  it("fromEnvironment (every Lambda entry) hands the function's own tracer to its clients", () => {
    const captured: unknown[] = [];
    let tracer: unknown;
    const parts = (() => {
      const proto = Object.getPrototypeOf(observability("probe", "SILENT").tracer) as Tracer;
      vi.spyOn(proto, "captureAWSv3Client").mockImplementation(function <T>(this: unknown, client: T): T {
        tracer = this;
        captured.push(client);
        return client;
      });
      return fromEnvironment({ name: "tracer-test", envSchema: BaseEnvSchema }, { LOG_LEVEL: "SILENT" });
    })();
    expect(captured).toEqual([parts.aws.doc, parts.aws.sqs, parts.aws.secrets]);
    expect(tracer).toBe(parts.obs.tracer);
    parts.aws.destroy();
  });
});
