/**
 * HTML building blocks for the console. Every value that reaches the page goes through `esc`
 * (text and attribute values alike): merchant names, memos, error messages and chart names come
 * from seeds, tests and the integration's own pushes, so any of them may hold markup. Markup is
 * only ever built from `Html` values, which nothing but these helpers produces.
 */

/** A string of markup that is safe to insert (built by the helpers below). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes for text and for quoted attribute values. */
export function esc(v: unknown): string {
  return String(v ?? "").replace(/[&<>"'`]/g, (c) => ENTITIES[c] as string);
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false) return "";
  if (p instanceof Html) return p.value;
  if (Array.isArray(p)) return p.map(render).join("");
  return esc(p);
}

/** Tagged template: interpolated values are escaped unless they are Html (or lists of Html). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** A console URL keeping the business selection (`business_id`) and any other query values. */
export function href(path: string, query: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isoTimeShort(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

export interface Nav {
  businessId: string | null;
  businesses: { id: string; name: string }[];
  current: "overview" | "objects" | "errors" | "chart" | "detail";
}

/** The whole page: header with the business picker and tabs, then the body. */
export function page(title: string, nav: Nav, body: Html): string {
  const b = nav.businessId;
  const tab = (key: Nav["current"], path: string, label: string) =>
    html`<a href="${href(path, { business_id: b })}" class="${nav.current === key ? "tab on" : "tab"}">${label}</a>`;
  const picker =
    nav.businesses.length > 1
      ? html`<form method="get" class="biz"><select name="business_id" data-autosubmit>${nav.businesses.map(
          (x) => html`<option value="${x.id}" ${x.id === b ? new Html("selected") : ""}>${x.name}</option>`,
        )}</select></form>`
      : html`<span class="biz">${nav.businesses[0]?.name ?? ""}</span>`;
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Ramp sandbox console</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/console.css"></head>
<body data-business-id="${b ?? ""}"><header><strong>Ramp sandbox</strong> · Accounting ${picker}
<nav>${tab("overview", "/console", "Overview")}${tab("objects", "/console/objects", "Objects")}${tab(
    "errors",
    "/console/errors",
    "Export Errors",
  )}${tab("chart", "/console/chart", "Chart of accounts")}</nav></header>
<div id="flash" role="status" aria-live="polite"></div>
<main>${body}</main>
<script src="/console/console.js"></script></body></html>`}`;
}
