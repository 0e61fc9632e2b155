/**
 * Report intents in memory (lib/store/report-intents.ts without DynamoDB): an
 * intent holds exactly the rows it flipped to REPORTING — each flip conditional on
 * the row's revision as listed, a row that moved on is left out — and its key is
 * derived from that content, so a replay carries the same key. Written in one
 * step (the fake cannot crash half-way, so there is no PREPARING header); open
 * intents list oldest first; a close moves each row on only while it is still in
 * this report, so it can be repeated.
 */
import { randomUUID } from "node:crypto";
import { type LedgerItem, streamOf } from "../../../lib/store/ledger-item.js";
import {
  canonicalOutcomes,
  checkListLimits,
  idempotencyKeyOf,
  outcomeOf,
} from "../../../lib/store/report-content.js";
import type { CloseOptions, CloseSummary, WriteIntentInput } from "../../../lib/store/report-intents.js";
import { type CloseDisposition, closed, isReportable, toReporting } from "../../../lib/sync/ledger-rules.js";
import type { ReportIntent, ReportIntentsPort } from "../../../lib/sync/ports.js";
import type { MemoryRows } from "./rows.js";

function checkBelongs(input: WriteIntentInput, item: LedgerItem): void {
  if (
    streamOf(item.kind) !== input.syncType ||
    item.tenantId !== input.tenantId ||
    (item.syncRequestId ?? null) !== input.syncRequestId
  )
    throw new Error(`ledger ${item.kind}/${item.rampId} does not belong to this report`);
  if (!isReportable(item))
    throw new Error(`ledger ${item.kind}/${item.rampId} is ${item.state}, not reportable`);
}

const COUNTED_AS: Record<CloseDisposition, keyof CloseSummary> = {
  synced: "marked",
  failed: "failedTold",
  "synced-elsewhere": "syncedElsewhere",
  "re-report": "reReported",
};

function dispositionOf(
  o: ReportIntent["outcomes"][number],
  elsewhere: Set<string>,
  again: Set<string>,
): CloseDisposition {
  if (elsewhere.has(o.rampId)) return "synced-elsewhere";
  if (again.has(o.rampId)) return "re-report";
  return o.result === "synced" ? "synced" : "failed";
}

export function createMemoryReportIntents(rows: MemoryRows) {
  const { clock } = rows;
  const intents = new Map<string, ReportIntent>();
  const copy = (i: ReportIntent): ReportIntent => structuredClone(i);

  const reportIntents = {
    /** Every intent still stored, oldest first (for tests). */
    open: () => [...intents.values()].sort((a, b) => (a.reportId < b.reportId ? -1 : 1)).map(copy),

    async writeIntent(input: WriteIntentInput): Promise<ReportIntent | null> {
      if (!input.items.length) return null;
      for (const item of input.items) checkBelongs(input, item);
      checkListLimits(canonicalOutcomes(input.items.map(outcomeOf)));
      const now = clock();
      const reportId = `${new Date(now).toISOString()}_${randomUUID().slice(0, 8)}`;
      const taken = input.items.filter((item) => rows.put(item, toReporting(item, reportId, now)));
      if (!taken.length) return null;
      const outcomes = canonicalOutcomes(
        taken.map((item) => {
          const o = outcomeOf(item);
          return o.result === "failed" && input.describeFailure
            ? { ...o, message: input.describeFailure(item) }
            : o;
        }),
      );
      const { tenantId, syncType, syncRequestId } = input;
      const intent: ReportIntent = {
        tenantId,
        reportId,
        syncType,
        syncRequestId,
        idempotencyKey: idempotencyKeyOf(tenantId, syncType, syncRequestId, outcomes),
        outcomes,
        createdAt: now,
      };
      intents.set(reportId, intent);
      return copy(intent);
    },

    async findOpenIntents(
      tenantId: string,
      filter: { syncType?: string; syncRequestId?: string | null } = {},
    ): Promise<ReportIntent[]> {
      return reportIntents
        .open()
        .filter(
          (i) =>
            i.tenantId === tenantId &&
            (filter.syncType === undefined || i.syncType === filter.syncType) &&
            (filter.syncRequestId === undefined || i.syncRequestId === filter.syncRequestId),
        );
    },

    async closeIntent(intent: ReportIntent, options: CloseOptions = {}): Promise<CloseSummary> {
      const elsewhere = new Set(options.syncedElsewhere ?? []);
      const again = new Set(options.reReport ?? []);
      const ends = intent.outcomes.map((o): keyof CloseSummary => {
        const item = rows.get(intent.tenantId, o.kind, o.rampId);
        if (item?.state !== "REPORTING" || item.reportId !== intent.reportId) return "alreadyClosed";
        const disposition = dispositionOf(o, elsewhere, again);
        if (!rows.put(item, closed(item, disposition, clock())))
          throw new Error(`memory intents: ${o.rampId} raced`);
        return COUNTED_AS[disposition];
      });
      intents.delete(intent.reportId);
      const count = (k: keyof CloseSummary) => ends.filter((e) => e === k).length;
      return {
        marked: count("marked"),
        failedTold: count("failedTold"),
        syncedElsewhere: count("syncedElsewhere"),
        reReported: count("reReported"),
        alreadyClosed: count("alreadyClosed"),
      };
    },
  };
  return reportIntents satisfies ReportIntentsPort;
}

export type MemoryReportIntents = ReturnType<typeof createMemoryReportIntents>;
