/**
 * The Sync Button's live progress as Ramp renders it: one bar per sync request, done = rows the
 * integration reported (succeeded or failed) or the 5-minute sweep failed. The same markup is
 * rendered here (first paint, a reload) and refreshed by script.ts while rows are pending, so
 * both read one summary line. Ramp's docs show no wording for it: this one is the sandbox's own.
 */
import type { SyncRequest } from "../model.js";
import { Html, html, isoTimeShort } from "./html.js";

export interface Progress {
  total: number;
  pending: number;
  succeeded: number;
  failed: number;
}

export function progressOf(req: SyncRequest): Progress {
  const p = { total: req.rows.size, pending: 0, succeeded: 0, failed: 0 };
  for (const s of req.rows.values()) {
    if (s === "PENDING") p.pending++;
    else if (s === "SUCCEEDED") p.succeeded++;
    else p.failed++;
  }
  return p;
}

/** Whole percent done, rounded down so 100% means every row is reported; an empty request is done. */
export function percentDone(p: Progress): number {
  if (p.total === 0) return 100;
  return Math.floor(((p.succeeded + p.failed) * 100) / p.total);
}

export function progressText(p: Progress): string {
  const pct = percentDone(p);
  const head = p.pending === 0 ? "Sync complete" : "Syncing";
  return `${head}: ${pct}% · ${p.succeeded} synced, ${p.failed} failed, ${p.pending} pending of ${p.total}`;
}

export function syncRequestBlock(req: SyncRequest): Html {
  const p = progressOf(req);
  const pct = percentDone(p);
  return html`<div class="sync-request" data-sync-request-id="${req.id}" data-state="${p.pending === 0 ? "done" : "running"}" data-percent="${pct}">
<div class="meta">${req.kind === "transaction" ? "Transactions" : "Reimbursements"} · requested ${isoTimeShort(req.createdAt)} · auto-fails ${isoTimeShort(req.deadline)}</div>
<progress max="100" value="${pct}">${pct}%</progress>
<div class="summary">${progressText(p)}</div></div>`;
}

/** Latest first, at most `n`. */
export function recentRequests(requests: Iterable<SyncRequest>, n = 5): SyncRequest[] {
  return [...requests].sort((a, b) => b.createdAt - a.createdAt).slice(0, n);
}

export const NO_REQUESTS = new Html('<p class="muted">No Sync All yet.</p>');
