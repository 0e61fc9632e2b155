/**
 * The console's routes under `/console` (no auth, like the control API): server-rendered pages,
 * the script and stylesheet, and one action route. The pages only read state; actions go through
 * the control API from the browser, or through `/console/api/codings`, which runs the developer
 * route `POST /accounting/codings` itself so a user's coding obeys exactly the rules an
 * integration's does (active, visible, entity-scoped options; 422 naming the field otherwise).
 */
import * as z from "zod";
import { findSpend } from "../business.js";
import { business, ControlError } from "../control-common.js";
import { objectToApi } from "../control-ui.js";
import type { Reply } from "../http.js";
import { syncRoutes } from "../routes/syncs.js";
import type { SandboxState } from "../state.js";
import { chartBody } from "./chart-page.js";
import { detailBody } from "./detail-page.js";
import { type Html, html, type Nav, page } from "./html.js";
import { errorsBody, objectsBody } from "./objects-page.js";
import { overviewBody } from "./overview-page.js";
import { CONSOLE_JS } from "./script.js";
import { CONSOLE_CSS } from "./style.js";
import { BUCKETS, type Bucket, KINDS, kindOfParam } from "./view.js";

export interface ConsoleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/**
 * Pages allow their own script and stylesheet only: even if an unescaped value slipped through,
 * an injected inline script or handler would not run.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'";

function htmlReply(status: number, text: string): Reply {
  return {
    status,
    body: text,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": CSP,
      "Cache-Control": "no-store",
    },
  };
}

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#e4f222"/></svg>';

const CodingBody = z.object({
  object_id: z.string().min(1),
  selections: z
    .array(
      z.object({ accounting_field_option_id: z.string().min(1), accounting_field_id: z.string().optional() }),
    )
    .min(1),
});

const codingsRoute = syncRoutes.find((r) => r.method === "POST" && r.pattern.endsWith("/accounting/codings"));

export function isConsolePath(path: string): boolean {
  return path === "/console" || path.startsWith("/console/");
}

export async function handleConsole(sb: SandboxState, req: ConsoleRequest): Promise<Reply> {
  const { method, query } = req;
  const path = req.path.replace(/\/+$/, "") || "/console";
  if (method === "GET" && path === "/console/console.js")
    return { status: 200, body: CONSOLE_JS, headers: { "Content-Type": "text/javascript; charset=utf-8" } };
  if (method === "GET" && path === "/console/console.css")
    return { status: 200, body: CONSOLE_CSS, headers: { "Content-Type": "text/css; charset=utf-8" } };

  // Without an icon of its own the browser asks for /favicon.ico, which the sandbox answers 404.
  if (method === "GET" && path === "/console/favicon.svg")
    return { status: 200, body: FAVICON, headers: { "Content-Type": "image/svg+xml" } };

  const ctrl = { method, path, query, body: {} as Record<string, unknown> };
  if (method === "POST" && path === "/console/api/codings") {
    const parsed = CodingBody.safeParse(req.body ?? {});
    if (!parsed.success)
      throw new ControlError(
        400,
        `invalid coding: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
      );
    if (!codingsRoute) throw new Error("the codings route is missing");
    const biz = business(sb, ctrl);
    return codingsRoute.handler({
      sb,
      biz,
      token: null,
      params: {},
      query,
      path,
      body: {
        object_type: "TRANSACTION",
        object_id: parsed.data.object_id,
        accounting_field_selections: parsed.data.selections,
      },
    });
  }
  if (method !== "GET") return { status: 405, body: "Method Not Allowed" };

  const biz = business(sb, ctrl);
  const bizId = query.get("business_id");
  const nav = (current: Nav["current"]): Nav => ({
    businessId: bizId,
    businesses: [...sb.businesses.values()].map((b) => ({ id: b.id, name: b.name })),
    current,
  });
  const ok = (title: string, current: Nav["current"], body: Html) =>
    htmlReply(200, page(title, nav(current), body));

  if (path === "/console") return ok("Overview", "overview", overviewBody(biz, bizId));
  if (path === "/console/errors") return ok("Export Errors", "errors", html`${errorsBody(biz, bizId)}`);
  if (path === "/console/chart") return ok("Chart of accounts", "chart", chartBody(biz));
  if (path === "/console/objects") {
    const kindParam = query.get("kind");
    const kind = kindOfParam(kindParam ?? "transaction");
    if (!kind) throw new ControlError(400, `unknown kind ${kindParam}: use one of ${KINDS.join(", ")}`);
    const b = query.get("bucket");
    const bucket = b && (BUCKETS as readonly string[]).includes(b) ? (b as Bucket) : null;
    return ok(
      "Objects",
      "objects",
      objectsBody(
        biz,
        { kind, bucket, entityId: query.get("entity"), errorsOnly: query.get("errors") === "1" },
        bizId,
      ),
    );
  }
  const m = /^\/console\/objects\/([^/]+)$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1] as string);
    const o = findSpend(biz, id);
    if (!o)
      return htmlReply(
        404,
        page("Not found", nav("detail"), html`<h1>Not found</h1><p>No object ${id} in this business.</p>`),
      );
    return ok(o.id, "detail", detailBody(sb, biz, o, objectToApi(biz, o, sb)));
  }
  return htmlReply(
    404,
    page("Not found", nav("overview"), html`<h1>Not found</h1><p>No console page ${path}.</p>`),
  );
}
