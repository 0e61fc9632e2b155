/**
 * Object lists: one kind filtered by bucket, entity or errors, with the bulk actions Ramp's
 * Accounting tab offers (Mark ready, the UI Export button with its warning), and the Export
 * Errors page (every kind, with the integration's messages).
 */
import type { Business } from "../model.js";
import { Html, href, html, isoDate } from "./html.js";
import { KIND_LABEL } from "./overview-page.js";
import {
  BUCKET_LABEL,
  BUCKETS,
  type Bucket,
  type ConsoleKind,
  type ConsoleRow,
  exportErrors,
  filterRows,
  KINDS,
} from "./view.js";

/** A page shows at most this many rows: enough to act on, small enough for a browser at 100k objects. */
export const PAGE_ROWS = 500;

export function rowTable(rows: readonly ConsoleRow[], bizId: string | null, selectable: boolean): Html {
  return html`<table class="objects"><thead><tr>${selectable ? html`<th><input type="checkbox" data-select-all aria-label="select all"></th>` : ""}<th>Kind</th><th>Description</th><th>Entity</th><th>Date</th><th class="num">Amount</th><th>Status</th><th>Export error</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr data-id="${r.id}" data-bucket="${r.bucket}"${r.error ? new Html(' class="error"') : ""}>${
        selectable
          ? html`<td><input type="checkbox" data-select value="${r.id}" aria-label="select"></td>`
          : ""
      }<td>${KIND_LABEL[r.kind]}</td><td><a href="${href(`/console/objects/${encodeURIComponent(r.id)}`, {
        business_id: bizId,
      })}">${r.title}</a></td><td>${r.entityName}</td><td>${isoDate(r.date)}</td><td class="num">${r.amount} ${r.currency}</td><td>${BUCKET_LABEL[r.bucket]}${r.requestedToSync ? " · sync requested" : ""}</td><td class="message">${r.error ?? ""}</td></tr>`,
  )}</tbody></table>`;
}

export interface ListQuery {
  kind: ConsoleKind;
  bucket: Bucket | null;
  entityId: string | null;
  errorsOnly: boolean;
}

function filters(biz: Business, q: ListQuery, bizId: string | null): Html {
  const link = (label: string, over: Partial<ListQuery>, on: boolean) => {
    const n = { ...q, ...over };
    return html`<a class="${on ? "chip on" : "chip"}" href="${href("/console/objects", {
      business_id: bizId,
      kind: n.kind,
      bucket: n.bucket,
      entity: n.entityId,
      errors: n.errorsOnly ? "1" : null,
    })}">${label}</a>`;
  };
  return html`<p class="filters">${KINDS.map((k) => link(KIND_LABEL[k], { kind: k }, q.kind === k))}</p>
<p class="filters">${link("All", { bucket: null, errorsOnly: false }, !q.bucket && !q.errorsOnly)}${BUCKETS.map(
    (b) => link(BUCKET_LABEL[b], { bucket: b, errorsOnly: false }, q.bucket === b),
  )}${link("Export errors", { bucket: null, errorsOnly: true }, q.errorsOnly)} · ${link(
    "All entities",
    { entityId: null },
    !q.entityId,
  )}${biz.entities.map((e) => link(e.name, { entityId: e.id }, q.entityId === e.id))}</p>`;
}

export function objectsBody(biz: Business, q: ListQuery, bizId: string | null): Html {
  const rows = filterRows(biz, {
    kind: q.kind,
    bucket: q.bucket,
    entityId: q.entityId,
    errorsOnly: q.errorsOnly,
  });
  const shown = rows.slice(0, PAGE_ROWS);
  // Transfers and cashbacks become ready by themselves in Ramp (the guide); the sandbox still lets
  // a user (a test) mark them, so the button is offered for every kind that has a NOT_SYNC_READY state.
  const actions =
    q.kind === "vendor_credit"
      ? html`<p class="muted">The sandbox keeps no sync status for vendor credits: they are listed, not synced.</p>`
      : html`<p class="actions"><button type="button" data-action="mark-ready">Mark ready</button>
<button type="button" data-action="export" class="danger">Export</button>
<span class="muted">Export is Ramp's manual export: it marks objects synced without telling the integration.</span></p>`;
  return html`<h1>${KIND_LABEL[q.kind]}</h1>${filters(biz, q, bizId)}${actions}
<p class="muted">${rows.length} object${rows.length === 1 ? "" : "s"}${rows.length > shown.length ? `, the first ${shown.length} shown` : ""}.</p>
${rowTable(shown, bizId, q.kind !== "vendor_credit")}`;
}

export function errorsBody(biz: Business, bizId: string | null): Html {
  const rows = exportErrors(biz);
  return html`<h1>Export Errors</h1>
<p class="muted">Objects whose last report from the integration failed, with its message; they stay ready to sync until fixed and synced.</p>
${rows.length ? rowTable(rows, bizId, false) : html`<p id="no-errors">No export errors.</p>`}`;
}
