/**
 * API Gateway HTTP API (payload format 2.0), both directions, as pure functions:
 * a raw HTTP request → APIGatewayProxyEventV2, and the handler's answer →
 * status, headers and body bytes (with API Gateway's inference for answers
 * that are not a structured response). Webhook signature checks run over the
 * body as delivered, so the bytes must survive exactly: text bodies pass as
 * UTF-8 strings only when they round-trip, anything else goes base64.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import * as z from "zod";
import { LOCAL_ACCOUNT } from "./lambda-context.js";

export interface RawHttpRequest {
  method: string;
  /** Path and query as sent (`/webhooks/x?a=1`). */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value… in arrival order, duplicates kept. */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp?: string;
  protocol?: string;
}

export interface RouteOptions {
  /** `$default`, or `METHOD /path/{param}` (`{name+}` is greedy). Default `$default`. */
  routeKey?: string;
  apiId?: string;
  stage?: string;
  accountId?: string;
  requestId?: string;
  now?: Date;
}

/** The route's path parameters for a request, or null when the route does not match it. */
export function matchRoute(routeKey: string, method: string, path: string): Record<string, string> | null {
  if (routeKey === "$default") return {};
  const [routeMethod, pattern] = routeKey.split(" ");
  if (!routeMethod || !pattern) throw new Error(`invalid routeKey: ${routeKey}`);
  if (routeMethod !== "ANY" && routeMethod !== method.toUpperCase()) return null;
  const keys: string[] = [];
  const regex = pattern
    .split("/")
    .map((seg) => {
      const m = /^\{(\w+)(\+?)\}$/.exec(seg);
      if (!m?.[1]) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      keys.push(m[1]);
      return m[2] ? "(.+)" : "([^/]+)";
    })
    .join("/");
  const found = new RegExp(`^${regex}$`).exec(path);
  if (!found) return null;
  const params: Record<string, string> = {};
  keys.forEach((k, i) => {
    params[k] = decodeURIComponent(found[i + 1] ?? "");
  });
  return params;
}

/** Content types API Gateway hands to Lambda as text; everything else arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/javascript"
  );
}

/** Builds the event; `pathParameters` must come from matchRoute for a non-default route. */
export function apiGatewayV2Event(
  req: RawHttpRequest,
  options: RouteOptions = {},
  pathParameters: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const now = options.now ?? new Date();
  const routeKey = options.routeKey ?? "$default";
  const apiId = options.apiId ?? "localapi";
  const q = req.url.indexOf("?");
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQueryString = q === -1 ? "" : req.url.slice(q + 1);

  // Header names lowercased; repeated headers joined with commas; cookies moved to their own list.
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? "").toLowerCase();
    const value = req.rawHeaders[i + 1] ?? "";
    if (name === "cookie") {
      cookies.push(...value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }

  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  }

  const body = encodeBody(req.body, headers["content-type"]);
  const host = headers.host ?? `${apiId}.execute-api.localhost`;
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: options.accountId ?? LOCAL_ACCOUNT,
      apiId,
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: req.method.toUpperCase(),
        path: rawPath,
        protocol: req.protocol ?? "HTTP/1.1",
        sourceIp: req.sourceIp ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: options.requestId ?? randomUUID(),
      routeKey,
      stage: options.stage ?? "$default",
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...body,
  };
}

function encodeBody(
  raw: Buffer,
  contentType: string | undefined,
): { body?: string; isBase64Encoded: boolean } {
  if (raw.length === 0) return { isBase64Encoded: false };
  if (isTextContentType(contentType)) {
    const text = raw.toString("utf8");
    if (Buffer.from(text, "utf8").equals(raw)) return { body: text, isBase64Encoded: false };
  }
  return { body: raw.toString("base64"), isBase64Encoded: true };
}

/** `24/Nov/2026:23:18:21 +0000`, the format of requestContext.time. */
function clfTime(d: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
  );
}

export interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

const StructuredResult = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  cookies: z.array(z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

/**
 * The HTTP response API Gateway makes of a handler's answer. A structured answer (with statusCode)
 * is taken as is; any other value is inferred as a 200 JSON response (a string is the body itself).
 */
export function apiGatewayV2Reply(answer: unknown): HttpReply {
  if (typeof answer === "object" && answer !== null && "statusCode" in answer) {
    const parsed = StructuredResult.safeParse(answer);
    if (!parsed.success) return internalError();
    const r = parsed.data;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    const body =
      r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? "base64" : "utf8");
    return { statusCode: r.statusCode, headers, cookies: r.cookies ?? [], body };
  }
  const body = typeof answer === "string" ? answer : JSON.stringify(answer ?? null);
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(body, "utf8"),
  };
}

/** What API Gateway answers when the integration fails (throw, timeout, malformed answer). */
export function internalError(): HttpReply {
  return {
    statusCode: 500,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message: "Internal Server Error" })),
  };
}

export function notFound(): HttpReply {
  return {
    statusCode: 404,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message: "Not Found" })),
  };
}
