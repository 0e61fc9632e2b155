/**
 * The exactly-once protocol's ledger over DynamoDB Local: claims race on real
 * conditional writes, leases expire on an injected clock (no sleeping), and
 * report intents survive a simulated crash.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createLedger } from "../../lib/store/ledger.js";
import { idempotencyKeyOf } from "../../lib/store/report-content.js";
import { createReportIntents } from "../../lib/store/report-intents.js";
import { createReportLock } from "../../lib/store/report-lock.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";

const T = "acme";
const LEASE = 60_000;
const FAILURE = { transientAttemptsBeforeReport: 3, coolDownMs: 3_600_000 };

let deps: Awaited<ReturnType<typeof freshTable>>;
let now = Date.UTC(2026, 2, 1, 12);
const clock = () => now;

beforeAll(async () => {
  deps = await freshTable("ledger");
});

const ledger = () => createLedger({ doc: deps.doc, tableName: deps.tableName, clock });
const intents = () => createReportIntents({ doc: deps.doc, tableName: deps.tableName, clock });

let seq = 0;
const newId = () => `obj-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

async function postedRow(
  rampId: string,
  kind: "transaction" | "bill" | "bill_payment" = "transaction",
  req?: string,
) {
  const l = ledger();
  const c = await l.claim({
    tenantId: T,
    kind,
    rampId,
    owner: "w",
    leaseMs: LEASE,
    fingerprint: "f1",
    syncRequestId: req ?? null,
  });
  expect(c.outcome).toBe("claimed");
  const p = await l.recordPosted(T, kind, rampId, "w", `erp-${rampId}`);
  expect(p.ok).toBe(true);
}

describe("claim", () => {
  it("two workers racing for one object: exactly one claims it", async () => {
    const rampId = newId();
    const l = ledger();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        l.claim({
          tenantId: T,
          kind: "transaction",
          rampId,
          owner: `worker-${i}`,
          leaseMs: LEASE,
          fingerprint: "f1",
        }),
      ),
    );
    const winners = results.filter((r) => r.outcome === "claimed");
    expect(winners).toHaveLength(1);
    expect(
      results
        .filter((r) => r.outcome === "skip")
        .every((r) => r.outcome === "skip" && r.reason === "in-flight"),
    ).toBe(true);
    const stored = await l.get(T, "transaction", rampId);
    expect(stored?.state).toBe("CLAIMED");
    expect(stored?.leaseOwner).toBe(winners[0]?.item.leaseOwner);
  });

  it("an expired lease is taken over, and the old holder can no longer record", async () => {
    const rampId = newId();
    const l = ledger();
    await l.claim({ tenantId: T, kind: "bill", rampId, owner: "a", leaseMs: LEASE, fingerprint: "f1" });
    const early = await l.claim({
      tenantId: T,
      kind: "bill",
      rampId,
      owner: "b",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    expect(early).toMatchObject({ outcome: "skip", reason: "in-flight" });

    now += LEASE; // leaseUntil reached: expired
    const late = await l.claim({
      tenantId: T,
      kind: "bill",
      rampId,
      owner: "b",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    expect(late).toMatchObject({ outcome: "takeover", previousOwner: "a", item: { leaseOwner: "b" } });

    expect(await l.recordPosted(T, "bill", rampId, "a", "erp-a")).toMatchObject({
      ok: false,
      reason: "lost-lease",
    });
    expect(await l.renewLease(T, "bill", rampId, "a", LEASE)).toMatchObject({
      ok: false,
      reason: "lost-lease",
    });
    const b = await l.recordPosted(T, "bill", rampId, "b", "erp-b");
    expect(b).toMatchObject({ ok: true, item: { state: "POSTED", erpRef: "erp-b" } });
    expect(b.ok && b.item.leaseOwner).toBeUndefined();
  });

  it("a renewed lease is not taken over at the old expiry", async () => {
    const rampId = newId();
    const l = ledger();
    await l.claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "a",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    now += LEASE / 2;
    expect((await l.renewLease(T, "transaction", rampId, "a", LEASE)).ok).toBe(true);
    now += LEASE / 2 + 1;
    const other = await l.claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "b",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    expect(other).toMatchObject({ outcome: "skip", reason: "in-flight" });
  });

  it("skips POSTED and MARKED rows", async () => {
    const rampId = newId();
    await postedRow(rampId);
    const again = await ledger().claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "x",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    expect(again).toMatchObject({ outcome: "skip", reason: "posted" });
  });

  it("a user-actionable failure is claimable again only once the object changed or the cool-down passed", async () => {
    const rampId = newId();
    const l = ledger();
    await l.claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "a",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    const f = await l.recordFailed(T, "transaction", rampId, "a", {
      ...FAILURE,
      category: "user_actionable",
      message: "Accounting period closed. Reopen March 2026 in Tryton and retry.",
    });
    expect(f).toMatchObject({
      ok: true,
      item: { state: "FAILED", attempts: 1, reportable: true, told: false },
    });

    const same = await l.claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "b",
      leaseMs: LEASE,
      fingerprint: "f1",
    });
    expect(same).toMatchObject({ outcome: "skip", reason: "failed-unchanged" });
    const changed = await l.claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "b",
      leaseMs: LEASE,
      fingerprint: "f2",
    });
    expect(changed).toMatchObject({
      outcome: "retry",
      item: { state: "CLAIMED", attempts: 0, fingerprint: "f2" },
    });

    await l.recordFailed(T, "transaction", rampId, "b", {
      ...FAILURE,
      category: "user_actionable",
      message: "still closed",
    });
    now += FAILURE.coolDownMs;
    const afterCoolDown = await l.claim({
      tenantId: T,
      kind: "transaction",
      rampId,
      owner: "c",
      leaseMs: LEASE,
      fingerprint: "f2",
    });
    expect(afterCoolDown).toMatchObject({ outcome: "retry", item: { attempts: 1 } });
  });

  it("transient failures become reportable only at the N-th attempt", async () => {
    const rampId = newId();
    const l = ledger();
    const reportableAfter: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      await l.claim({
        tenantId: T,
        kind: "transfer",
        rampId,
        owner: `w${i}`,
        leaseMs: LEASE,
        fingerprint: "f1",
      });
      const r = await l.recordFailed(T, "transfer", rampId, `w${i}`, {
        ...FAILURE,
        category: "transient",
        message: "ERP unavailable",
      });
      reportableAfter.push(r.ok && r.item.reportable === true);
    }
    expect(reportableAfter).toEqual([false, false, true]);
    const listed = await l.listReportable({
      tenantId: T,
      syncType: "TRANSFER_SYNC",
      syncRequestId: null,
      limit: 50,
    });
    expect(listed.items.map((i) => i.rampId)).toContain(rampId);
  });
});

describe("sync requests and reportable rows", () => {
  it("a button request attaches to a POSTED row and the row is listed under that request only", async () => {
    const rampId = newId();
    await postedRow(rampId, "transaction");
    const l = ledger();
    const before = await l.listReportable({
      tenantId: T,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    expect(before.items.map((i) => i.rampId)).toContain(rampId);

    expect(await l.attachSyncRequest(T, "transaction", rampId, "req-1")).toMatchObject({ attached: true });
    const byReq = await l.listReportable({
      tenantId: T,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: "req-1",
      limit: 100,
    });
    expect(byReq.items.map((i) => i.rampId)).toEqual([rampId]);
    const noReq = await l.listReportable({
      tenantId: T,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    expect(noReq.items.map((i) => i.rampId)).not.toContain(rampId);
  });

  it("cannot attach to a MARKED row or a missing one", async () => {
    const l = ledger();
    expect(await l.attachSyncRequest(T, "transaction", newId(), "req-x")).toMatchObject({
      attached: false,
      reason: "not-found",
    });
    const t = `marked-${newId()}`;
    const rampId = newId();
    await l.claim({ tenantId: t, kind: "transaction", rampId, owner: "w", leaseMs: LEASE, fingerprint: "f" });
    await l.recordPosted(t, "transaction", rampId, "w", "erp");
    const rows = await l.listReportable({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 10,
    });
    const ri = intents();
    await ri.closeIntent(
      (await ri.writeIntent({
        tenantId: t,
        syncType: "TRANSACTION_SYNC",
        syncRequestId: null,
        items: rows.items,
      }))!,
    );
    expect(await l.attachSyncRequest(t, "transaction", rampId, "req-x")).toMatchObject({
      attached: false,
      reason: "not-attachable",
      item: { state: "MARKED" },
    });
    expect(
      await l.claim({
        tenantId: t,
        kind: "transaction",
        rampId,
        owner: "z",
        leaseMs: LEASE,
        fingerprint: "f2",
      }),
    ).toMatchObject({
      outcome: "skip",
      reason: "marked",
    });
  });

  it("a bill_payment is held until its bill is MARKED", async () => {
    const billId = newId();
    await postedRow(billId, "bill");
    await postedRow(billId, "bill_payment");
    const l = ledger();
    const held = await l.listReportable({
      tenantId: T,
      syncType: "BILL_PAYMENT_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    expect(held.items.map((i) => i.rampId)).not.toContain(billId);
    expect(held.heldForBill).toContain(billId);

    const ri = intents();
    const bills = await l.listReportable({
      tenantId: T,
      syncType: "BILL_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    const intent = await ri.writeIntent({
      tenantId: T,
      syncType: "BILL_SYNC",
      syncRequestId: null,
      items: bills.items,
    });
    expect(intent).not.toBeNull();
    await ri.closeIntent(intent!);
    expect((await l.get(T, "bill", billId))?.state).toBe("MARKED");

    const released = await l.listReportable({
      tenantId: T,
      syncType: "BILL_PAYMENT_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    expect(released.items.map((i) => i.rampId)).toContain(billId);
  });
});

describe("report intents", () => {
  it("an intent written before a crash is found and replayed with the same idempotency key, then closed", async () => {
    const t = `crash-${newId()}`;
    const l = ledger();
    const ids = [newId(), newId(), newId()];
    for (const id of ids) {
      await l.claim({
        tenantId: t,
        kind: "reimbursement",
        rampId: id,
        owner: "w",
        leaseMs: LEASE,
        fingerprint: "f",
      });
    }
    await l.recordPosted(t, "reimbursement", ids[0]!, "w", "erp-0");
    await l.recordPosted(t, "reimbursement", ids[1]!, "w", "erp-1");
    await l.recordFailed(t, "reimbursement", ids[2]!, "w", {
      ...FAILURE,
      category: "needs_integrator",
      message: "Unexpected",
    });

    const rows = await l.listReportable({
      tenantId: t,
      syncType: "REIMBURSEMENT_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    expect(rows.items).toHaveLength(3);
    const written = await intents().writeIntent({
      tenantId: t,
      syncType: "REIMBURSEMENT_SYNC",
      syncRequestId: null,
      items: rows.items,
      describeFailure: (i) => `${i.message}. Contact support@example.com, ref ${i.rampId}`,
    });
    expect(written).not.toBeNull();
    for (const id of ids) expect((await l.get(t, "reimbursement", id))?.state).toBe("REPORTING");
    // "crash": the process is gone; a new one (new repository objects) recovers.
    const [found, ...rest] = await intents().findOpenIntents(t);
    expect(rest).toHaveLength(0);
    expect(found?.idempotencyKey).toBe(written!.idempotencyKey);
    expect(found?.idempotencyKey).toBe(idempotencyKeyOf(t, "REIMBURSEMENT_SYNC", null, found!.outcomes));
    expect(found?.outcomes).toEqual(written!.outcomes);
    expect(found?.outcomes.find((o) => o.rampId === ids[2])).toMatchObject({
      result: "failed",
      category: "needs_integrator",
      message: `Unexpected. Contact support@example.com, ref ${ids[2]}`,
    });
    // Rows in a report are not claimable and not listed again.
    expect(
      await l.claim({
        tenantId: t,
        kind: "reimbursement",
        rampId: ids[0]!,
        owner: "z",
        leaseMs: LEASE,
        fingerprint: "f",
      }),
    ).toMatchObject({ outcome: "skip", reason: "reporting" });
    const again = await l.listReportable({
      tenantId: t,
      syncType: "REIMBURSEMENT_SYNC",
      syncRequestId: null,
      limit: 100,
    });
    expect(again.items).toHaveLength(0);

    const summary = await intents().closeIntent(found!);
    expect(summary).toMatchObject({ marked: 2, failedTold: 1, alreadyClosed: 0 });
    expect((await l.get(t, "reimbursement", ids[0]!))?.state).toBe("MARKED");
    expect(await l.get(t, "reimbursement", ids[2]!)).toMatchObject({ state: "FAILED", told: true });
    expect(await intents().findOpenIntents(t)).toHaveLength(0);
    // Closing again (a crash after the rows moved but before the delete) is harmless.
    expect(await intents().closeIntent(found!)).toMatchObject({ marked: 0, alreadyClosed: 3 });
  });

  it("a crash mid-write leaves a PREPARING intent that recovery completes with the key of exactly the flipped rows", async () => {
    const t = `prep-${newId()}`;
    const l = ledger();
    const ids = Array.from({ length: 150 }, () => newId());
    for (const id of ids) {
      await l.claim({
        tenantId: t,
        kind: "cashback",
        rampId: id,
        owner: "w",
        leaseMs: LEASE,
        fingerprint: "f",
      });
      await l.recordPosted(t, "cashback", id, "w", `erp-${id}`);
    }
    const rows = await l.listReportable({
      tenantId: t,
      syncType: "STATEMENT_CREDIT_SYNC",
      syncRequestId: null,
      limit: 1000,
    });
    expect(rows.items).toHaveLength(150);
    // Simulate the crash: the client dies after the first chunk's transaction.
    // A second client on the same wire whose second transaction never happens.
    const crashing = createDocumentClient({ ...LOCAL_AWS, endpoint: deps.endpoint });
    let transactions = 0;
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "TransactWriteItemsCommand" && ++transactions > 1)
          throw new Error("lambda died");
        return next(args);
      },
      { step: "initialize" },
    );
    const dying = createReportIntents({ doc: crashing, tableName: deps.tableName, clock });
    await expect(
      dying.writeIntent({
        tenantId: t,
        syncType: "STATEMENT_CREDIT_SYNC",
        syncRequestId: null,
        items: rows.items,
      }),
    ).rejects.toThrow("lambda died");

    const [recovered] = await intents().findOpenIntents(t);
    expect(recovered?.outcomes).toHaveLength(99);
    const flipped = new Set(recovered!.outcomes.map((o) => o.rampId));
    for (const id of ids) {
      expect((await l.get(t, "cashback", id))?.state).toBe(flipped.has(id) ? "REPORTING" : "POSTED");
    }
    expect(recovered?.idempotencyKey).toBe(
      idempotencyKeyOf(t, "STATEMENT_CREDIT_SYNC", null, recovered!.outcomes),
    );
    // Found twice → same key.
    const [second] = await intents().findOpenIntents(t);
    expect(second?.idempotencyKey).toBe(recovered?.idempotencyKey);
  });

  it("rows that moved on since listing are left out of the intent", async () => {
    const t = `moved-${newId()}`;
    const l = ledger();
    const [a, b] = [newId(), newId()];
    for (const id of [a, b]) {
      await l.claim({
        tenantId: t,
        kind: "transaction",
        rampId: id,
        owner: "w",
        leaseMs: LEASE,
        fingerprint: "f",
      });
      await l.recordPosted(t, "transaction", id, "w", `erp-${id}`);
    }
    const rows = await l.listReportable({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 10,
    });
    await l.attachSyncRequest(t, "transaction", b, "req-9"); // b now belongs to a button report
    const intent = await intents().writeIntent({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      items: rows.items,
    });
    expect(intent?.outcomes.map((o) => o.rampId)).toEqual([a]);
    // Handing a row to the wrong request's report is a programming error, not a race.
    const moved = await l.get(t, "transaction", b);
    await expect(
      intents().writeIntent({
        tenantId: t,
        syncType: "TRANSACTION_SYNC",
        syncRequestId: null,
        items: [moved!],
      }),
    ).rejects.toThrow(/does not belong/);
    expect(
      await intents().writeIntent({
        tenantId: t,
        syncType: "TRANSACTION_SYNC",
        syncRequestId: null,
        items: [],
      }),
    ).toBeNull();
    expect((await l.get(t, "transaction", b))?.state).toBe("POSTED");
  });

  it("a 422 split: already-synced rows are marked synced elsewhere, the rest go back to be re-reported", async () => {
    const t = `split-${newId()}`;
    const l = ledger();
    const [a, b] = [newId(), newId()];
    for (const id of [a, b]) {
      await l.claim({
        tenantId: t,
        kind: "transaction",
        rampId: id,
        owner: "w",
        leaseMs: LEASE,
        fingerprint: "f",
      });
      await l.recordPosted(t, "transaction", id, "w", `erp-${id}`);
    }
    const rows = await l.listReportable({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 10,
    });
    const intent = await intents().writeIntent({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      items: rows.items,
    });
    const summary = await intents().closeIntent(intent!, { syncedElsewhere: [a], reReport: [b] });
    expect(summary).toMatchObject({ syncedElsewhere: 1, reReported: 1 });
    expect(await l.get(t, "transaction", a)).toMatchObject({ state: "MARKED", syncedElsewhere: true });
    const back = await l.listReportable({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 10,
    });
    expect(back.items.map((i) => i.rampId)).toEqual([b]);
    expect(back.items[0]?.reportId).toBeUndefined();
  });
});

describe("report lock", () => {
  it("one holder per tenant × sync type × request; expired locks are taken over", async () => {
    const lock = createReportLock({ doc: deps.doc, tableName: deps.tableName, clock });
    const k = { tenantId: T, syncType: "TRANSACTION_SYNC", syncRequestId: "req-L" };
    const [x, y] = await Promise.all([lock.acquire(k, "x", 30_000), lock.acquire(k, "y", 30_000)]);
    expect([x.held, y.held].filter(Boolean)).toHaveLength(1);
    const holder = x.held ? "x" : "y";
    const other = x.held ? "y" : "x";
    expect((await lock.acquire({ ...k, syncRequestId: null }, other, 30_000)).held).toBe(true);
    expect((await lock.renew(k, other, 30_000)).held).toBe(false);
    expect(await lock.release(k, other)).toBe(false);
    now += 30_000;
    expect((await lock.acquire(k, other, 30_000)).held).toBe(true);
    expect((await lock.renew(k, holder, 30_000)).held).toBe(false);
    expect(await lock.release(k, other)).toBe(true);
    expect((await lock.acquire(k, holder, 30_000)).held).toBe(true);
  });
});
