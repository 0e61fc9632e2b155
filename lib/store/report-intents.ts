/**
 * Report intents (ARCHITECTURE.md step 4–5): before `POST /accounting/syncs`,
 * the exact rows and outcomes of the call and its idempotency key are
 * persisted and those rows flipped to REPORTING, so a crash at any point
 * replays the *same* report with the *same* key — or no report at all.
 *
 * Layout: a header `INTENT#<reportId>` and chunk records
 * `INTENT#<reportId>#C#<nnnn>`, each holding the outcomes of up to 99 rows.
 *
 * How atomicity holds across chunks (DynamoDB transactions stop at 100 items / 4 MB):
 *  1. The header is written as PREPARING.
 *  2. Each chunk is ONE TransactWriteItems: the chunk record plus the flips of
 *     its rows to REPORTING, each conditional on the row's `rev` as listed. So a
 *     chunk record exists if and only if its rows are REPORTING under this
 *     report: the chunk records *are* the exact membership. A row that moved on
 *     since it was listed (claimed again, attached to a button request) fails
 *     its condition; the chunk is retried without it.
 *  3. The header becomes OPEN with the idempotency key computed from the chunks'
 *     content (conditional on PREPARING).
 * A crash during 1–3 leaves a PREPARING header: recovery (findOpenIntents) reads
 * its chunks and completes step 3 — the result is the same as if the writer had
 * finished, because the key is derived from the chunks. The report lock
 * (report-lock.ts) guarantees one writer per tenant × sync type × request, so
 * recovery never races a live writer.
 * Close (step 5) moves each row on conditionally on `reportId`, so it can be
 * repeated after a crash; the header is deleted last.
 */
import { randomUUID } from "node:crypto";
import { DeleteCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { ledgerKeyOf } from "../domain/kinds.js";
import { systemClock } from "../domain/time.js";
import {
  type CloseDisposition,
  closed,
  isReportable,
  toReporting,
  withHistory,
} from "../sync/ledger-rules.js";
import type { ReportIntent } from "../sync/ports.js";
import { deleteAll } from "./batch-delete.js";
import { batchGetAll } from "./batch-get.js";
import { conditionalFailuresOf } from "./conditional.js";
import { updateIf } from "./conditional-write.js";
import { INTENT_SK_PREFIX, intentChunkPrefix, intentChunkSk, intentSk, ledgerSk, tenantPk } from "./keys.js";
import { createLastSynced } from "./last-synced.js";
import { revCondition, type StoreDeps, transitionLedgerItem } from "./ledger.js";
import { fromLedgerRecord, type LedgerItem, streamOf, toLedgerRecord, withOpenSince } from "./ledger-item.js";
import { queryPrefix } from "./query-prefix.js";
import {
  canonicalOutcomes,
  checkListLimits,
  chunkForIntent,
  idempotencyKeyOf,
  outcomeBytes,
  outcomeOf,
  type ReportOutcome,
  ReportOutcomeSchema,
} from "./report-content.js";
import { putAllIf } from "./transact-puts.js";

export type { ReportIntent };

const HeaderSchema = z.object({
  type: z.literal("intent"),
  tenantId: z.string(),
  reportId: z.string(),
  syncType: z.string(),
  syncRequestId: z.string().nullable(),
  state: z.enum(["PREPARING", "OPEN"]),
  idempotencyKey: z.string().optional(),
  createdAt: z.number().int(),
});
type Header = z.infer<typeof HeaderSchema>;

const ChunkSchema = z.object({ type: z.literal("intent-chunk"), outcomes: z.array(ReportOutcomeSchema) });

export interface WriteIntentInput {
  tenantId: string;
  syncType: string;
  syncRequestId: string | null;
  /** Rows as listed by ledger.listReportable (their `rev` is the flip's condition). */
  items: readonly LedgerItem[];
  /** The message Ramp shows for a failed row; defaults to the row's own message. */
  describeFailure?: (item: LedgerItem) => string;
}

export interface CloseOptions {
  /** Ramp ids Ramp answered ALREADY_SYNCED for: MARKED as synced elsewhere. */
  syncedElsewhere?: Iterable<string>;
  /** Ramp ids to hand back for a new report (the rest of a 422-split report). */
  reReport?: Iterable<string>;
}

export interface CloseSummary {
  marked: number;
  failedTold: number;
  syncedElsewhere: number;
  reReported: number;
  /** Rows no longer in this report (closed by an earlier, interrupted close). */
  alreadyClosed: number;
}

export type ReportIntents = ReturnType<typeof createReportIntents>;

export function createReportIntents(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;
  const lastSynced = createLastSynced(deps);

  return {
    /**
     * Persists the report and flips its rows to REPORTING. Returns null when
     * none of the rows could still be taken (all moved on since listing).
     */
    async writeIntent(input: WriteIntentInput): Promise<ReportIntent | null> {
      if (!input.items.length) return null;
      const now = clock();
      const entries = input.items.map((item) => {
        if (
          streamOf(item.kind) !== input.syncType ||
          item.tenantId !== input.tenantId ||
          (item.syncRequestId ?? null) !== input.syncRequestId
        ) {
          throw new Error(
            `ledger ${item.kind}/${item.rampId} does not belong to ${input.tenantId} ${input.syncType} request ${input.syncRequestId ?? "-"}`,
          );
        }
        if (!isReportable(item))
          throw new Error(`ledger ${item.kind}/${item.rampId} is ${item.state}, not reportable`);
        const base = outcomeOf(item);
        const outcome: ReportOutcome =
          base.result === "failed" && input.describeFailure
            ? { ...base, message: input.describeFailure(item) }
            : base;
        return { item, outcome };
      });
      const all = canonicalOutcomes(entries.map((e) => e.outcome));
      checkListLimits(all);

      // Time first so headers list oldest first; the random part keeps ids unique.
      const reportId = `${new Date(now).toISOString()}_${randomUUID().slice(0, 8)}`;
      const header: Header = {
        type: "intent",
        tenantId: input.tenantId,
        reportId,
        syncType: input.syncType,
        syncRequestId: input.syncRequestId,
        state: "PREPARING",
        createdAt: now,
      };
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { PK: tenantPk(input.tenantId), SK: intentSk(reportId), ...header },
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      );

      let chunkNo = 0;
      for (const chunk of chunkForIntent(entries, (e) => outcomeBytes(e.outcome))) {
        let pending = chunk;
        while (pending.length) {
          const ok = await flipChunk(input.tenantId, reportId, chunkNo, pending, now);
          if (ok === true) {
            chunkNo++;
            break;
          }
          pending = pending.filter((_, i) => !ok.includes(i));
        }
      }
      if (chunkNo === 0) {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { PK: tenantPk(input.tenantId), SK: intentSk(reportId) },
          }),
        );
        return null;
      }
      return finalize(header);
    },

    /**
     * Intents written but not closed — after a crash, replay each with its own
     * key. PREPARING ones are completed first (see the file comment). Call while
     * holding the report lock of the intents you will replay.
     */
    async findOpenIntents(
      tenantId: string,
      filter: { syncType?: string; syncRequestId?: string | null } = {},
    ): Promise<ReportIntent[]> {
      const headers: Header[] = [];
      for await (const row of queryPrefix(deps, tenantPk(tenantId), INTENT_SK_PREFIX, { type: "intent" }))
        headers.push(HeaderSchema.parse(row));
      const wanted = headers.filter(
        (h) =>
          (filter.syncType === undefined || h.syncType === filter.syncType) &&
          (filter.syncRequestId === undefined || h.syncRequestId === filter.syncRequestId),
      );
      const out: ReportIntent[] = [];
      for (const h of wanted) {
        const intent = await finalize(h);
        if (intent) out.push(intent);
      }
      return out;
    },

    /**
     * Step 5: rows → MARKED (synced, or synced elsewhere), FAILED told, or back
     * to reportable (re-report); then the intent is deleted. Safe to repeat.
     */
    async closeIntent(intent: ReportIntent, options: CloseOptions = {}): Promise<CloseSummary> {
      const elsewhere = new Set(options.syncedElsewhere ?? []);
      const again = new Set(options.reReport ?? []);
      const summary: CloseSummary = {
        marked: 0,
        failedTold: 0,
        syncedElsewhere: 0,
        reReported: 0,
        alreadyClosed: 0,
      };
      const markedPerKind = new Map<ReportIntent["outcomes"][number]["kind"], number>();
      const dispositionOf = (o: ReportOutcome): CloseDisposition =>
        elsewhere.has(o.rampId)
          ? "synced-elsewhere"
          : again.has(o.rampId)
            ? "re-report"
            : o.result === "synced"
              ? "synced"
              : "failed";
      const count = (o: ReportOutcome, closedNow: boolean) => {
        const disposition = dispositionOf(o);
        if (!closedNow) summary.alreadyClosed++;
        else if (disposition === "synced") {
          summary.marked++;
          markedPerKind.set(o.kind, (markedPerKind.get(o.kind) ?? 0) + 1);
        } else if (disposition === "failed") summary.failedTold++;
        else if (disposition === "synced-elsewhere") summary.syncedElsewhere++;
        else summary.reReported++;
      };
      const stillOurs = (item: LedgerItem | undefined): item is LedgerItem =>
        item?.state === "REPORTING" && item.reportId === intent.reportId;
      // Fast path: the report's rows read in one BatchGetItem per 100 and moved on in one
      // transaction per 100, each put conditional on the rev just read. Only the report lock's
      // holder closes, so a row that moved in between is rare: it takes the slow path below.
      const keys = intent.outcomes.map((o) => ({
        PK: tenantPk(intent.tenantId),
        SK: ledgerSk(o.kind, o.rampId),
      }));
      const rows = await batchGetAll({ doc, tableName, keys, what: "rows of a report" });
      const byKey = new Map(rows.map(fromLedgerRecord).map((item) => [ledgerKeyOf(item), item]));
      const now = clock();
      const moves = intent.outcomes.flatMap((o) => {
        const item = byKey.get(ledgerKeyOf(o));
        return stillOurs(item) ? [{ o, item, next: closed(item, dispositionOf(o), now) }] : [];
      });
      const written = await putAllIf(
        doc,
        moves.map((m) => ({
          TableName: tableName,
          Item: toLedgerRecord(withOpenSince(m.item, withHistory(m.item, m.next))),
          ...revCondition(m.item),
        })),
      );
      // A row the strongly consistent read found not REPORTING under this report is closed
      // already (a report id is never reused, so it cannot become ours again): counted, not re-read.
      for (const o of intent.outcomes) if (!stillOurs(byKey.get(ledgerKeyOf(o)))) count(o, false);
      const slow: ReportOutcome[] = [];
      moves.forEach((m, i) => {
        if (written[i]) count(m.o, true);
        else slow.push(m.o);
      });
      await forEachBounded(slow, 16, async (o) => {
        const closedNow = await transitionLedgerItem(
          deps,
          intent.tenantId,
          o.kind,
          o.rampId,
          (item) =>
            !stillOurs(item)
              ? { result: false }
              : { next: closed(item, dispositionOf(o), clock()), result: () => true },
          // A lost race is rare (see above); it retries until the row moves on.
          { max: Number.POSITIVE_INFINITY },
        );
        count(o, closedNow);
      });
      // One write per kind of this report (one kind per sync type), never one per row. It is an
      // observation for operators: a repeated close marks nothing new and writes nothing.
      const at = clock();
      for (const [kind, marked] of markedPerKind)
        await lastSynced.record(intent.tenantId, { kind, at, reportId: intent.reportId, marked });
      // Chunks, then the header last (a crash in between leaves a header whose chunks are gone:
      // finalize deletes it as empty). The deletes need no condition, so they go 25 at a time.
      const pk = tenantPk(intent.tenantId);
      await deleteAll(
        doc,
        tableName,
        (await chunkKeys(intent.tenantId, intent.reportId)).map((sk) => ({ PK: pk, SK: sk })),
      );
      await doc.send(
        new DeleteCommand({ TableName: tableName, Key: { PK: pk, SK: intentSk(intent.reportId) } }),
      );
      return summary;
    },
  };

  /** One chunk record + its rows' flips in one transaction; `true`, or the indexes (into `entries`) whose row moved on. */
  async function flipChunk(
    tenantId: string,
    reportId: string,
    chunkNo: number,
    entries: ReadonlyArray<{ item: LedgerItem; outcome: ReportOutcome }>,
    now: number,
  ): Promise<true | number[]> {
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  PK: tenantPk(tenantId),
                  SK: intentChunkSk(reportId, chunkNo),
                  type: "intent-chunk",
                  outcomes: entries.map((e) => e.outcome),
                },
                ConditionExpression: "attribute_not_exists(PK)",
              },
            },
            ...entries.map((e) => ({
              Put: {
                TableName: tableName,
                Item: toLedgerRecord(
                  withOpenSince(e.item, withHistory(e.item, toReporting(e.item, reportId, now))),
                ),
                ...revCondition(e.item),
              },
            })),
          ],
        }),
      );
      return true;
    } catch (err) {
      const failedOps = conditionalFailuresOf(err);
      if (!failedOps || failedOps.includes(0)) throw err;
      return failedOps.map((i) => i - 1);
    }
  }

  async function chunkKeys(tenantId: string, reportId: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const row of queryPrefix(deps, tenantPk(tenantId), intentChunkPrefix(reportId), {
      projection: "SK",
    }))
      keys.push(String(row.SK));
    return keys;
  }

  /** Reads the chunks, and moves a PREPARING header to OPEN with the key of exactly that content. */
  async function finalize(header: Header): Promise<ReportIntent | null> {
    const outcomes: ReportOutcome[] = [];
    for await (const row of queryPrefix(deps, tenantPk(header.tenantId), intentChunkPrefix(header.reportId)))
      outcomes.push(...ChunkSchema.parse(row).outcomes);
    const key = { PK: tenantPk(header.tenantId), SK: intentSk(header.reportId) };
    if (!outcomes.length) {
      // Crashed before any chunk landed: nothing was flipped, nothing to report.
      await doc.send(new DeleteCommand({ TableName: tableName, Key: key }));
      return null;
    }
    const canonical = canonicalOutcomes(outcomes);
    const idempotencyKey = idempotencyKeyOf(
      header.tenantId,
      header.syncType,
      header.syncRequestId,
      canonical,
    );
    if (header.state === "PREPARING") {
      // Refused when someone completed it first: from the same chunks, so with the same key.
      await updateIf(doc, {
        TableName: tableName,
        Key: key,
        UpdateExpression: "SET #state = :open, idempotencyKey = :key, outcomeCount = :n",
        ConditionExpression: "#state = :preparing",
        ExpressionAttributeNames: { "#state": "state" },
        ExpressionAttributeValues: {
          ":open": "OPEN",
          ":preparing": "PREPARING",
          ":key": idempotencyKey,
          ":n": canonical.length,
        },
      });
    } else if (header.idempotencyKey !== idempotencyKey) {
      throw new Error(`intent ${header.reportId}: stored key does not match its content`);
    }
    return {
      tenantId: header.tenantId,
      reportId: header.reportId,
      syncType: header.syncType,
      syncRequestId: header.syncRequestId,
      idempotencyKey,
      outcomes: canonical,
      createdAt: header.createdAt,
    };
  }
}

async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
