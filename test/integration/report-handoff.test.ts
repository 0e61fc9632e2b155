/**
 * No row left behind by the report lock (issue #16 item 4), on DynamoDB Local.
 *
 * 1. Eight in-process workers record the rows of one Sync Button request in
 *    small batches and flush its stream after each batch, as the syncer does,
 *    while the Ramp double takes 50 ms per sync call: rows turn POSTED while
 *    flushes are in progress and workers that find the lock busy hand off. Once
 *    every worker has returned, with no sweep, nothing reportable is left and
 *    each row went to Ramp exactly once.
 * 2. The one moment only the hand-off covers, made to happen every time: batches
 *    finish right after the holder's last look found nothing, and their workers
 *    flush (and mark) before the holder's release. The holder must go round again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { RampLogger } from "../../lib/domain/logger.js";
import type { SyncPostResult } from "../../lib/ramp/sync-report.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { ledgerGsi1Pk } from "../../lib/store/ledger-item.js";
import { memoryMetrics } from "../../lib/sync/metrics.js";
import { type FlushResult, flushReports, type ReporterDeps } from "../../lib/sync/reporter.js";
import { freshTable } from "../support/dynamo-client.js";

const SYNC_CALL_MS = 50;
const LEASE = 60_000;
const SYNC_TYPE = "TRANSACTION_SYNC";
const REQUEST = "req-btn";

let table: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  table = await freshTable("handoff");
});

const quiet = Object.fromEntries(
  ["debug", "info", "warn", "error"].map((l) => [l, () => {}]),
) as unknown as RampLogger;

/** A Ramp double whose sync call takes 50 ms and counts every id it is told. */
function slowRamp() {
  const reported = new Map<string, number>();
  const ramp = {
    calls: 0,
    reported,
    async postSync(call: Parameters<ReporterDeps["ramp"]["postSync"]>[0]): Promise<SyncPostResult> {
      ramp.calls++;
      await sleep(SYNC_CALL_MS);
      for (const s of call.successful_syncs ?? []) reported.set(s.id, (reported.get(s.id) ?? 0) + 1);
      return { outcome: "accepted", syncId: `sync-${ramp.calls}`, idempotencyKey: call.idempotency_key };
    },
  };
  return ramp;
}

/** One SQS batch's rows, claimed and recorded POSTED concurrently under the button request. */
async function recordBatch(store: Store, tenantId: string, owner: string, ids: readonly string[]) {
  await Promise.all(
    ids.map(async (rampId) => {
      await store.ledger.claim({
        tenantId,
        kind: "transaction",
        rampId,
        owner,
        leaseMs: LEASE,
        fingerprint: "f",
        syncRequestId: REQUEST,
      });
      await store.ledger.recordPosted(tenantId, "transaction", rampId, owner, `E-${rampId}`);
    }),
  );
}

/** Nothing reportable left for the request, every row MARKED, each told to Ramp exactly once. */
async function expectAllReportedOnce(
  store: Store,
  tenantId: string,
  ids: readonly string[],
  reported: Map<string, number>,
) {
  const rows = await Promise.all(ids.map((id) => store.ledger.get(tenantId, "transaction", id)));
  expect(rows.filter((r) => r?.state !== "MARKED").map((r) => `${r?.rampId}:${r?.state}`)).toEqual([]);
  const key = { tenantId, syncType: SYNC_TYPE, syncRequestId: REQUEST };
  expect(await store.ledger.probeReportable({ ...key, limit: 5_000 })).toEqual({ count: 0, oldestAt: null });
  expect([...reported].filter(([, n]) => n !== 1)).toEqual([]);
  expect([...reported.keys()].sort()).toEqual([...ids].sort());
  // The lock is free again.
  expect(await store.reportLock.acquire(key, "check", LEASE)).toMatchObject({ held: true });
}

describe("report hand-off under concurrent flushers (DynamoDB Local)", () => {
  it("8 workers, one button request, rows posted during flushes: nothing left once they return (no sweep), each row reported once", async () => {
    const store = createStore({ doc: table.doc, tableName: table.tableName });
    const tenantId = `handoff-${Math.random().toString(36).slice(2, 8)}`;
    const key = { tenantId, syncType: SYNC_TYPE, syncRequestId: REQUEST };
    const ramp = slowRamp();
    const metrics = memoryMetrics();
    const results: FlushResult[] = [];
    const ids: string[] = [];
    const worker = async (w: number) => {
      for (let b = 0; b < 5; b++) {
        await sleep(Math.random() * 400);
        const batch = Array.from({ length: 5 }, (_, i) => `tx-${w}-${b * 5 + i}`);
        ids.push(...batch);
        const owner = `w${w}-b${b}`;
        await recordBatch(store, tenantId, owner, batch);
        const deps: ReporterDeps = { store, ramp, owner, clock: Date.now, logger: quiet, metrics };
        results.push(await flushReports(deps, key, { force: true }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));

    expect(ids).toHaveLength(200);
    await expectAllReportedOnce(store, tenantId, ids, ramp.reported);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s !== "done" && s !== "handed-off")).toEqual([]);
    expect(statuses.filter((s) => s === "handed-off").length).toBeGreaterThan(0);
  });

  it("batches that finish right after the holder's last look, and flush before its release, are reported by that holder", async () => {
    const tenantId = `handoff-late-${Math.random().toString(36).slice(2, 8)}`;
    const key = { tenantId, syncType: SYNC_TYPE, syncRequestId: REQUEST };
    const postedPk = ledgerGsi1Pk(tenantId, "POSTED", SYNC_TYPE);
    const ramp = slowRamp();
    const metrics = memoryMetrics();
    const ids: string[] = [];
    const late: FlushResult[] = [];
    let waves = 3;
    let store: Store;
    /** Three workers record a batch each and flush it: the holder still holds, so they hand off. */
    const wave = async (n: number) =>
      Promise.all(
        [0, 1, 2].map(async (w) => {
          const batch = Array.from({ length: 4 }, (_, i) => `late-${n}-${w}-${i}`);
          ids.push(...batch);
          const owner = `late-${n}-${w}`;
          await recordBatch(store, tenantId, owner, batch);
          const deps: ReporterDeps = { store, ramp, owner, clock: Date.now, logger: quiet, metrics };
          late.push(await flushReports(deps, key, { force: true }));
        }),
      );
    // The probe's POSTED count answers "none" — and before that answer reaches the holder, a wave
    // of workers records and flushes: the answer is stale by the time the holder acts on it.
    const doc = new Proxy(table.doc, {
      get(target, prop, receiver) {
        if (prop !== "send") return Reflect.get(target, prop, receiver);
        return async (cmd: unknown) => {
          const out = (await target.send(cmd as never)) as { Count?: number };
          const probe =
            cmd instanceof QueryCommand &&
            cmd.input.Select === "COUNT" &&
            cmd.input.ExpressionAttributeValues?.[":pk"] === postedPk;
          if (probe && out.Count === 0 && waves > 0) await wave(waves--);
          return out;
        };
      },
    }) as DynamoDBDocumentClient;
    store = createStore({ doc, tableName: table.tableName });
    const first = Array.from({ length: 10 }, (_, i) => `first-${i}`);
    ids.push(...first);
    await recordBatch(store, tenantId, "w0", first);

    const holder = await flushReports(
      { store, ramp, owner: "holder", clock: Date.now, logger: quiet, metrics },
      key,
      { force: true },
    );
    // Each wave came after the holder's last look: only its marks brought the holder back for them.
    await expectAllReportedOnce(store, tenantId, ids, ramp.reported);
    expect(late.map((r) => r.status)).toEqual(Array(9).fill("handed-off"));
    expect(holder).toMatchObject({ status: "done", handoffs: 3, calls: 4, synced: 10 + 3 * 3 * 4 });
  });
});
