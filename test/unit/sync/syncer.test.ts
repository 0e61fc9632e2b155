/**
 * lib/sync/syncer.ts over the in-memory store, the non-deduplicating ERP double
 * and a Ramp double: messages → dispositions, tenants without a runtime, waves
 * (bill → payment → settled card charges in one delivery), batched writes and
 * finishing, failures of the ERP, leases lost while waiting, the flush after a batch.
 */
import { describe, expect, it } from "vitest";
import type { Posting, PostOutcome } from "../../../lib/erp/port.js";
import { transientError } from "../../../lib/erp/port.js";
import { InjectedCrash } from "../../../lib/sync/crash-points.js";
import { prepareItem, type WorkItem } from "../../../lib/sync/process-item.js";
import { type WorkMessage, workMessageBody } from "../../../lib/sync/work-message.js";
import { billOf, LEASE, tx, type World, world } from "./world.js";

/** Work items → SQS-shaped records with the real message body. */
const records = (items: readonly WorkItem[]) =>
  items.map((it, i) => ({
    messageId: `m-${i}`,
    body: workMessageBody({
      v: 1,
      tenantId: it.tenantId,
      kind: it.kind,
      rampId: it.rampId,
      ...(it.entityId ? { entityId: it.entityId } : {}),
      ...(it.snapshot ? { snapshot: it.snapshot as WorkMessage["snapshot"] } : {}),
      ...(it.syncRequestId ? { syncRequestId: it.syncRequestId } : {}),
      source: it.syncRequestId ? "button" : "poll",
      enqueuedAt: "2026-06-15T12:00:00.000Z",
    }),
  }));

/** Counts the ERP double's calls by method. */
function countCalls(w: World) {
  const calls = { post: 0, postBatch: [] as number[], finishBatch: 0 };
  const { erp } = w;
  const post = erp.post.bind(erp);
  const postBatch = erp.postBatch.bind(erp);
  const finishBatch = erp.finishBatch.bind(erp);
  erp.post = (p: Posting) => {
    calls.post++;
    return post(p);
  };
  erp.postBatch = (ps: readonly Posting[]) => {
    calls.postBatch.push(ps.length);
    return postBatch(ps);
  };
  erp.finishBatch = (xs) => {
    calls.finishBatch++;
    return finishBatch(xs);
  };
  return calls;
}

describe("processMessages", () => {
  it("acks what it processed, marks a body that is no work message poison, in message order", async () => {
    const w = world();
    const [a] = records([w.item("transaction", tx())]);
    const r = await w.syncer().processMessages([{ messageId: "bad", body: "{not json" }, a as never]);
    expect(r.results.map((x) => [x.messageId, x.disposition])).toEqual([
      ["bad", "poison"],
      ["m-0", "ack"],
    ]);
    expect(r.results[1]?.outcome).toMatchObject({ status: "posted", via: "created" });
    expect(w.metrics.total("PoisonMessages")).toBe(1);
  });

  it("drops work of an unknown tenant (ack) and retries the work of a tenant whose runtime fails", async () => {
    const w = world();
    const item = { ...w.item("transaction", tx()), tenantId: "ghost" };
    expect((await w.syncer().processItems([item])).outcomes).toEqual([
      { status: "skipped", reason: "unknown-tenant" },
    ]);
    const failing = w.syncer("w1", { runtimeFor: async () => Promise.reject(new Error("secrets down")) });
    const r = await failing.processMessages(records([w.item("transaction", tx())]));
    expect(r.results[0]).toMatchObject({ disposition: "retry", outcome: { status: "retry" } });
  });

  it("retries a transient ERP failure until it is reportable, then acks it", async () => {
    const w = world();
    w.erp.post = async () => {
      throw transientError("UNAVAILABLE", "ERP down"); // nothing written
    };
    const msgs = records([w.item("transaction", tx())]);
    const dispositions: string[] = [];
    for (let i = 0; i < 3; i++)
      dispositions.push((await w.syncer().processMessages(msgs)).results[0]?.disposition ?? "");
    expect(dispositions).toEqual(["retry", "retry", "ack"]);
  });
});

describe("waves", () => {
  it("posts a card-paid bill, then its payment, then records the card charge it settled — in one delivery", async () => {
    const w = world();
    const charge = tx();
    const b = billOf({}, { by: "card", cardTx: [charge.id] });
    await w.store.settlesLinks.link(w.tenant.tenantId, b.id, [charge.id]); // the poller's link
    const r = await w.syncer().processItems([w.item("transaction", charge), w.item("bill", b)]);
    expect(r.outcomes.map((o) => o.status)).toEqual(["held", "posted"]);
    expect(await w.row("bill_payment", b.id)).toMatchObject({ state: "POSTED" });
    const payment = await w.row("bill_payment", b.id);
    expect(await w.row("transaction", charge.id)).toMatchObject({ state: "POSTED", erpRef: payment?.erpRef });
    expect(w.erp.records.map((x) => x.kind)).toEqual(["bill", "bill_payment"]);
  });

  it("chains a follow-up once even when two items unlock it", async () => {
    const w = world();
    const b = billOf({}, { by: "bank" });
    const bill = w.item("bill", b);
    await w.syncer().processItems([bill, { ...bill }]);
    expect(w.erp.recordsUnder(`ramp:bill_payment:${b.id}`)).toHaveLength(1);
    expect(w.erp.recordsUnder(`ramp:bill:${b.id}`)).toHaveLength(1);
  });
});

describe("ERP writes", () => {
  it("batches a wave in chunks of the adapter's batch size; a lone item is one post", async () => {
    const w = world({ maxBatchSize: 2 });
    const calls = countCalls(w);
    await w.syncer().processItems([1, 2, 3, 4, 5].map(() => w.item("transaction", tx())));
    expect(calls.post).toBe(1); // the last chunk, of one (the double's post runs its postBatch: the 1 below)
    expect(calls.postBatch).toEqual([2, 2, 1]);
    await w.syncer().processItems([w.item("transaction", tx())]);
    expect(calls.post).toBe(2);
  });

  it("finishes a record an earlier attempt left incomplete (finishBatch), recorded as finished", async () => {
    const w = world();
    const calls = countCalls(w);
    const item = w.item("transaction", tx());
    const first = await prepareItem(w.itemDeps("dead"), item);
    if (first.kind !== "post") throw new Error("expected a post");
    w.erp.crash = async () => {
      throw new Error("killed mid-write");
    };
    await w.erp.postBatch([first.posting]).catch(() => undefined);
    w.erp.crash = undefined;
    w.clock.now += LEASE;
    const r = await w.syncer().processItems([item]);
    expect(r.outcomes[0]).toMatchObject({ status: "posted", via: "finished", erpRef: "R000001" });
    expect(calls.finishBatch).toBe(1);
    expect(
      w.erp.recordsUnder(item.kind === "transaction" ? `ramp:transaction:${item.rampId}` : ""),
    ).toHaveLength(1);
  });

  it("records an item the ERP gave no outcome for as failed, never as posted", async () => {
    const w = world();
    w.erp.postBatch = async (): Promise<PostOutcome[]> => [];
    const r = await w.syncer().processItems([w.item("transaction", tx()), w.item("transaction", tx())]);
    expect(r.outcomes.map((o) => o.status)).toEqual(["failed", "failed"]);
  });

  it("drops an item whose lease was taken over while it waited for an ERP slot", async () => {
    const w = world({ erpConcurrency: 1, maxBatchSize: 1 });
    const [a, b] = [w.item("transaction", tx()), w.item("transaction", tx())];
    let stolen = false;
    w.erp.crash = async (point) => {
      if (point !== "erp-created" || stolen) return;
      stolen = true;
      w.clock.now += LEASE; // the first write is slow: both claims expire
      const other = w.erp.records[0]?.ref.endsWith(a.rampId) ? b : a;
      await w.store.ledger.claim({
        tenantId: other.tenantId,
        kind: "transaction",
        rampId: other.rampId,
        owner: "thief",
        leaseMs: LEASE,
        fingerprint: "x",
      });
    };
    const r = await w.syncer().processItems([a, b]);
    expect(r.outcomes.map((o) => o.status).sort()).toEqual(["posted", "skipped"]);
    expect(r.outcomes.find((o) => o.status === "skipped")).toEqual({
      status: "skipped",
      reason: "lost-lease",
    });
    expect(w.erp.records).toHaveLength(1);
  });

  it("lets an injected crash through (a dead worker records nothing more)", async () => {
    const w = world();
    const crash = async (point: string) => {
      if (point === "post") throw new InjectedCrash("post");
    };
    await expect(w.syncer("w1", { crash }).processItems([w.item("transaction", tx())])).rejects.toThrow(
      InjectedCrash,
    );
  });
});

describe("the flush after a batch", () => {
  it("reports a Sync Button request at once, and lets poll rows gather", async () => {
    const w = world();
    const r = await w
      .syncer()
      .processItems([w.item("transaction", tx(), { syncRequestId: "req-1" }), w.item("transaction", tx())]);
    const flushed = r.flushes.map((f) => [f.key.syncRequestId, f.calls]);
    expect(flushed).toEqual(
      expect.arrayContaining([
        ["req-1", 1],
        [null, 0],
      ]),
    );
    expect(w.ramp.calls).toHaveLength(1);
  });

  it("flushes the bill, payment and card streams a bill touches, bills first", async () => {
    const w = world();
    const r = await w.syncer().processItems([w.item("bill", billOf())]);
    const types = r.flushes.map((f) => f.key.syncType);
    expect([...types].sort()).toEqual(["BILL_PAYMENT_SYNC", "BILL_SYNC", "TRANSACTION_SYNC"]);
    expect(types.indexOf("BILL_SYNC")).toBeLessThan(types.indexOf("BILL_PAYMENT_SYNC"));
  });

  it("leaves the flush to the caller when flushAfterBatch is off", async () => {
    const w = world();
    const s = w.syncer("w1", { settings: { flushAfterBatch: false } });
    expect((await s.processItems([w.item("transaction", tx(), { syncRequestId: "req-1" })])).flushes).toEqual(
      [],
    );
    expect(
      await s.flush(w.rt, { tenantId: "acme", syncType: "TRANSACTION_SYNC", syncRequestId: "req-1" }),
    ).toMatchObject({ calls: 1 });
  });
});
