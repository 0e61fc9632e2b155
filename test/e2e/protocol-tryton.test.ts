/**
 * The exactly-once protocol on the live Tryton (no unique constraint on
 * references there: the lease and the look-before-create are all that prevent
 * a duplicate): a crash right after the ERP write, then redelivery after the
 * lease, through the syncer and sweep Lambdas on fauxqs + DynamoDB Local +
 * the sandbox over HTTP. The adapter logs in as the dedicated integration user.
 * The database is persistent; every run has fresh Ramp ids (a fresh sandbox seed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { countRef } from "../erp/support/inspect.js";
import { connectLive, type Live, liveTenantErp } from "../erp/support/tryton-live.js";
import { type Harness, syncerHarness } from "../integration/syncer-harness.js";
import {
  bodiesOf,
  crashOnce,
  expectExactlyOnce,
  type Lambdas,
  loadLambdas,
  sweepOnce,
  wire,
  workQueue,
} from "./protocol-support.js";

let sqs: LocalSqs;
let l: Lambdas;
let live: Live;
let h: Harness;

beforeAll(async () => {
  sqs = await startLocalSqs();
  l = await loadLambdas();
  live = await connectLive();
});
afterAll(async () => {
  await sqs?.stop();
});
afterEach(async () => h?.close());

describe("exactly once on the live Tryton", () => {
  it("a crash right after the ERP write, then redelivery after the lease: one Tryton record per object, Ramp told once", async () => {
    const port = live.adapter();
    h = await syncerHarness({
      // A seed of its own per run: the database keeps earlier runs' records.
      seed: Date.now() % 1_000_000,
      // Enough that every seed gives several ready objects (some seeded ones are not ready).
      transactions: 6,
      reimbursements: 1,
      transfers: 0,
      cashbacks: 0,
      vendorlessShare: 0,
      erp: { ...liveTenantErp(live), port },
    });
    const crash = crashOnce("post");
    await wire(l, h, { crash });
    const items = await h.ready();
    expect(items.length).toBeGreaterThanOrEqual(2);
    const companyOf = (entityId: string | null) =>
      h.tenant.entities.find((e) => e.rampEntityId === entityId)?.companyKey === live.eu.key
        ? live.eu
        : live.us;
    const count = async (kind: string, rampId: string) => {
      const it = items.find((i) => i.rampId === rampId && i.kind === kind);
      return countRef(live, companyOf(it?.entityId ?? null), externalRef(kind as never, rampId));
    };
    // A fresh database's first Tryton write takes seconds: a function timeout well above it
    // (a 2 s cut-off ended the invocation mid-batch while its writes went on).
    const queue = await workQueue(sqs, l, "tryton-crash", {
      visibilityTimeoutS: 15,
      functionTimeoutMs: 15_000,
    });

    await queue.deliver(bodiesOf(items));
    expect(crash.fired).toBe(1);
    // The writes landed before the crash; nothing was recorded.
    for (const it of items) expect(await count(it.kind, it.rampId), it.rampId).toBe(1);
    h.clock.now += 121_000;
    await queue.deliver(bodiesOf(items));
    await sweepOnce(l);
    await expectExactlyOnce(h, items, expect, count);
  });
});
