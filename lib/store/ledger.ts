/**
 * The sync ledger repository: the exactly-once protocol's claim / record /
 * report bookkeeping over one DynamoDB table (ARCHITECTURE.md). Every write is
 * a put conditional on the `rev` the transition was computed from (or on the
 * item's absence), so concurrent workers cannot both win; expected races come
 * back as typed outcomes, never as exceptions. Transitions themselves are the
 * pure functions in ledger-rules.ts.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Kind } from "../domain/kinds.js";
import { ledgerKeyOf } from "../domain/kinds.js";
import { type Clock, systemClock } from "../domain/time.js";
import {
  type AdoptInput,
  adopted,
  attached,
  type ClaimInput,
  canAttach,
  decideClaim,
  type FailureInput,
  failed,
  held,
  holdsLease,
  posted,
  released,
  renewed,
  withHistory,
} from "../sync/ledger-rules.js";
import type { ClaimResult, HolderResult, HoldRequest } from "../sync/ports.js";
import { batchGetAll } from "./batch-get.js";
import { createCoalescer } from "./coalesce.js";
import { putIf, unchangedSince } from "./conditional-write.js";
import { ledgerSk, tenantPk } from "./keys.js";
import {
  fromLedgerRecord,
  type LedgerBucket,
  type LedgerItem,
  ledgerGsi1Pk,
  ledgerGsi1Prefix,
  toLedgerRecord,
  withOpenSince,
} from "./ledger-item.js";
import { TABLE_KEYS } from "./table.js";
import { putAllIf } from "./transact-puts.js";

export interface StoreDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  clock?: Clock;
}

export type { ClaimResult, HolderResult };

export type AttachResult =
  | { attached: true; item: LedgerItem }
  | { attached: false; reason: "not-found" | "not-attachable"; item: LedgerItem | undefined };

export interface ReportableQuery {
  tenantId: string;
  syncType: string;
  /** `null`: rows no Sync Button asked for. */
  syncRequestId: string | null;
  limit: number;
}

export interface ReportableRows {
  /** Oldest first (by last update). */
  items: LedgerItem[];
  /** bill_payment rows left out because their bill is not MARKED yet. */
  heldForBill: string[];
}

/** How many times a transition re-reads and recomputes after losing a race before giving up. */
const MAX_RACES = 8;

export type Ledger = ReturnType<typeof createLedger>;

const ledgerKey = (tenantId: string, kind: Kind, rampId: string) => ({
  PK: tenantPk(tenantId),
  SK: ledgerSk(kind, rampId),
});

/** A strongly consistent read of one row. */
async function readLedgerItem(
  deps: StoreDeps,
  tenantId: string,
  kind: Kind,
  rampId: string,
): Promise<LedgerItem | undefined> {
  const res = await deps.doc.send(
    new GetCommand({
      TableName: deps.tableName,
      Key: ledgerKey(tenantId, kind, rampId),
      ConsistentRead: true,
    }),
  );
  return res.Item ? fromLedgerRecord(res.Item) : undefined;
}

/**
 * The row as it is stored: the transition's result with its history step and open-work
 * stamp. Writers return this, never the bare transition, so a worker that writes next from
 * what it holds (recordPosted with `held`) keeps the history and `openSince` intact.
 */
export const asStored = (prev: LedgerItem | undefined, next: LedgerItem) =>
  withOpenSince(prev, withHistory(prev, next));

/**
 * Writes `next` (already asStored) if the row is still as it was read (`prev`, or absent when
 * `prev` is undefined); false when someone else wrote first.
 */
async function putLedgerItem(
  deps: StoreDeps,
  prev: LedgerItem | undefined,
  next: LedgerItem,
): Promise<boolean> {
  const put = await putIf(deps.doc, {
    TableName: deps.tableName,
    Item: toLedgerRecord(next),
    ...revCondition(prev),
  });
  return put.ok;
}

/** The condition every ledger write carries: the row is still at the revision the transition was computed from. */
export const revCondition = (prev: LedgerItem | undefined) => unchangedSince("rev", prev?.rev);

/** What a transition does with the row as read: write `next` (and answer from what was written), or just answer. */
export type Decide<R> = (
  item: LedgerItem | undefined,
) => { next: LedgerItem; result: (written: LedgerItem) => R } | { result: R };

/**
 * Read → decide → conditional write, again on a lost race: `decide` sees the
 * row as it now is, so a race ends in the outcome the winner left behind.
 * The read cannot be folded into the write's condition (conditional-write.ts):
 * the rules compute the whole next row, GSI keys included, from the current
 * one; the write is still conditional on the `rev` it was computed from.
 * After `races.max` lost races, `races.exhausted` answers (by default: throw).
 */
export async function transitionLedgerItem<R>(
  deps: StoreDeps,
  tenantId: string,
  kind: Kind,
  rampId: string,
  decide: Decide<R>,
  races: { max: number; exhausted?: () => R } = { max: MAX_RACES },
): Promise<R> {
  for (let i = 0; i < races.max; i++) {
    const current = await readLedgerItem(deps, tenantId, kind, rampId);
    const d = decide(current);
    if (!("next" in d)) return d.result;
    const next = asStored(current, d.next);
    if (await putLedgerItem(deps, current, next)) return d.result(next);
  }
  if (races.exhausted) return races.exhausted();
  throw new Error(`ledger ${tenantId}/${kind}/${rampId}: lost ${races.max} races in a row`);
}

export function createLedger(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;
  const key = ledgerKey;

  const rowId = (x: { tenantId: string; kind: Kind; rampId: string }) => `${x.tenantId}#${ledgerKeyOf(x)}`;
  // A wave's reads and writes of different rows, made concurrently item by item, go out together
  // (coalesce.ts): one BatchGetItem / TransactWriteItems per ≤100 rows instead of one call per row.
  const reads = createCoalescer<{ tenantId: string; kind: Kind; rampId: string }, LedgerItem | undefined>({
    max: 100,
    shareRepeats: true,
    keyOf: rowId,
    async runMany(keys) {
      const rows = await batchGetAll({
        doc,
        tableName,
        keys: keys.map((k) => key(k.tenantId, k.kind, k.rampId)),
        what: "ledger rows",
      });
      const found = new Map(rows.map(fromLedgerRecord).map((item) => [rowId(item), item]));
      return keys.map((k) => found.get(rowId(k)));
    },
  });
  const writes = createCoalescer<{ prev: LedgerItem | undefined; next: LedgerItem }, boolean>({
    max: 100,
    keyOf: (w) => rowId(w.next),
    runMany: (ws) =>
      putAllIf(
        doc,
        ws.map((w) => ({
          TableName: tableName,
          Item: toLedgerRecord(w.next),
          ...revCondition(w.prev),
        })),
      ),
  });

  /** A strongly consistent read of one row (batched with the reads made alongside it). */
  const get = (tenantId: string, kind: Kind, rampId: string) => reads.call({ tenantId, kind, rampId });
  /**
   * `next` as stored (asStored) if the row is still as read (batched with the writes made
   * alongside it); the stored item when written, else null.
   */
  const write = async (prev: LedgerItem | undefined, next: LedgerItem) => {
    const item = asStored(prev, next);
    return (await writes.call({ prev, next: item })) ? item : null;
  };

  const transition = <R>(tenantId: string, kind: Kind, rampId: string, decide: Decide<R>) =>
    transitionLedgerItem(deps, tenantId, kind, rampId, decide);

  function whileHolding(
    tenantId: string,
    kind: Kind,
    rampId: string,
    owner: string,
    next: (item: LedgerItem, now: number) => LedgerItem,
  ): Promise<HolderResult> {
    return transition<HolderResult>(tenantId, kind, rampId, (item) => {
      if (!holdsLease(item, owner)) return { result: { ok: false, reason: "lost-lease", item } };
      return { next: next(item, clock()), result: (written) => ({ ok: true, item: written }) };
    });
  }

  return {
    get,

    /**
     * The rows of many objects at once (a page of listed objects): one
     * BatchGetItem per 100 keys instead of a GetItem each, strongly consistent
     * like `get` so a row a worker just claimed is seen. Keyed by ledgerKeyOf
     * (`<kind>#<rampId>`); objects with no row are absent from the map.
     */
    async getMany(
      tenantId: string,
      keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
    ): Promise<Map<string, LedgerItem>> {
      const rows = await batchGetAll({
        doc,
        tableName,
        keys: keys.map((k) => key(tenantId, k.kind, k.rampId)),
        what: "ledger rows",
      });
      return new Map(rows.map(fromLedgerRecord).map((item) => [ledgerKeyOf(item), item]));
    },

    async claim(input: Omit<ClaimInput, "now">): Promise<ClaimResult> {
      // Most claims are of objects never seen: try the create first and read only if the row exists.
      const fresh = decideClaim(undefined, { ...input, now: clock() });
      const created = fresh.action === "create" ? await write(undefined, fresh.next) : null;
      if (created) return { outcome: "claimed", item: created };
      return transition<ClaimResult>(input.tenantId, input.kind, input.rampId, (item) => {
        const d = decideClaim(item, { ...input, now: clock() });
        if (d.action === "skip")
          return { result: { outcome: "skip", reason: d.reason, item: item as LedgerItem } };
        if (d.action === "create") return { next: d.next, result: (w) => ({ outcome: "claimed", item: w }) };
        if (d.outcome === "retry") return { next: d.next, result: (w) => ({ outcome: "retry", item: w }) };
        const previousOwner = item?.leaseOwner;
        return { next: d.next, result: (w) => ({ outcome: "takeover", item: w, previousOwner }) };
      });
    },

    /** Extends the lease of a long post. Fails only if someone took the row over. */
    renewLease(tenantId: string, kind: Kind, rampId: string, owner: string, leaseMs: number) {
      return whileHolding(tenantId, kind, rampId, owner, (item, now) => renewed(item, leaseMs, now));
    },

    /**
     * CLAIMED → POSTED with the ERP's id, while still holding the lease. With `held` (the row
     * as this worker last wrote it: its claim or lease renewal) no read comes first: the write
     * is conditional on that `rev`, so it lands only if nobody touched the row since — and if
     * someone did, the read-and-decide path below says what happened (usually: a takeover).
     */
    async recordPosted(
      tenantId: string,
      kind: Kind,
      rampId: string,
      owner: string,
      erpRef: string,
      held?: LedgerItem,
    ): Promise<HolderResult> {
      if (held && holdsLease(held, owner)) {
        const written = await write(held, posted(held, erpRef, clock()));
        if (written) return { ok: true, item: written };
      }
      return whileHolding(tenantId, kind, rampId, owner, (item, now) => posted(item, erpRef, now));
    },

    /** CLAIMED → FAILED: attempts + 1; reportable per the category rules (ledger-rules.isReportableFailure). */
    recordFailed(tenantId: string, kind: Kind, rampId: string, owner: string, failure: FailureInput) {
      return whileHolding(tenantId, kind, rampId, owner, (item, now) => failed(item, failure, now));
    },

    /** The object waits for another one: a HELD row with the reason (ledger-rules.ts `held`). */
    recordHeld(input: HoldRequest): Promise<"held" | "unchanged" | "not-held"> {
      return transitionLedgerItem<"held" | "unchanged" | "not-held">(
        deps,
        input.tenantId,
        input.kind,
        input.rampId,
        (prev) => {
          const next = held(prev, input, clock());
          if (!next) return { result: prev?.state === "HELD" ? "unchanged" : "not-held" };
          return { next, result: () => "held" };
        },
        // Lost races mean someone else moved the row on: theirs is the better record.
        { max: 3, exhausted: () => "not-held" },
      );
    },

    /** Gives a claimed row back without a result; the next claim is a takeover (which re-checks the ERP). */
    release(tenantId: string, kind: Kind, rampId: string, owner: string) {
      return whileHolding(tenantId, kind, rampId, owner, (item, now) => released(item, now));
    },

    /**
     * A Sync Button request attaches itself to a row still CLAIMED/POSTED (or
     * FAILED and not yet told), so the row is answered under that request.
     */
    attachSyncRequest(
      tenantId: string,
      kind: Kind,
      rampId: string,
      syncRequestId: string,
    ): Promise<AttachResult> {
      return transition<AttachResult>(tenantId, kind, rampId, (item) => {
        if (!item) return { result: { attached: false, reason: "not-found", item } };
        if (!canAttach(item)) return { result: { attached: false, reason: "not-attachable", item } };
        if (item.syncRequestId === syncRequestId) return { result: { attached: true, item } };
        return { next: attached(item, syncRequestId, clock()), result: (w) => ({ attached: true, item: w }) };
      });
    },

    /**
     * Rows one report may carry (POSTED, or FAILED reportable and untold) for
     * tenant × sync type × request, oldest first, via GSI1. The index is
     * eventually consistent: a row read here may have moved on, which the
     * intent's conditional flip catches. bill_payment rows wait for their bill
     * to be MARKED (Ramp refuses BILL_PAYMENT_SYNC before BILL_SYNC).
     */
    async listReportable(q: ReportableQuery): Promise<ReportableRows> {
      const gate = q.syncType === "BILL_PAYMENT_SYNC";
      const heldForBill: string[] = [];
      const perBucket = async (bucket: LedgerBucket) => {
        const out: LedgerItem[] = [];
        let cursor: Record<string, unknown> | undefined;
        do {
          const page = await queryBucket(
            q.tenantId,
            bucket,
            q.syncType,
            q.syncRequestId,
            Math.min(q.limit, 1000),
            cursor,
          );
          cursor = page.cursor;
          let rows = page.items;
          if (gate && rows.length) {
            const marked = await markedBills(
              q.tenantId,
              rows.map((r) => r.rampId),
            );
            heldForBill.push(...rows.filter((r) => !marked.has(r.rampId)).map((r) => r.rampId));
            rows = rows.filter((r) => marked.has(r.rampId));
          }
          out.push(...rows);
        } while (cursor && out.length < q.limit);
        return out;
      };
      const [postedRows, failedRows] = await Promise.all([
        perBucket("POSTED"),
        perBucket("FAILED_REPORTABLE"),
      ]);
      const items = [...postedRows, ...failedRows]
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, q.limit);
      return { items, heldForBill };
    },

    /**
     * What the flush policy decides on, without reading the rows: how many wait (per bucket
     * at most `limit`, counted by DynamoDB — Select COUNT returns no items) and when the oldest
     * was last updated (the first key in GSI1 order). Never fewer than listReportable would
     * give: bill payments held for their bill are counted here, so a probe that says "flush"
     * is followed by the listing, whose rows decide again.
     */
    async probeReportable(q: ReportableQuery): Promise<{ count: number; oldestAt: number | null }> {
      const one = async (bucket: LedgerBucket) => {
        const [count, oldest] = await Promise.all([
          queryBucketCount(q.tenantId, bucket, q.syncType, q.syncRequestId, q.limit),
          queryBucket(q.tenantId, bucket, q.syncType, q.syncRequestId, 1, undefined, "updatedAt"),
        ]);
        const at = oldest.items[0]?.updatedAt;
        return { count, oldestAt: typeof at === "number" ? at : null };
      };
      const [p, f] = await Promise.all([one("POSTED"), one("FAILED_REPORTABLE")]);
      const ats = [p.oldestAt, f.oldestAt].filter((x): x is number => x !== null);
      return { count: p.count + f.count, oldestAt: ats.length ? Math.min(...ats) : null };
    },

    /**
     * Any bucket, for sweeps and operators: e.g. CLAIMED rows with stale leases,
     * or every request with rows waiting (omit `syncRequestId`). Pass the returned
     * cursor back for the next page.
     */
    async listBucket(q: {
      tenantId: string;
      bucket: LedgerBucket;
      /** Sync type, or the kind for kinds without one (vendor_credit). */
      stream: string;
      syncRequestId?: string | null;
      limit: number;
      cursor?: Record<string, unknown>;
    }) {
      return queryBucket(q.tenantId, q.bucket, q.stream, q.syncRequestId, q.limit, q.cursor);
    },

    markedBills,

    /**
     * Records a phase Ramp already shows as synced (see `adopted` in ledger-rules.ts).
     * "adopted" when written, "already" when MARKED before, "in-flight" when our own
     * attempt holds the row (it will close itself).
     */
    async adoptSyncedElsewhere(input: AdoptInput): Promise<"adopted" | "already" | "in-flight"> {
      type Adopted = "adopted" | "already" | "in-flight";
      return transitionLedgerItem<Adopted>(
        deps,
        input.tenantId,
        input.kind,
        input.rampId,
        (prev) => {
          const next = adopted(prev, input, clock());
          if (!next) return { result: prev?.state === "MARKED" ? "already" : "in-flight" };
          return { next, result: () => "adopted" };
        },
        // Three lost races mean others are busy with the row: theirs is the outcome.
        { max: 3, exhausted: () => "in-flight" },
      );
    },
  };

  /** The key condition of one bucket of one stream (optionally one request) on GSI1. */
  function bucketCondition(
    tenantId: string,
    bucket: LedgerBucket,
    stream: string,
    syncRequestId: string | null | undefined,
  ) {
    const { gsi1 } = TABLE_KEYS;
    const byRequest = syncRequestId !== undefined;
    return {
      TableName: tableName,
      IndexName: gsi1.name,
      KeyConditionExpression: byRequest ? "#pk = :pk AND begins_with(#sk, :prefix)" : "#pk = :pk",
      ExpressionAttributeNames: byRequest
        ? { "#pk": gsi1.partitionKey, "#sk": gsi1.sortKey }
        : ({ "#pk": gsi1.partitionKey } as Record<string, string>),
      ExpressionAttributeValues: {
        ":pk": ledgerGsi1Pk(tenantId, bucket, stream),
        ...(byRequest ? { ":prefix": ledgerGsi1Prefix(syncRequestId ?? null) } : {}),
      },
    };
  }

  async function queryBucket(
    tenantId: string,
    bucket: LedgerBucket,
    stream: string,
    syncRequestId: string | null | undefined,
    limit: number,
    cursor?: Record<string, unknown>,
    /** Only this attribute (the probe's `updatedAt`): the rows come back partial, not parsed. */
    only?: string,
  ): Promise<{ items: LedgerItem[]; cursor?: Record<string, unknown> }> {
    const cond = bucketCondition(tenantId, bucket, stream, syncRequestId);
    const res = await doc.send(
      new QueryCommand({
        ...cond,
        ...(only
          ? {
              ProjectionExpression: "#only",
              ExpressionAttributeNames: { ...cond.ExpressionAttributeNames, "#only": only },
            }
          : {}),
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    const rows = res.Items ?? [];
    return {
      items: only ? (rows as LedgerItem[]) : rows.map(fromLedgerRecord),
      ...(res.LastEvaluatedKey ? { cursor: res.LastEvaluatedKey } : {}),
    };
  }

  /** How many rows one bucket holds, up to `limit` (counted by DynamoDB, no items returned). */
  async function queryBucketCount(
    tenantId: string,
    bucket: LedgerBucket,
    stream: string,
    syncRequestId: string | null | undefined,
    limit: number,
  ): Promise<number> {
    let count = 0;
    let cursor: Record<string, unknown> | undefined;
    do {
      const res = await doc.send(
        new QueryCommand({
          ...bucketCondition(tenantId, bucket, stream, syncRequestId),
          Select: "COUNT",
          Limit: limit - count,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      count += res.Count ?? 0;
      cursor = res.LastEvaluatedKey;
    } while (cursor && count < limit);
    return count;
  }

  /** Which of these bills (Ramp ids) have their `bill` phase MARKED — the gate for reporting their payments. */
  async function markedBills(tenantId: string, billIds: readonly string[]): Promise<Set<string>> {
    const rows = await batchGetAll({
      doc,
      tableName,
      keys: billIds.map((id) => key(tenantId, "bill", id)),
      projection: { expression: "rampId, #state", names: { "#state": "state" } },
      what: "markedBills",
    });
    return new Set(rows.filter((row) => row.state === "MARKED").map((row) => String(row.rampId)));
  }
}
