/**
 * The console's first page: the accounting connection, the Sync All buttons with the live progress
 * of recent sync requests, objects by sync status per kind and entity, and the Export Errors count.
 */
import { activeConnection } from "../business.js";
import type { Business } from "../model.js";
import { Html, href, html } from "./html.js";
import { NO_REQUESTS, recentRequests, syncRequestBlock } from "./sync-progress.js";
import { BUCKET_LABEL, BUCKETS, type ConsoleKind, countLines, exportErrors } from "./view.js";

export const KIND_LABEL: Record<ConsoleKind, string> = {
  transaction: "Transactions",
  reimbursement: "Reimbursements",
  bill: "Bills",
  transfer: "Transfers",
  cashback: "Cashbacks",
  vendor_credit: "Vendor credits",
};

function connectionLine(biz: Business): Html {
  const c = activeConnection(biz);
  if (!c)
    return html`<p class="warn">No active accounting connection: the integration has not connected yet.</p>`;
  return html`<p>Connected to <strong>${c.name}</strong> (${c.type}, ${c.status}) · connection ${c.id}</p>`;
}

/** Sync All is offered only where the integration turned the button on (the connection's flag). */
function syncButtons(biz: Business, bizId: string | null): Html {
  const c = activeConnection(biz);
  const button = (kind: "transactions" | "reimbursements", flag: boolean) =>
    flag && c?.type === "API"
      ? html`<button type="button" data-action="sync-all" data-kind="${kind}" id="sync-all-${kind}">Sync All ${kind}</button>`
      : html`<button type="button" disabled title="the integration has not enabled the Sync Button for ${kind}">Sync All ${kind} (not enabled)</button>`;
  const requests = recentRequests(biz.syncRequests.values());
  return html`<section><h2>Sync Button</h2>
<p>${button("transactions", c?.settings.transaction_sync_button_enabled === true)} ${button(
    "reimbursements",
    c?.settings.reimbursement_sync_button_enabled === true,
  )}</p>
<div id="sync-requests">${requests.length ? requests.map(syncRequestBlock) : NO_REQUESTS}</div>
<p class="muted"><a href="${href("/console/errors", { business_id: bizId })}">Export Errors</a> list what the integration reported as failed.</p></section>`;
}

function countsTable(biz: Business, bizId: string | null): Html {
  const lines = countLines(biz);
  const cell = (kind: ConsoleKind, entity: string, bucket: string | null, n: number, errors = false) =>
    n === 0
      ? html`<td class="num muted">0</td>`
      : html`<td class="num"><a href="${href("/console/objects", {
          business_id: bizId,
          kind,
          entity,
          bucket,
          errors: errors ? "1" : null,
        })}">${n}</a></td>`;
  return html`<section id="counts"><h2>Objects by sync status</h2>
<table class="counts"><thead><tr><th>Kind</th><th>Entity</th>${BUCKETS.map(
    (b) => html`<th>${BUCKET_LABEL[b]}</th>`,
  )}<th>Export errors</th><th>Total</th></tr></thead><tbody>${lines.map(
    (l) =>
      html`<tr data-kind="${l.kind}" data-entity="${l.entityId}"><td>${KIND_LABEL[l.kind]}</td><td>${l.entityName}</td>${BUCKETS.map(
        (b) => cell(l.kind, l.entityId, b, l.counts[b]),
      )}${cell(l.kind, l.entityId, null, l.errors, true)}${cell(l.kind, l.entityId, null, l.total)}</tr>`,
  )}</tbody></table>
<p><button type="button" data-action="code">Code ready objects</button> <span class="muted">as a user would: every ready
object gets a GL account, a vendor and field options from the chart the integration pushed.</span></p></section>`;
}

export function overviewBody(biz: Business, bizId: string | null): Html {
  const errors = exportErrors(biz).length;
  return html`<h1>Accounting</h1>${connectionLine(biz)}
<div id="error-count">${errors ? html`<p class="bad"><a href="${href("/console/errors", { business_id: bizId })}">${errors} Export Error${errors === 1 ? "" : "s"}</a></p>` : new Html("")}</div>
${syncButtons(biz, bizId)}${countsTable(biz, bizId)}`;
}
