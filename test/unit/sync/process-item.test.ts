/**
 * lib/sync/process-item.ts over the in-memory store: every branch of the gate
 * (skip / held / claim / takeover / retry / found complete or incomplete /
 * unreadable objects / cool-down / settled charges / bill phases) and the
 * recording of results.
 */
import { describe, expect, it } from "vitest";
import { transientError, userError } from "../../../lib/erp/port.js";
import { RampObjectInvalidError } from "../../../lib/ramp/invalid.js";
import { finishItem, type Prepared, prepareItem } from "../../../lib/sync/process-item.js";
import { ENTITY_US } from "../mapping-fixtures.js";
import { billOf, LEASE, tx, world } from "./world.js";

const kindOf = (p: Prepared) => p.kind;

describe("prepareItem: before any claim", () => {
  it("skips an object Ramp no longer has, and claims nothing", async () => {
    const w = world();
    const item = { ...w.item("transaction", tx(), { fetch: true }) };
    w.ramp.objects.delete(item.rampId);
    expect(await prepareItem(w.itemDeps(), item)).toEqual({
      kind: "done",
      outcome: { status: "skipped", reason: "not-found" },
    });
    expect(await w.row("transaction", item.rampId)).toBeUndefined();
  });

  it("asks for a redelivery when Ramp cannot be read, and claims nothing", async () => {
    const w = world();
    const item = w.item("transaction", tx(), { fetch: true });
    w.ramp.readErrors.set(item.rampId, new Error("socket hang up"));
    const p = await prepareItem(w.itemDeps(), item);
    expect(p).toMatchObject({ kind: "done", outcome: { status: "retry" } });
    expect(await w.row("transaction", item.rampId)).toBeUndefined();
  });

  it("skips a phase Ramp shows synced (exported elsewhere)", async () => {
    const w = world();
    const p = await prepareItem(w.itemDeps(), w.item("transaction", tx({ syncStatus: "SYNCED" })));
    expect(p).toEqual({ kind: "done", outcome: { status: "skipped", reason: "already-synced" } });
  });

  it("fails an unreadable object once (needs integrator) and holds it while unchanged", async () => {
    const w = world();
    const item = w.item("transaction", tx(), { fetch: true });
    w.ramp.readErrors.set(item.rampId, new RampObjectInvalidError("amount: invalid_type", item.rampId));
    const first = await prepareItem(w.itemDeps(), item);
    expect(first).toMatchObject({
      kind: "done",
      outcome: { status: "failed", category: "needs_integrator", reportable: true },
    });
    expect(await w.row("transaction", item.rampId)).toMatchObject({
      state: "FAILED",
      retryAt: w.clock.now + 6 * 3600_000,
    });
    const again = await prepareItem(w.itemDeps(), { ...item, syncRequestId: "req-1" });
    expect(again).toMatchObject({ kind: "done", outcome: { status: "skipped", reason: "failed-unchanged" } });
  });

  it("leaves an unreadable object on a taken-over row to the next takeover (the old holder may have written)", async () => {
    const w = world();
    const item = w.item("transaction", tx(), { fetch: true });
    await w.store.ledger.claim({
      tenantId: item.tenantId,
      kind: "transaction",
      rampId: item.rampId,
      owner: "dead",
      leaseMs: LEASE,
      fingerprint: "x",
    });
    w.clock.now += LEASE;
    w.ramp.readErrors.set(item.rampId, new RampObjectInvalidError("amount: invalid_type", item.rampId));
    const p = await prepareItem(w.itemDeps(), item);
    expect(p).toMatchObject({ kind: "done", outcome: { status: "retry" } });
    expect(await w.row("transaction", item.rampId)).toMatchObject({
      state: "CLAIMED",
      leaseUntil: w.clock.now,
    });
  });
});

describe("prepareItem: the claim", () => {
  it("posts a fresh claim without looking the reference up", async () => {
    const w = world();
    const p = await prepareItem(w.itemDeps(), w.item("transaction", tx()));
    expect(p).toMatchObject({
      kind: "post",
      posting: { kind: "transaction" },
      claimed: { state: "CLAIMED", leaseOwner: "w1" },
    });
    expect(p.kind === "post" && p.resume).toBeUndefined();
  });

  it("skips a row another worker holds, and attaches a Sync Button request to it", async () => {
    const w = world();
    const item = w.item("transaction", tx());
    await prepareItem(w.itemDeps("w1"), item);
    const p = await prepareItem(w.itemDeps("w2"), { ...item, syncRequestId: "req-9" });
    expect(p).toMatchObject({ kind: "done", outcome: { status: "skipped", reason: "in-flight" } });
    expect(await w.row("transaction", item.rampId)).toMatchObject({
      leaseOwner: "w1",
      syncRequestId: "req-9",
    });
  });

  it("takes over an expired lease: waits the grace, finds a complete record and records it (no second post)", async () => {
    const w = world();
    const item = w.item("transaction", tx());
    const first = await prepareItem(w.itemDeps("w1"), item);
    if (first.kind !== "post") throw new Error("expected a post");
    await w.erp.postBatch([first.posting]); // the holder's write landed, then it died
    w.clock.now += LEASE;
    const before = w.clock.now;
    const p = await prepareItem(w.itemDeps("w2"), item);
    expect(w.clock.now - before).toBe(2_000);
    expect(p).toMatchObject({ kind: "record", erpRef: "R000001", via: "found" });
  });

  it("takes over an incomplete record: finishes it instead of posting anew", async () => {
    const w = world();
    const item = w.item("transaction", tx());
    const first = await prepareItem(w.itemDeps("w1"), item);
    if (first.kind !== "post") throw new Error("expected a post");
    w.erp.crash = async () => {
      throw new Error("killed between create and post");
    };
    await expect(w.erp.postBatch([first.posting])).rejects.toThrow();
    w.erp.crash = undefined;
    w.clock.now += LEASE;
    const p = await prepareItem(w.itemDeps("w2"), item);
    expect(p).toMatchObject({ kind: "post", resume: { state: "draft", erpId: "R000001" } });
    expect(w.logs.some((l) => l.message.startsWith("incomplete ERP record found"))).toBe(true);
  });

  it("retries after a failure: looks first, posts only when nothing is there (no grace wait)", async () => {
    const w = world();
    const item = w.item("transaction", tx());
    const first = await prepareItem(w.itemDeps(), item);
    if (first.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), first.claimed, {
      ok: false,
      error: transientError("TIMEOUT", "ERP timed out"),
    });
    const before = w.clock.now;
    const p = await prepareItem(w.itemDeps(), item);
    expect(w.clock.now).toBe(before);
    expect(p).toMatchObject({ kind: "post", claimed: { attempts: 1 } });
    expect(p.kind === "post" && p.resume).toBeUndefined();
  });

  it("holds a user-actionable failure for the cool-down, retries a changed object at once", async () => {
    const w = world();
    const t = tx();
    const item = w.item("transaction", t);
    const first = await prepareItem(w.itemDeps(), item);
    if (first.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), first.claimed, {
      ok: false,
      error: userError("CLOSED_PERIOD", "Closed", "Reopen it"),
    });
    expect(await prepareItem(w.itemDeps(), item)).toMatchObject({
      kind: "done",
      outcome: { status: "skipped", reason: "failed-unchanged" },
    });
    const changed = w.item("transaction", tx({ ...t, memo: "fixed" }));
    expect(kindOf(await prepareItem(w.itemDeps(), changed))).toBe("post");
  });

  it("records a mapping failure as FAILED after the claim (never left CLAIMED)", async () => {
    const w = world();
    const item = w.item("transaction", tx({ entityId: "entity-nobody-maps" }));
    const p = await prepareItem(w.itemDeps(), item);
    expect(p).toMatchObject({ kind: "done", outcome: { status: "failed" } });
    expect(await w.row("transaction", item.rampId)).toMatchObject({ state: "FAILED" });
  });
});

describe("prepareItem: bills and their payments", () => {
  it("prepares the bill first when a payment arrives before its bill is in the ERP", async () => {
    const w = world();
    const b = billOf({}, { by: "bank" });
    const p = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    expect(p).toMatchObject({ kind: "post", posting: { kind: "bill" }, object: { kind: "bill" } });
  });

  it("turns a payment whose bill is not in the ERP into its bill, skipped while another worker holds it", async () => {
    const w = world();
    const b = billOf({}, { by: "bank" });
    const item = w.item("bill_payment", b);
    await w.store.ledger.claim({
      tenantId: item.tenantId,
      kind: "bill",
      rampId: b.id,
      owner: "other",
      leaseMs: LEASE,
      fingerprint: "f",
    });
    w.ramp.objects.set(b.id, { ...b, syncStatus: "NOT_SYNCED" });
    const paymentOnly = { ...item, snapshot: { ...b, status: "PAID", syncStatus: "NOT_SYNCED" } };
    const p = await prepareItem(w.itemDeps(), paymentOnly);
    expect(p).toMatchObject({ kind: "done", outcome: { status: "skipped", reason: "in-flight" } });
  });

  it("posts the payment once the bill is POSTED, with the bill's ERP id", async () => {
    const w = world();
    const b = billOf({}, { by: "bank" });
    const billItem = w.item("bill", b);
    const bp = await prepareItem(w.itemDeps(), billItem);
    if (bp.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), bp.claimed, { ok: true, erpRef: "INV-7", via: "created" });
    const p = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    expect(p).toMatchObject({ kind: "post", posting: { kind: "bill_payment", billErpId: "INV-7" } });
  });

  it("adopts a bill Ramp shows synced elsewhere and posts its payment against Ramp's ERP id", async () => {
    const w = world();
    const b = billOf({ syncStatus: "BILL_SYNCED", remoteId: "INV-X" }, { by: "bank" });
    const p = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    expect(p).toMatchObject({ kind: "post", posting: { billErpId: "INV-X" } });
    expect(await w.row("bill", b.id)).toMatchObject({
      state: "MARKED",
      syncedElsewhere: true,
      erpRef: "INV-X",
    });
  });

  it("fails the payment of a bill Ramp shows synced without an ERP id (user-actionable, says why)", async () => {
    const w = world();
    const b = billOf({ syncStatus: "BILL_SYNCED", remoteId: null }, { by: "bank" });
    const p = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    expect(p).toMatchObject({ kind: "done", outcome: { status: "failed", category: "user_actionable" } });
    expect(p.kind === "done" && p.outcome.status === "failed" && p.outcome.message).toContain(
      "Bill not found in the ERP",
    );
  });

  it("records a payment marked paid in the ERP with the ERP's payment, else the bill's id", async () => {
    const w = world();
    const b = billOf({ syncStatus: "BILL_SYNCED", remoteId: "INV-P" }, { by: "erp" });
    const p = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    expect(p).toMatchObject({ kind: "record", erpRef: "INV-P", via: "paid-in-erp" });
  });

  it("links the card charges a card-paid bill's payment settles", async () => {
    const w = world();
    const b = billOf(
      { syncStatus: "BILL_SYNCED", remoteId: "INV-C" },
      { by: "card", cardTx: ["tx-a", "tx-b"] },
    );
    await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    expect(await w.store.settlesLinks.get(w.tenant.tenantId, "tx-b")).toMatchObject({ billId: b.id });
  });
});

describe("prepareItem: card charges settled by a bill's payment", () => {
  const settled = async () => {
    const w = world();
    const charge = tx({ entityId: ENTITY_US });
    const b = billOf({ syncStatus: "BILL_SYNCED", remoteId: "INV-C" }, { by: "card", cardTx: [charge.id] });
    await w.store.settlesLinks.link(w.tenant.tenantId, b.id, [charge.id]);
    return { w, b, item: w.item("transaction", charge) };
  };

  it("holds the charge while the payment can still post by itself (nothing claimed; the hold and its reason recorded)", async () => {
    const { w, item } = await settled();
    const p = await prepareItem(w.itemDeps(), item);
    expect(p).toMatchObject({ kind: "done", outcome: { status: "held" } });
    expect(await w.row("transaction", item.rampId)).toMatchObject({
      state: "HELD",
      heldReason: expect.stringMatching(/^paid a card-paid bill \(.+\) whose payment is not posted yet$/),
    });
    expect((await w.row("transaction", item.rampId))?.leaseOwner).toBeUndefined();
  });

  it("records the charge with the payment's ERP id once the payment is POSTED (posts nothing)", async () => {
    const { w, b, item } = await settled();
    const pay = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    if (pay.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), pay.claimed, { ok: true, erpRef: "PAY-1", via: "created" });
    expect(await prepareItem(w.itemDeps(), item)).toMatchObject({
      kind: "record",
      erpRef: "PAY-1",
      via: "settled",
    });
  });

  it("fails the charge (once per failure of the payment) when the payment failed in a way a person must fix", async () => {
    const { w, b, item } = await settled();
    const pay = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    if (pay.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), pay.claimed, {
      ok: false,
      error: userError("CLOSED_PERIOD", "Closed", "Reopen"),
    });
    const p = await prepareItem(w.itemDeps(), item);
    expect(p).toMatchObject({ kind: "done", outcome: { status: "failed", category: "user_actionable" } });
    expect(p.kind === "done" && p.outcome.status === "failed" && p.outcome.message).toContain(
      "Card payment of bill",
    );
    expect(await prepareItem(w.itemDeps(), item)).toMatchObject({
      kind: "done",
      outcome: { status: "skipped" },
    });
  });

  it("keeps holding the charge while the payment's failure is transient (it retries by itself)", async () => {
    const { w, b, item } = await settled();
    const pay = await prepareItem(w.itemDeps(), w.item("bill_payment", b));
    if (pay.kind !== "post") throw new Error("expected a post");
    await finishItem(w.itemDeps(), pay.claimed, { ok: false, error: transientError("TIMEOUT", "slow") });
    expect(await prepareItem(w.itemDeps(), item)).toMatchObject({
      kind: "done",
      outcome: { status: "held" },
    });
  });
});

describe("finishItem", () => {
  it("records POSTED and counts it by how the id was obtained", async () => {
    const w = world();
    const p = await prepareItem(w.itemDeps(), w.item("transaction", tx()));
    if (p.kind !== "post") throw new Error("expected a post");
    const o = await finishItem(w.itemDeps(), p.claimed, { ok: true, erpRef: "E1", via: "created" });
    expect(o).toEqual({ status: "posted", erpRef: "E1", via: "created" });
    expect(w.metrics.total("SyncPosted", { via: "created" })).toBe(1);
  });

  it("reports a lost lease (someone took over) instead of recording", async () => {
    const w = world();
    const item = w.item("transaction", tx());
    const p = await prepareItem(w.itemDeps("w1"), item);
    if (p.kind !== "post") throw new Error("expected a post");
    w.clock.now += LEASE;
    await prepareItem(w.itemDeps("w2"), item);
    expect(await finishItem(w.itemDeps("w1"), p.claimed, { ok: true, erpRef: "E1", via: "created" })).toEqual(
      {
        status: "skipped",
        reason: "lost-lease",
      },
    );
    expect(await finishItem(w.itemDeps("w1"), p.claimed, { ok: false, error: new Error("x") })).toEqual({
      status: "skipped",
      reason: "lost-lease",
    });
  });

  it("makes a transient failure reportable only from the N-th attempt", async () => {
    const w = world();
    const item = w.item("transaction", tx());
    const reportable: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await prepareItem(w.itemDeps(), item);
      if (p.kind !== "post") throw new Error("expected a post");
      const o = await finishItem(w.itemDeps(), p.claimed, {
        ok: false,
        error: transientError("UNAVAILABLE", "down"),
      });
      reportable.push(o.status === "failed" && o.reportable);
    }
    expect(reportable).toEqual([false, false, true]);
  });
});
