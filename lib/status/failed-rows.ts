/**
 * `ops failed`: every FAILED row of a tenant (all three FAILED buckets: waiting
 * to be told, waiting for a retry, told), oldest change first, with what an
 * on-call engineer needs to act — the category, the message Ramp shows, the
 * attempts, the last failure step of the row's history, whether Ramp was told,
 * and the id to look the object up by (the ERP's, else the external reference
 * stored in the ERP).
 */
import { type ErrorCategory, externalRef, KINDS, type Kind } from "../domain/kinds.js";
import type { LedgerBucket, LedgerItem } from "../sync/ports.js";
import type { StatusLedgerPort } from "./ports.js";
import { ledgerStreamOf } from "./stream.js";
import { isoOf } from "./time.js";

export const FAILED_BUCKETS = [
  "FAILED_REPORTABLE",
  "FAILED_RETRY",
  "FAILED_TOLD",
] as const satisfies readonly LedgerBucket[];

export interface FailedRow {
  kind: Kind;
  rampId: string;
  bucket: (typeof FAILED_BUCKETS)[number];
  category: ErrorCategory | null;
  /** The message Ramp shows (or will be told). */
  message: string | null;
  attempts: number;
  /** The row's latest FAILED step: when it failed last and what it said then. */
  lastError: { at: string; note: string | null } | null;
  told: boolean;
  /** The ERP's id when the object reached the ERP, else `ramp:<kind>:<id>` (its reference there). */
  reference: string;
  updatedAt: string;
}

export interface FailedFilter {
  kinds?: readonly Kind[];
  /** Only rows changed at or after this time (epoch ms). */
  since?: number;
}

const bucketOfFailed = (item: LedgerItem): FailedRow["bucket"] =>
  item.told ? "FAILED_TOLD" : item.reportable ? "FAILED_REPORTABLE" : "FAILED_RETRY";

/** One FAILED row as printed (pure). */
export function failedRowOf(item: LedgerItem): FailedRow {
  const step = [...(item.history ?? [])].reverse().find((h) => h.state === "FAILED");
  return {
    kind: item.kind,
    rampId: item.rampId,
    bucket: bucketOfFailed(item),
    category: item.category ?? null,
    message: item.message ?? null,
    attempts: item.attempts,
    lastError: step ? { at: isoOf(step.at) as string, note: step.note ?? null } : null,
    told: item.told,
    reference: item.erpRef ?? externalRef(item.kind, item.rampId),
    updatedAt: isoOf(item.updatedAt) as string,
  };
}

/** The rows that pass the filter, oldest change first (pure). */
export function failedRows(items: readonly LedgerItem[], filter: FailedFilter = {}): FailedRow[] {
  return items
    .filter((i) => i.state === "FAILED")
    .filter((i) => !filter.kinds || filter.kinds.includes(i.kind))
    .filter((i) => filter.since === undefined || i.updatedAt >= filter.since)
    .sort(
      (a, b) => a.updatedAt - b.updatedAt || a.kind.localeCompare(b.kind) || a.rampId.localeCompare(b.rampId),
    )
    .map(failedRowOf);
}

/** Reads every FAILED bucket of the kinds asked for, page after page, and lists them. */
export async function readFailedRows(
  ledger: Pick<StatusLedgerPort, "listBucket">,
  tenantId: string,
  filter: FailedFilter = {},
): Promise<FailedRow[]> {
  const kinds = filter.kinds ?? KINDS;
  const streams = [...new Set(kinds.map(ledgerStreamOf))];
  const pages = await Promise.all(
    streams.flatMap((stream) =>
      FAILED_BUCKETS.map(async (bucket) => {
        const out: LedgerItem[] = [];
        let cursor: Record<string, unknown> | undefined;
        do {
          const page = await ledger.listBucket({
            tenantId,
            bucket,
            stream,
            limit: 500,
            ...(cursor ? { cursor } : {}),
          });
          out.push(...page.items);
          cursor = page.cursor;
        } while (cursor);
        return out;
      }),
    ),
  );
  return failedRows(pages.flat(), { ...filter, kinds });
}
