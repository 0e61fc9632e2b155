/**
 * A loopback HTTP server standing in for an API Gateway HTTP API with one
 * Lambda integration: each request becomes an APIGatewayProxyEventV2, the
 * handler runs under its function timeout, and its answer is written back as
 * API Gateway would. Webhook tests and the local demo post to `url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import {
  apiGatewayV2Event,
  apiGatewayV2Reply,
  type HttpReply,
  internalError,
  matchRoute,
  notFound,
  type RouteOptions,
} from "./api-gateway-event.js";
import { type FunctionOptions, invoke, type LambdaHandler } from "./lambda-context.js";

export interface HttpApiOptions extends Omit<RouteOptions, "requestId" | "now"> {
  port?: number;
  function?: FunctionOptions;
  /** Called when the handler throws or times out (the client only sees a 500). */
  onError?: (error: unknown) => void;
}

export interface LocalHttpApi {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Requests that reached the handler. */
  readonly invocations: number;
  stop(): Promise<void>;
}

export async function httpToApiGateway(
  handler: LambdaHandler<APIGatewayProxyEventV2, unknown>,
  options: HttpApiOptions = {},
): Promise<LocalHttpApi> {
  return httpRoutesToApiGateway([{ routeKey: options.routeKey ?? "$default", handler }], options);
}

/** One integration per route key, as an HTTP API with several routes: the first route that matches serves. */
export async function httpRoutesToApiGateway(
  routes: ReadonlyArray<{ routeKey: string; handler: LambdaHandler<APIGatewayProxyEventV2, unknown> }>,
  options: Omit<HttpApiOptions, "routeKey"> = {},
): Promise<LocalHttpApi> {
  let invocations = 0;

  async function answer(req: IncomingMessage, body: Buffer): Promise<HttpReply> {
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    let matched: {
      routeKey: string;
      handler: (typeof routes)[number]["handler"];
      params: Record<string, string>;
    } | null = null;
    for (const r of routes) {
      const params = matchRoute(r.routeKey, req.method ?? "GET", path);
      if (params) {
        matched = { ...r, params };
        break;
      }
    }
    if (!matched) return notFound();
    const { routeKey, handler, params } = matched;
    const event = apiGatewayV2Event(
      {
        method: req.method ?? "GET",
        url,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
        protocol: `HTTP/${req.httpVersion}`,
      },
      { ...options, routeKey },
      params,
    );
    invocations += 1;
    try {
      return apiGatewayV2Reply(await invoke(handler, event, options.function));
    } catch (e) {
      options.onError?.(e);
      return internalError();
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      answer(req, Buffer.concat(chunks)).then(
        (reply) => write(res, reply),
        () => write(res, internalError()),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get invocations() {
      return invocations;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function write(res: ServerResponse, reply: HttpReply): void {
  res.statusCode = reply.statusCode;
  for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
  if (reply.cookies.length) res.setHeader("set-cookie", reply.cookies);
  res.setHeader("content-length", String(reply.body.length));
  res.end(reply.body);
}
