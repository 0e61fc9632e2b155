/**
 * What one report intent says (pure): the outcomes of exactly the rows it
 * covers, in a canonical order, the idempotency key derived from them, and how
 * they are cut into chunks that fit DynamoDB's limits.
 *
 * One intent = one `POST /accounting/syncs` call, so it holds at most 5,000
 * successes and 5,000 failures (the guide's batch limits, docs/ramp-api.md, Guide "Batch limits").
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { ERROR_CATEGORIES, KINDS } from "../domain/kinds.js";
import type { LedgerItem } from "./ledger-item.js";

export const MAX_PER_LIST = 5_000;

export const ReportOutcomeSchema = z.discriminatedUnion("result", [
  z.object({
    kind: z.enum(KINDS),
    rampId: z.string().min(1),
    result: z.literal("synced"),
    erpRef: z.string().min(1),
  }),
  z.object({
    kind: z.enum(KINDS),
    rampId: z.string().min(1),
    result: z.literal("failed"),
    category: z.enum(ERROR_CATEGORIES),
    message: z.string(),
  }),
]);
export type ReportOutcome = z.infer<typeof ReportOutcomeSchema>;

/** The outcome a reportable ledger row stands for (POSTED → synced with its ERP id; FAILED → its message). */
export function outcomeOf(item: LedgerItem): ReportOutcome {
  const state = item.state === "REPORTING" ? item.preReportState : item.state;
  if (state === "POSTED" && item.erpRef) {
    return { kind: item.kind, rampId: item.rampId, result: "synced", erpRef: item.erpRef };
  }
  if (state === "FAILED" && item.category) {
    return {
      kind: item.kind,
      rampId: item.rampId,
      result: "failed",
      category: item.category,
      message: item.message ?? "",
    };
  }
  throw new Error(`ledger ${item.kind}/${item.rampId} (${item.state}) has no reportable outcome`);
}

/** Sorted by kind then Ramp id, fields in a fixed order: the same content always serialises the same way. */
export function canonicalOutcomes(outcomes: readonly ReportOutcome[]): ReportOutcome[] {
  const seen = new Set<string>();
  for (const o of outcomes) {
    const id = `${o.kind}#${o.rampId}`;
    if (seen.has(id)) throw new Error(`report names ${id} twice`);
    seen.add(id);
  }
  return [...outcomes]
    .sort((a, b) => (a.kind === b.kind ? cmp(a.rampId, b.rampId) : cmp(a.kind, b.kind)))
    .map((o) =>
      o.result === "synced"
        ? { kind: o.kind, rampId: o.rampId, result: o.result, erpRef: o.erpRef }
        : { kind: o.kind, rampId: o.rampId, result: o.result, category: o.category, message: o.message },
    );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The `idempotency_key` for the sync call: sha256 hex of tenant, sync type,
 * sync_request_id and the content. Ramp answers a reused key with 400
 * DEVELOPER_7005 instead of replaying, so the key must change whenever ids or
 * outcomes change, and must not change when the same intent is replayed.
 */
export function idempotencyKeyOf(
  tenantId: string,
  syncType: string,
  syncRequestId: string | null,
  outcomes: readonly ReportOutcome[],
): string {
  const body = JSON.stringify([tenantId, syncType, syncRequestId, canonicalOutcomes(outcomes)]);
  return createHash("sha256").update(body).digest("hex");
}

export function checkListLimits(outcomes: readonly ReportOutcome[]): void {
  const synced = outcomes.filter((o) => o.result === "synced").length;
  const failedCount = outcomes.length - synced;
  if (synced > MAX_PER_LIST || failedCount > MAX_PER_LIST) {
    throw new Error(
      `one report holds at most ${MAX_PER_LIST} synced and ${MAX_PER_LIST} failed (got ${synced}/${failedCount})`,
    );
  }
}

/**
 * Cuts items into chunks for TransactWriteItems: each chunk's rows are flipped
 * together with one chunk record holding their outcomes, so a chunk is at most
 * `maxItems` rows (DynamoDB: 100 operations per transaction, one is the chunk
 * record) and its outcomes serialise to at most `maxBytes` (one item ≤ 400 KB,
 * one transaction ≤ 4 MB).
 */
export function chunkForIntent<T>(
  entries: readonly T[],
  sizeOf: (e: T) => number,
  limits: { maxItems: number; maxBytes: number } = { maxItems: 99, maxBytes: 300_000 },
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = sizeOf(e);
    if (size > limits.maxBytes)
      throw new Error(`one outcome is ${size} bytes, over the ${limits.maxBytes} chunk limit`);
    if (current.length >= limits.maxItems || bytes + size > limits.maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

export const outcomeBytes = (o: ReportOutcome) => Buffer.byteLength(JSON.stringify(o), "utf8");
