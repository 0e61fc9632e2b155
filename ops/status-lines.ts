/**
 * The readable output of `status`, `failed` and `show`: aligned columns, one
 * line per item, nothing that needs a terminal wider than the data. Instants
 * are shown on the tenant's clock (its `timeZone`, with the offset then in
 * force); the --json documents keep UTC ISO strings for machines.
 */

import { formatInZone } from "../lib/domain/time-zone.js";
import type { FailedRow } from "../lib/status/failed-rows.js";
import type { ObjectStory } from "../lib/status/object-story.js";
import type { ReceiptsStatus } from "../lib/status/receipts.js";
import type { TenantStatus } from "../lib/status/tenant-status.js";
import type { DlqDepth } from "./dlq-depths.js";

/** A stored UTC ISO instant on the tenant's clock; UTC tenants see it exactly as stored. */
export function shownAt(iso: string | null | undefined, timeZone = "UTC"): string | null {
  if (iso === null || iso === undefined) return null;
  return timeZone === "UTC" ? iso : formatInZone(iso, timeZone);
}

/** Pads every column but the last to its widest cell. */
export function aligned(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/** 93 s → "1m33s", 7,300 s → "2h1m", days beyond a day. */
export function age(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  if (d) return `${d}d${h}h`;
  if (h) return `${h}h${m}m`;
  if (m) return `${m}m${seconds % 60}s`;
  return `${seconds}s`;
}

export function statusLines(t: TenantStatus, timeZone = "UTC"): string[] {
  const at = (iso: string | null | undefined) => shownAt(iso, timeZone);
  const poll = t.lastPoll
    ? `last poll ${at(t.lastPoll.at)} ${t.lastPoll.outcome} (${t.lastPoll.pages} pages, ${t.lastPoll.enqueued} enqueued)` +
      (t.lastPoll.error ? `: ${t.lastPoll.error}` : "")
    : "never polled";
  const oldest = t.oldestUnsynced
    ? `oldest unsynced ${age(t.oldestUnsynced.ageSeconds)} (${t.oldestUnsynced.kind} ${t.oldestUnsynced.rampId}, ${t.oldestUnsynced.state})`
    : "nothing unsynced";
  const header = [
    "kind",
    "backlog",
    "held",
    "claimed",
    "posted",
    "reporting",
    "failed r/w/t",
    "oldest",
    "last synced",
  ];
  const rows = t.kinds.map((k) => [
    k.kind,
    k.backlog === null ? "-" : String(k.backlog),
    String(k.buckets.HELD),
    String(k.buckets.CLAIMED),
    String(k.buckets.POSTED),
    String(k.buckets.REPORTING),
    `${k.buckets.FAILED_REPORTABLE}/${k.buckets.FAILED_RETRY}/${k.buckets.FAILED_TOLD}`,
    k.oldestUnsynced ? age(k.oldestUnsynced.ageSeconds) : "-",
    at(k.lastSyncedAt) ?? "-",
  ]);
  return [
    `tenant ${t.tenantId}: ${poll}; backlog seen ${at(t.backlogAt) ?? "never"}; last synced ${at(t.lastSyncedAt) ?? "never"}; ${oldest}`,
    ...aligned([header, ...rows]).map((l) => `  ${l}`),
    ...t.held.first.map((h) => `  held ${h.kind} ${h.rampId} since ${at(h.since)}: ${h.reason}`),
    ...(t.held.total > t.held.first.length
      ? [`  … and ${t.held.total - t.held.first.length} more held (ops failed / show for one object)`]
      : []),
    ...(t.receipts ? receiptsStatusLines(t.receipts, timeZone) : []),
  ];
}

function receiptsStatusLines(r: ReceiptsStatus, timeZone: string): string[] {
  const not = r.notAttached.map(
    (g) => `${g.count}${r.notAttachedCapped ? "+" : ""} ${g.state.replace("_", " ")} (${g.reason})`,
  );
  return [
    `  receipts: ${r.attached} attached (${r.bytes} bytes)${not.length ? `; not attached: ${not.join(", ")}` : ""}` +
      (r.notAttached.length ? " — ops reconcile names each object" : ""),
    ...(r.scopeMissingSince
      ? [
          `  receipts: the Ramp app lacks receipts:read since ${shownAt(r.scopeMissingSince, timeZone)} (README runbook ReceiptsScopeMissing)`,
        ]
      : []),
  ];
}

export function dlqLines(dlq: readonly DlqDepth[]): string[] {
  return aligned([
    ["dlq", "depth"],
    ...dlq.map((d) => [d.queue, d.depth === null ? (d.note ?? "unknown") : String(d.depth)]),
  ]);
}

export function failedLines(rows: readonly FailedRow[], timeZone = "UTC"): string[] {
  if (!rows.length) return ["no failed objects"];
  return aligned([
    ["updated", "kind", "ramp id", "category", "attempts", "told", "reference", "message"],
    ...rows.map((r) => [
      shownAt(r.updatedAt, timeZone) ?? "-",
      r.kind,
      r.rampId,
      r.category ?? "-",
      String(r.attempts),
      r.told ? "yes" : "no",
      r.reference,
      r.message ?? "-",
    ]),
  ]);
}

export function storyLines(s: ObjectStory, timeZone = "UTC"): string[] {
  const out: string[] = [];
  for (const r of s.rows) {
    const report = r.report
      ? ` report ${r.report.reportId}${r.report.idempotencyKey ? ` key ${r.report.idempotencyKey}` : ""}${r.report.open ? " (open)" : ""}`
      : "";
    out.push(
      `${r.kind} ${s.rampId}: ${r.state} erp ${r.erpRef ?? "-"} attempts ${r.attempts}${r.told ? " told" : ""}${report}`,
    );
    out.push(
      ...aligned(
        r.history.map((h) => [
          shownAt(h.at, timeZone) ?? "-",
          h.state,
          h.erpRef ?? "-",
          h.category ?? "-",
          [h.by && `by ${h.by}`, h.action, h.note].filter(Boolean).join(" · ") || "-",
        ]),
      ).map((l) => `  ${l}`),
    );
  }
  for (const r of s.receipts)
    out.push(
      `receipt ${r.receiptId} (${r.kind}): ${r.state.replace("_", " ")}` +
        (r.state === "attached"
          ? ` as ${r.attachmentId ?? "-"}${r.bytes !== null ? `, ${r.bytes} bytes` : ""}`
          : "") +
        (r.reason ? ` — ${r.reason}${r.detail ? ` (${r.detail})` : ""}, ${r.attempts} attempt(s)` : "") +
        ` at ${shownAt(r.updatedAt, timeZone)}`,
    );
  if (s.ramp.reachable) {
    for (const o of s.ramp.objects)
      out.push(`ramp ${o.kind}: ${"note" in o ? o.note : `sync status ${o.syncStatus ?? "-"}`}`);
  } else out.push(`ramp: could not be reached (${s.ramp.error}); the ledger part above stands`);
  return out;
}
