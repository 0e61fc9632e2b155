/**
 * One object as Ramp's drawer shows it: amounts, status, the ERP's reference id, the codings (header
 * and per line), receipts, the sync history, the export error, and the actions a user takes on it
 * (code a transaction's GL account, mark ready, add a receipt, the UI Export button).
 */
import { money, toMajorString } from "../../../lib/money/index.js";
import { activeApiConnection } from "../business.js";
import { scopedTo } from "../chart.js";
import type { Business, Line, Selection, SpendObject } from "../model.js";
import { signedUrl } from "../receipts.js";
import type { SandboxState } from "../state.js";
import { Html, html, isoTimeShort } from "./html.js";
import { KIND_LABEL } from "./overview-page.js";
import { BUCKET_LABEL, spendRow } from "./view.js";

function selections(sel: readonly Selection[]): Html {
  if (sel.length === 0) return html`<span class="muted">not coded</span>`;
  return html`<ul class="codings">${sel.map(
    (s) =>
      html`<li><span class="field">${s.category.name}</span> ${s.name} <span class="muted">(${s.external_code})</span></li>`,
  )}</ul>`;
}

function lines(o: SpendObject): Html {
  if (!("lines" in o)) return html`<p class="muted">${KIND_LABEL[o.kind]} carry no coding.</p>`;
  const header: Selection[] = o.header;
  const ls: Line[] = o.lines;
  return html`<h2>Coding</h2><p><strong>Header</strong></p>${selections(header)}
<table class="lines"><thead><tr><th>#</th><th>Memo</th><th class="num">Amount</th><th>Coding</th></tr></thead><tbody>${ls.map(
    (l, i) =>
      html`<tr><td>${i + 1}</td><td>${l.memo}</td><td class="num">${toMajorString(money(l.minor, l.currency))} ${l.currency}</td><td>${selections(l.selections)}</td></tr>`,
  )}</tbody></table>`;
}

/** The GL accounts a user may pick for this transaction: active, visible, scoped to its entity. */
function codingForm(biz: Business, o: SpendObject): Html {
  if (o.kind !== "transaction") return new Html("");
  const conn = activeApiConnection(biz);
  if (!conn) return html`<p class="muted">No active API connection: nothing to code against.</p>`;
  const entity = biz.entities.find((e) => e.id === o.entityId);
  const gl = conn.coa.glAccounts
    .all()
    .map((r) => r.item)
    .filter((i) => i.isActive && i.visibility === "VISIBLE" && scopedTo(i, entity?.remoteId ?? null));
  if (gl.length === 0)
    return html`<p class="muted">The integration has pushed no GL account usable here.</p>`;
  return html`<form data-form="code-one" data-id="${o.id}" class="coding"><label>GL account
<select name="option">${gl.map((g) => html`<option value="${g.ramp_id}">${g.code ? `${g.code} ` : ""}${g.name}</option>`)}</select></label>
<button type="submit">Save coding</button></form>`;
}

function receipts(sb: SandboxState, biz: Business, o: SpendObject): Html {
  if (o.kind !== "transaction" && o.kind !== "reimbursement") return new Html("");
  const owner = o.kind === "transaction" ? "transaction_id" : "reimbursement_id";
  const items = o.receipts.map((id) => ({ id, r: biz.receipts.get(id) }));
  return html`<h2>Receipts</h2>${
    items.length
      ? html`<ul class="receipts">${items.map(({ id, r }) =>
          r && !r.deleted
            ? html`<li><a href="${signedUrl(sb, `receipts/${r.id}`)}">${r.id}</a> ${r.contentType}, ${r.size} bytes</li>`
            : html`<li class="muted">${id} (deleted)</li>`,
        )}</ul>`
      : html`<p class="muted">No receipt.</p>`
  }<p><button type="button" data-action="add-receipt" data-owner="${owner}" data-id="${o.id}">Add receipt</button></p>`;
}

function history(o: SpendObject): Html {
  return html`<h2>Sync history</h2><table class="history"><thead><tr><th>At</th><th>Event</th><th>Detail</th></tr></thead><tbody>${o.sync.history.map(
    (h) =>
      html`<tr><td>${isoTimeShort(h.at)}</td><td>${h.event}</td><td class="message">${h.detail ? JSON.stringify(h.detail) : ""}</td></tr>`,
  )}</tbody></table>`;
}

export function detailBody(sb: SandboxState, biz: Business, o: SpendObject, apiShape: unknown): Html {
  const r = spendRow(biz, o);
  return html`<h1>${r.title}</h1>
<dl class="facts" data-id="${o.id}"><dt>Kind</dt><dd>${KIND_LABEL[o.kind]}</dd><dt>Id</dt><dd>${o.id}</dd>
<dt>Entity</dt><dd>${r.entityName}</dd><dt>Amount</dt><dd>${r.amount} ${r.currency}</dd>
<dt>Status</dt><dd>${BUCKET_LABEL[r.bucket]} (${o.status})${o.sync.requestedToSync ? " · sync requested" : ""}</dd>
<dt>Reference id</dt><dd>${o.sync.referenceId ?? "—"}</dd>
<dt>Sync request</dt><dd>${o.sync.syncRequestId ?? "—"}</dd>
${r.error ? html`<dt>Export error</dt><dd class="bad message">${r.error}</dd>` : ""}</dl>
<p class="actions">${r.canMarkReady ? html`<button type="button" data-action="mark-ready" data-id="${o.id}">Mark ready</button>` : ""}
${r.bucket === "synced" ? "" : html`<button type="button" data-action="export" data-id="${o.id}" class="danger">Export</button>`}</p>
${codingForm(biz, o)}${lines(o)}${receipts(sb, biz, o)}${history(o)}
<details><summary>API shape</summary><pre>${JSON.stringify(apiShape, null, 2)}</pre></details>`;
}
