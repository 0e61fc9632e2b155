/**
 * The ledger repository in memory (lib/store/ledger.ts without DynamoDB): the same
 * pure transitions (lib/store/ledger-rules.ts), each written only if the row is
 * still at the revision it was computed from, and the same GSI1 listings — buckets
 * in index order, reportable rows oldest first, bill payments gated on their bill
 * being MARKED. Strongly consistent where the GSI is eventually consistent: the
 * protocol never relies on that lag.
 */

import type { Kind } from "../../../lib/domain/kinds.js";
import type { AttachResult, ClaimResult, HolderResult, ReportableRows } from "../../../lib/store/ledger.js";
import * as rules from "../../../lib/sync/ledger-rules.js";
import type {
  HoldRequest,
  LedgerBucket,
  LedgerItem,
  LedgerPage,
  LedgerPort,
} from "../../../lib/sync/ports.js";
import type { MemoryRows } from "./rows.js";

type Decision<R> = { next: LedgerItem; result: (written: LedgerItem) => R } | { result: R };

export function createMemoryLedger(rows: MemoryRows) {
  const { clock } = rows;

  /** Read → decide → conditional write (in memory nothing races between the read and the write). */
  function transition<R>(
    tenantId: string,
    kind: Kind,
    rampId: string,
    decide: (i?: LedgerItem) => Decision<R>,
  ): R {
    const current = rows.get(tenantId, kind, rampId);
    const d = decide(current);
    if (!("next" in d)) return d.result;
    if (!rows.put(current, d.next)) throw new Error(`memory ledger ${kind}/${rampId}: lost a race`);
    return d.result(d.next);
  }

  const whileHolding = async (
    tenantId: string,
    kind: Kind,
    rampId: string,
    owner: string,
    next: (item: LedgerItem, now: number) => LedgerItem,
  ): Promise<HolderResult> =>
    transition<HolderResult>(tenantId, kind, rampId, (item) =>
      rules.holdsLease(item, owner)
        ? { next: next(item, clock()), result: (w) => ({ ok: true, item: w }) }
        : { result: { ok: false, reason: "lost-lease", item } },
    );

  const bucketPage = (q: Parameters<LedgerPort["listBucket"]>[0] & { bucket: LedgerBucket }): LedgerPage => {
    const all = rows.index(q.tenantId, q.bucket, q.stream, q.syncRequestId);
    const after = typeof q.cursor?.sk === "string" ? q.cursor.sk : null;
    const rest = after === null ? all : all.filter((e) => e.sk > after);
    const page = rest.slice(0, q.limit);
    const last = page[page.length - 1];
    // Like DynamoDB: a page that reached the limit carries a cursor, even when nothing follows.
    return {
      items: page.map((e) => e.item),
      ...(last && page.length === q.limit ? { cursor: { sk: last.sk } } : {}),
    };
  };

  const ledger = {
    async get(tenantId: string, kind: Kind, rampId: string) {
      return rows.get(tenantId, kind, rampId);
    },

    async claim(input: Omit<rules.ClaimInput, "now">): Promise<ClaimResult> {
      return transition<ClaimResult>(input.tenantId, input.kind, input.rampId, (item) => {
        const d = rules.decideClaim(item, { ...input, now: clock() });
        if (d.action === "skip")
          return { result: { outcome: "skip", reason: d.reason, item: item as LedgerItem } };
        // A new row is "claimed"; an update is a retry of a FAILED row or a takeover of an expired lease.
        const outcome = d.action === "create" ? "claimed" : d.outcome;
        const previousOwner = item?.leaseOwner;
        const result = (w: LedgerItem): ClaimResult =>
          outcome === "takeover" ? { outcome, item: w, previousOwner } : { outcome, item: w };
        return { next: d.next, result };
      });
    },

    renewLease: (tenantId: string, kind: Kind, rampId: string, owner: string, leaseMs: number) =>
      whileHolding(tenantId, kind, rampId, owner, (item, now) => rules.renewed(item, leaseMs, now)),

    recordPosted: (tenantId: string, kind: Kind, rampId: string, owner: string, erpRef: string) =>
      whileHolding(tenantId, kind, rampId, owner, (item, now) => rules.posted(item, erpRef, now)),

    recordFailed: (
      tenantId: string,
      kind: Kind,
      rampId: string,
      owner: string,
      failure: rules.FailureInput,
    ) => whileHolding(tenantId, kind, rampId, owner, (item, now) => rules.failed(item, failure, now)),

    async recordHeld(input: HoldRequest): Promise<"held" | "unchanged" | "not-held"> {
      const prev = rows.get(input.tenantId, input.kind, input.rampId);
      const next = rules.held(prev, input, clock());
      if (!next) return prev?.state === "HELD" ? "unchanged" : "not-held";
      return rows.put(prev, next) ? "held" : "not-held";
    },

    release: (tenantId: string, kind: Kind, rampId: string, owner: string) =>
      whileHolding(tenantId, kind, rampId, owner, (item, now) => rules.released(item, now)),

    async attachSyncRequest(tenantId: string, kind: Kind, rampId: string, syncRequestId: string) {
      return transition<AttachResult>(tenantId, kind, rampId, (item) => {
        if (!item) return { result: { attached: false, reason: "not-found", item } };
        if (!rules.canAttach(item)) return { result: { attached: false, reason: "not-attachable", item } };
        if (item.syncRequestId === syncRequestId) return { result: { attached: true, item } };
        return {
          next: rules.attached(item, syncRequestId, clock()),
          result: (w) => ({ attached: true, item: w }),
        };
      });
    },

    async adoptSyncedElsewhere(input: rules.AdoptInput): Promise<"adopted" | "already" | "in-flight"> {
      const prev = rows.get(input.tenantId, input.kind, input.rampId);
      const next = rules.adopted(prev, input, clock());
      if (!next) return prev?.state === "MARKED" ? "already" : "in-flight";
      return rows.put(prev, next) ? "adopted" : "in-flight";
    },

    async listReportable(q: Parameters<LedgerPort["listReportable"]>[0]): Promise<ReportableRows> {
      const heldForBill: string[] = [];
      const perBucket = (bucket: LedgerBucket) => {
        let items = rows.index(q.tenantId, bucket, q.syncType, q.syncRequestId).map((e) => e.item);
        if (q.syncType === "BILL_PAYMENT_SYNC") {
          const marked = (id: string) => rows.get(q.tenantId, "bill", id)?.state === "MARKED";
          heldForBill.push(...items.filter((r) => !marked(r.rampId)).map((r) => r.rampId));
          items = items.filter((r) => marked(r.rampId));
        }
        return items;
      };
      const items = [...perBucket("POSTED"), ...perBucket("FAILED_REPORTABLE")]
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, q.limit);
      return { items, heldForBill };
    },

    /** Like DynamoDB's probe: counts every row of both buckets (bill payments held for their bill too). */
    async probeReportable(q: Parameters<LedgerPort["probeReportable"]>[0]) {
      const all = (["POSTED", "FAILED_REPORTABLE"] as const).flatMap((b) =>
        rows
          .index(q.tenantId, b, q.syncType, q.syncRequestId)
          .slice(0, q.limit)
          .map((e) => e.item),
      );
      const oldestAt = all.length ? Math.min(...all.map((r) => r.updatedAt)) : null;
      return { count: all.length, oldestAt };
    },

    async listBucket(q: Parameters<LedgerPort["listBucket"]>[0]): Promise<LedgerPage> {
      return bucketPage(q);
    },

    /** Which of these bills have their `bill` phase MARKED. */
    async markedBills(tenantId: string, billIds: readonly string[]): Promise<Set<string>> {
      return new Set(billIds.filter((id) => rows.get(tenantId, "bill", id)?.state === "MARKED"));
    },
  };
  return ledger satisfies LedgerPort;
}

export type MemoryLedger = ReturnType<typeof createMemoryLedger>;
