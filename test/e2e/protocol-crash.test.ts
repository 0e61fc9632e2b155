/**
 * "A crash injected after each protocol step (post, record, report intent,
 * report call, close), and a worker stalled past its lease, then redelivery: no
 * duplicate in the ERP, no object lost, and Ramp is told exactly once."
 *
 * The syncer Lambda runs behind the SQS event source mapping (fauxqs); the crash
 * makes the invocation throw like a killed worker (nothing released, the batch
 * comes back after the visibility timeout). Reports flush at the end of each
 * batch here, so the report steps crash inside the same invocation. After the
 * lease and the report lock have expired, the next poll cycle enqueues the
 * objects again and the sweep runs. ERP: the journal; one case on the live Tryton
 * lives in protocol-tryton.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { RampClient } from "../../lib/ramp/client.js";
import { CRASH_POINTS } from "../../lib/sync/crash-points.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { type Harness, syncerHarness, TENANT } from "../integration/syncer-harness.js";
import {
  bodiesOf,
  crashOnce,
  expectExactlyOnce,
  invokeSyncer,
  type Lambdas,
  loadLambdas,
  sweepOnce,
  wire,
  workQueue,
} from "./protocol-support.js";

let sqs: LocalSqs;
let l: Lambdas;
let h: Harness;

beforeAll(async () => {
  sqs = await startLocalSqs();
  l = await loadLambdas();
});
afterAll(async () => {
  await sqs?.stop();
});
afterEach(async () => h?.close());

const LEASE_AND_LOCK = 121_000;
const journalCount = async (kind: string, rampId: string) =>
  (await h.journalRefs()).get(externalRef(kind as never, rampId)) ?? 0;

describe("exactly once through a crash after each protocol step", () => {
  it.each(CRASH_POINTS)("crash after %s, then redelivery", async (point) => {
    h = await syncerHarness({
      transactions: 5,
      reimbursements: 2,
      transfers: 1,
      cashbacks: 1,
      vendorlessShare: 0,
    });
    const crash = crashOnce(point);
    // Flush at the end of every batch, so the report steps run (and crash) inside the syncer.
    await wire(l, h, {
      crash,
      settings: { flush: { maxItems: 5_000, maxAgeMs: 0, buttonMaxItems: 100, buttonMaxAgeMs: 0 } },
    });
    const items = await h.ready();
    const queue = await workQueue(sqs, l, `crash-${point}`);

    await queue.deliver(bodiesOf(items));
    expect(crash.fired, "the crash was injected").toBe(1);
    // The dead worker's lease and report lock run out; the next poll cycle enqueues them again.
    h.clock.now += LEASE_AND_LOCK;
    await queue.deliver(bodiesOf(items));
    await sweepOnce(l);

    await expectExactlyOnce(h, items, expect, journalCount);
    expect((await sqs.depth(queue.q.dlq?.url as string)).total).toBe(0);
    expect(await h.store.reportIntents.findOpenIntents(TENANT)).toEqual([]);
  });
});

describe("a worker stalled past its lease", () => {
  it("is overtaken: the new holder posts once, the stalled one drops its items when it wakes, Ramp is told once", async () => {
    h = await syncerHarness({
      transactions: 8,
      reimbursements: 0,
      transfers: 0,
      cashbacks: 0,
      entities: 1,
      currencies: ["USD"],
      vendorlessShare: 0.5,
    });
    // The first worker stalls inside Ramp (e.g. a rate-limit lockout) while coding a vendor, after its claim.
    let stalled: () => void = () => {};
    const stall = new Promise<void>((r) => {
      stalled = r;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let first = true;
    const slowRamp: RampClient = Object.create(h.r.client);
    slowRamp.setTransactionCoding = async (...args) => {
      if (first) {
        first = false;
        stalled();
        await gate;
      }
      return h.r.client.setTransactionCoding(...args);
    };
    await wire(l, h, { rt: async () => ({ ...(await h.rt()), ramp: slowRamp }) });
    const items = await h.ready();
    const vendorless = [];
    for (const it of items)
      if ((await h.object(it.rampId)).object.requires_accounting_vendor_creation_to_sync) vendorless.push(it);
    expect(vendorless.length).toBeGreaterThan(0);
    const bodies = bodiesOf(items);

    const a = invokeSyncer(l, bodies, 1);
    await stall;
    // The stall arms on the first coding call, and the batch's plain items are claimed concurrently:
    // one claimed after the clock jumps below would hold a fresh lease, which the new holder rightly
    // leaves alone. Wait until every row is the stalled worker's.
    await vi.waitFor(
      async () => {
        for (const it of items)
          expect((await h.store.ledger.get(TENANT, it.kind, it.rampId))?.state, it.rampId).toBe("CLAIMED");
      },
      { timeout: 10_000, interval: 20 },
    );
    // The stalled worker's leases expire; SQS hands the messages to another worker.
    h.clock.now += LEASE_AND_LOCK;
    const b = await invokeSyncer(l, bodies, 2);
    expect(b.batchItemFailures).toEqual([]);
    const afterB = await h.journalRefs();
    for (const it of items) expect(afterB.get(externalRef(it.kind, it.rampId)), it.rampId).toBe(1);

    // The stalled worker wakes up: its leases are gone, it must write nothing.
    release();
    const aDone = await a;
    expect(aDone.batchItemFailures).toEqual([]);
    expect(await h.journalRefs()).toEqual(afterB);

    await sweepOnce(l);
    await expectExactlyOnce(h, items, expect, journalCount);
  });
});
