/**
 * The chart of accounts as the integration pushed it, per connection (the active one first): GL
 * accounts, custom fields with their options and visibility, accounting vendors, tax rates, the tax
 * code field and its options. Deleted items (is_active false) stay listed, as Ramp keeps them.
 */
import type { Business, CoaItem, Connection } from "../model.js";
import { type Html, html } from "./html.js";

function state(i: { isActive: boolean; visibility?: string }): Html {
  if (!i.isActive) return html`<span class="bad">deleted</span>`;
  return i.visibility === "HIDDEN" ? html`<span class="warn">hidden</span>` : html`visible`;
}

function scope(i: CoaItem): string {
  return i.entityRemoteIds?.length ? i.entityRemoteIds.join(", ") : "all entities";
}

function items(title: string, rows: readonly CoaItem[], extra: (i: CoaItem) => string = () => ""): Html {
  return html`<h3>${title} (${rows.length})</h3>${
    rows.length
      ? html`<table class="chart"><thead><tr><th>Remote id</th><th>Code</th><th>Name</th><th>State</th><th>Entities</th><th>More</th></tr></thead><tbody>${rows.map(
          (i) =>
            html`<tr class="${i.isActive ? "" : "inactive"}"><td>${i.id}</td><td>${i.code ?? ""}</td><td>${i.name}</td><td>${state(i)}</td><td>${scope(i)}</td><td>${extra(i)}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="muted">None pushed.</p>`
  }`;
}

function connectionChart(c: Connection): Html {
  const coa = c.coa;
  const options = coa.options.all().map((r) => r.item);
  const fields = coa.fields.all().map((r) => r.field);
  return html`<section class="connection" data-connection-id="${c.id}"><h2>${c.name} · ${c.type}${c.isActive ? " · active" : ""}</h2>
${items(
  "GL accounts",
  coa.glAccounts.all().map((r) => r.item),
  (i) => String(i.extra.classification ?? ""),
)}
<h3>Custom fields (${fields.length})</h3>${fields.map(
    (f) =>
      html`<div class="field"><h4>${f.displayName ?? f.name} <span class="muted">${f.id} · ${f.inputType}${
        f.isRequiredFor.length ? ` · required for ${f.isRequiredFor.join(", ")}` : ""
      }${f.isSplittable ? " · splittable" : ""}</span> ${f.isActive ? "" : html`<span class="bad">deleted</span>`}</h4>${items(
        "Options",
        options.filter((o) => o.extra.field_ramp_id === f.ramp_id),
      )}</div>`,
  )}
${items(
  "Accounting vendors",
  coa.vendors.all().map((r) => r.item),
)}
${items(
  "Tax rates",
  coa.taxRates.all().map((r) => r.item),
  (i) => (i.extra.rate === undefined ? "" : `rate ${String(i.extra.rate)}`),
)}
<h3>Tax code field</h3>${
    coa.taxCodeField
      ? html`<p>${coa.taxCodeField.name} ${coa.taxCodeField.isActive ? "" : html`<span class="bad">deleted</span>`}</p>`
      : html`<p class="muted">None pushed.</p>`
  }
${items(
  "Tax code options",
  coa.taxCodeOptions.all().map((r) => r.item),
  (i) =>
    Array.isArray(i.extra.tax_rate_ids) ? `rates ${(i.extra.tax_rate_ids as unknown[]).join(", ")}` : "",
)}</section>`;
}

export function chartBody(biz: Business): Html {
  const conns = [...biz.connections].sort((a, b) => Number(b.isActive) - Number(a.isActive));
  return html`<h1>Chart of accounts</h1>${
    conns.length
      ? conns.map(connectionChart)
      : html`<p class="muted">No accounting connection: nothing pushed yet.</p>`
  }`;
}
