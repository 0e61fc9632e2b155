import { request } from "node:http";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, ScheduledEvent } from "aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { httpToApiGateway, type LocalHttpApi } from "../../local/runtime/http-to-api-gateway.js";
import { createLambdaContext, invoke, LambdaTimeoutError } from "../../local/runtime/lambda-context.js";
import { invokeScheduled, scheduledEvent } from "../../local/runtime/scheduled-event.js";
import { sqsEvent } from "../../local/runtime/sqs-event.js";
import { receiveAllVisible, useLocalSqs } from "../support/sqs-local.js";

/** A raw HTTP/1.1 request over loopback, so header case and duplicates reach the server as written. */
function rawRequest(
  url: string,
  options: { method: string; path: string; headers: [string, string][]; body?: Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: options.method,
        path: options.path,
        // Flat raw header list (case and repeats as written); Node adds no Host header to it itself.
        headers: [["Host", u.host], ...options.headers].flat(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("API Gateway HTTP API adapter (payload 2.0) over loopback", () => {
  const apis: LocalHttpApi[] = [];
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
  });
  async function api(
    handler: (e: APIGatewayProxyEventV2) => unknown,
    options: Parameters<typeof httpToApiGateway>[1] = {},
  ) {
    const a = await httpToApiGateway(async (e) => handler(e), options);
    apis.push(a);
    return a;
  }

  it("passes a binary body base64-encoded, byte for byte, and lowercases and joins headers", async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const a = await api((e) => {
      events.push(e);
      return { statusCode: 204 };
    });
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const res = await rawRequest(a.url, {
      method: "POST",
      path: "/hooks/ramp?x=1&x=2&y=%20z",
      headers: [
        ["Content-Type", "application/octet-stream"],
        ["X-Ramp-Signature", "sha256=AbC"],
        ["X-Multi", "one"],
        ["X-Multi", "two"],
        ["Cookie", "a=1; b=2"],
      ],
      body: bytes,
    });
    expect(res.status).toBe(204);
    const e = events[0]!;
    expect(e.isBase64Encoded).toBe(true);
    expect(Buffer.from(e.body ?? "", "base64").equals(bytes)).toBe(true);
    expect(e.headers["x-ramp-signature"]).toBe("sha256=AbC");
    expect(e.headers["x-multi"]).toBe("one,two");
    expect(Object.keys(e.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(e.headers.cookie).toBeUndefined();
    expect(e.cookies).toEqual(["a=1", "b=2"]);
    expect(e).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/hooks/ramp",
      rawQueryString: "x=1&x=2&y=%20z",
      queryStringParameters: { x: "1,2", y: " z" },
      requestContext: {
        http: { method: "POST", path: "/hooks/ramp", sourceIp: "127.0.0.1" },
        stage: "$default",
      },
    });
    expect(e.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it("passes a JSON body as the exact text sent (whitespace, key order, escapes and non-ASCII kept)", async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const a = await api((e) => {
      events.push(e);
      return { ok: true };
    });
    const text = '{ "b":1,\n  "a" : "caf\\u00e9 — ünïcødé ✓",\t"n": 1.50 }';
    const res = await rawRequest(a.url, {
      method: "POST",
      path: "/",
      headers: [["Content-Type", "application/json; charset=utf-8"]],
      body: Buffer.from(text, "utf8"),
    });
    expect(events[0]?.isBase64Encoded).toBe(false);
    expect(events[0]?.body).toBe(text);
    // An answer without statusCode is inferred as a 200 JSON response.
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body.toString())).toEqual({ ok: true });
  });

  it("sends a text-typed body that is not valid UTF-8 base64-encoded, so no byte is lost", async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const a = await api((e) => {
      events.push(e);
      return "";
    });
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    await rawRequest(a.url, {
      method: "POST",
      path: "/",
      headers: [["Content-Type", "application/json"]],
      body: bytes,
    });
    expect(events[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0]?.body ?? "", "base64").equals(bytes)).toBe(true);
  });

  it("writes back a structured answer: status, headers, cookies and a base64 body decoded to bytes", async () => {
    const payload = Buffer.from([0, 1, 2, 250, 251]);
    const a = await api(() => ({
      statusCode: 202,
      headers: { "X-Request-Id": "r-1", "Content-Type": "application/octet-stream" },
      cookies: ["s=1; Path=/", "t=2"],
      body: payload.toString("base64"),
      isBase64Encoded: true,
    }));
    const res = await rawRequest(a.url, { method: "GET", path: "/", headers: [] });
    expect(res.status).toBe(202);
    expect(res.headers["x-request-id"]).toBe("r-1");
    expect(res.headers["set-cookie"]).toEqual(["s=1; Path=/", "t=2"]);
    expect(res.body.equals(payload)).toBe(true);
  });

  it("matches a route key with path parameters and answers 404 for other routes, 500 when the handler fails", async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const a = await api(
      (e) => {
        events.push(e);
        if (e.pathParameters?.tenantId === "bad") throw new Error("boom");
        return { statusCode: 200, body: "ok" };
      },
      { routeKey: "POST /webhooks/{tenantId}" },
    );
    const ok = await rawRequest(a.url, { method: "POST", path: "/webhooks/t%201", headers: [] });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe("ok");
    expect(events[0]).toMatchObject({
      routeKey: "POST /webhooks/{tenantId}",
      pathParameters: { tenantId: "t 1" },
    });
    expect(events[0]?.body).toBeUndefined();
    expect((await rawRequest(a.url, { method: "GET", path: "/webhooks/t1", headers: [] })).status).toBe(404);
    expect((await rawRequest(a.url, { method: "POST", path: "/other", headers: [] })).status).toBe(404);
    const failed = await rawRequest(a.url, { method: "POST", path: "/webhooks/bad", headers: [] });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body.toString())).toEqual({ message: "Internal Server Error" });
    expect(a.invocations).toBe(2);
  });
});

describe("scheduled events", () => {
  it("builds EventBridge's Scheduled Event for a rule, time to the second", () => {
    const e = scheduledEvent({ rule: "poller-weekdays", time: "2026-11-24T09:00:00.123Z", id: "evt-1" });
    expect(e).toEqual({
      version: "0",
      id: "evt-1",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "000000000000",
      time: "2026-11-24T09:00:00Z",
      region: "us-east-1",
      resources: ["arn:aws:events:us-east-1:000000000000:rule/poller-weekdays"],
      detail: {},
    });
  });

  it("invokes the handler with the event and a context carrying the function's name", async () => {
    const got: { event: ScheduledEvent; fn: string; arn: string }[] = [];
    const result = await invokeScheduled(
      async (event: ScheduledEvent, ctx) => {
        got.push({ event, fn: ctx.functionName, arn: ctx.invokedFunctionArn });
        return "done";
      },
      {
        rule: "arn:aws:events:eu-west-1:123456789012:rule/r",
        time: new Date(0),
        region: "eu-west-1",
        function: { functionName: "poller" },
      },
    );
    expect(result).toBe("done");
    expect(got[0]?.event.resources).toEqual(["arn:aws:events:eu-west-1:123456789012:rule/r"]);
    expect(got[0]?.event.time).toBe("1970-01-01T00:00:00Z");
    expect(got[0]).toMatchObject({
      fn: "poller",
      arn: "arn:aws:lambda:eu-west-1:000000000000:function:poller",
    });
  });
});

describe("Lambda context and invoke", () => {
  it("counts the remaining time down from the configured timeout, never below zero", () => {
    let t = 1_000_000;
    const ctx = createLambdaContext({ functionName: "syncer", timeoutMs: 5_000, now: () => t });
    expect(ctx.getRemainingTimeInMillis()).toBe(5_000);
    t += 1_200;
    expect(ctx.getRemainingTimeInMillis()).toBe(3_800);
    t += 10_000;
    expect(ctx.getRemainingTimeInMillis()).toBe(0);
    expect(ctx).toMatchObject({
      functionName: "syncer",
      functionVersion: "$LATEST",
      logGroupName: "/aws/lambda/syncer",
    });
    expect(ctx.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(createLambdaContext().awsRequestId).not.toBe(ctx.awsRequestId);
  });

  it("rejects with a timeout error when the handler outlives the function timeout", async () => {
    const never = () => new Promise<never>(() => {});
    await expect(invoke(never, {}, { functionName: "f", timeoutMs: 50 })).rejects.toBeInstanceOf(
      LambdaTimeoutError,
    );
    await expect(invoke(() => Promise.reject(new Error("x")), {}, { timeoutMs: 1_000 })).rejects.toThrow("x");
    expect(await invoke((e: { n: number }) => e.n + 1, { n: 1 })).toBe(2);
  });
});

describe("SQS records from received messages", () => {
  const sqs = useLocalSqs();

  it("carry Lambda's field names and string encodings", async () => {
    const q = await sqs().createQueue("shape");
    const client = sqs().client();
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: '{"kind":"transaction"}',
        MessageAttributes: {
          tenant: { DataType: "String", StringValue: "t-1" },
          attempt: { DataType: "Number", StringValue: "2" },
        },
      }),
    );
    const received = await receiveAllVisible(client, q.url);
    const { Records } = sqsEvent(received, { arn: q.arn });
    expect(Records).toHaveLength(1);
    const r = Records[0]!;
    expect(r).toMatchObject({
      messageId: sent.MessageId,
      body: '{"kind":"transaction"}',
      md5OfBody: sent.MD5OfMessageBody,
      eventSource: "aws:sqs",
      eventSourceARN: q.arn,
      awsRegion: "us-east-1",
      messageAttributes: {
        tenant: { dataType: "String", stringValue: "t-1", stringListValues: [], binaryListValues: [] },
        attempt: { dataType: "Number", stringValue: "2", stringListValues: [], binaryListValues: [] },
      },
    });
    expect(r.receiptHandle).toBe(received[0]?.ReceiptHandle);
    expect(r.attributes.ApproximateReceiveCount).toBe("1");
    expect(r.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(r.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(r.attributes.SenderId).not.toBe("");
  });
});
