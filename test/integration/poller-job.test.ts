/**
 * The poll job end to end over real wires: the Ramp sandbox over HTTP (2
 * entities, every kind seeded), DynamoDB Local for the ledger, cursors and
 * settles-links, fauxqs for the work, priority and poll-jobs queues.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureConnection } from "../../lib/connection/index.js";
import { runButtonJob } from "../../lib/poll/button-job.js";
import {
  type ButtonDeadlineJob,
  buttonJob,
  parsePollJob,
  pollJob,
  type WalkJob,
} from "../../lib/poll/job.js";
import { type PollJobDeps, runPollJob } from "../../lib/poll/run-job.js";
import { snapshotFingerprint } from "../../lib/poll/work.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import type { WorkMessage } from "../../lib/sync/work-message.js";
import {
  type Expected,
  keyOf,
  type PollerWorld,
  pollerWorld,
  readyInSandbox,
  sortedKeys,
} from "./poller-support.js";

let w: PollerWorld;
beforeEach(async () => {
  w = await pollerWorld();
});
afterEach(() => w.close());

const first = () => pollJob(w.tenant.tenantId, Date.now());

describe("poll job", () => {
  it("enqueues every ready object of every enabled kind exactly once, with its snapshot, scoped by entity", async () => {
    const expected = await readyInSandbox(w);
    const kinds = new Set(expected.map((e) => e.kind));
    // The seed covers every kind and both entities (otherwise this test would prove less than it says).
    expect([...kinds].sort()).toEqual(
      [
        "bill",
        "bill_payment",
        "cashback",
        "reimbursement",
        "transaction",
        "transfer",
        "vendor_credit",
      ].sort(),
    );
    expect(new Set(expected.map((e) => e.entityId)).size).toBe(2);

    const result = await runPollJob(w.deps(), w.tenant, first());
    expect(result.status).toBe("done");
    const got = await w.drainWork();
    expect(sortedKeys(got)).toEqual(sortedKeys(expected));
    expect(new Set(got.map(keyOf)).size).toBe(got.length); // no duplicates
    const byKey = new Map<string, Expected>(expected.map((e) => [keyOf(e), e]));
    for (const m of got) {
      expect(m).toMatchObject({ v: 1, tenantId: "t-poll", source: "poll" });
      expect(m.entityId).toBe(byKey.get(keyOf(m))?.entityId);
      expect(m.snapshot?.id).toBe(m.rampId);
      expect((m.snapshot as { entityId?: string }).entityId).toBe(m.entityId);
    }
    // A bill_payment never travels without its snapshot telling the syncer the bill is paid.
    for (const m of got.filter((x) => x.kind === "bill_payment")) {
      expect((m.snapshot as unknown as RampBill).status).toBe("PAID");
    }
    expect(result.enqueued).toBe(expected.length);

    // The backlog metric: once per walk, per kind, equal to what is ready.
    expect(w.backlogs).toHaveLength(1);
    const count = (k: string) => expected.filter((e) => e.kind === k).length;
    expect(w.backlogs[0]).toEqual({
      tenantId: "t-poll",
      backlog: {
        bill: count("bill"),
        bill_payment: count("bill_payment"),
        transaction: count("transaction"),
        reimbursement: count("reimbursement"),
        transfer: count("transfer"),
        cashback: count("cashback"),
        vendor_credit: count("vendor_credit"),
      },
    });
    // Every listing's cursor ends finished.
    for (const entityId of w.entityIds) {
      const c = await w.store.pollCursors.get({ tenantId: "t-poll", entityId, kind: "transaction" });
      expect(c).toMatchObject({ next: null });
      expect(c?.lastCompletedAt).toBeTypeOf("number");
    }
  });

  it("reads each page's ledger rows in one batched read, never one object at a time", async () => {
    const ledger = w.store.ledger;
    const batches: number[] = [];
    const singleReads: unknown[] = [];
    const getMany: typeof ledger.getMany = (tenantId, keys) => {
      batches.push(keys.length);
      return ledger.getMany(tenantId, keys);
    };
    const get: typeof ledger.get = (...args) => {
      singleReads.push(args);
      return ledger.get(...args);
    };
    const countingStore = { ...w.store, ledger: { ...ledger, getMany, get } };
    const result = await runPollJob(w.deps({ store: countingStore, pageSize: 7 }), w.tenant, first());
    expect(singleReads).toHaveLength(0);
    expect(batches).toHaveLength(result.pages);
    // Every listed object is looked up (payments also look at their bill's row).
    expect(batches.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(result.enqueued + result.skipped);
  });

  it("a second poll enqueues nothing the ledger shows in flight or done, and re-enqueues failures per the rules", async () => {
    await runPollJob(w.deps(), w.tenant, first());
    const firstRun = await w.drainWork();
    const byKind = (k: string) => firstRun.filter((m) => m.kind === k);
    const claim = (m: WorkMessage, leaseMs = 120_000) =>
      w.store.ledger.claim({
        tenantId: m.tenantId,
        kind: m.kind,
        rampId: m.rampId,
        owner: "worker-1",
        leaseMs,
        fingerprint: snapshotFingerprint(m.snapshot as never),
      });
    const [t0, t1, t2, t3, t4] = byKind("transaction");
    if (!t0 || !t1 || !t2 || !t3 || !t4) throw new Error("seed too small");
    await claim(t0); // in flight
    await claim(t1);
    await w.store.ledger.recordPosted("t-poll", "transaction", t1.rampId, "worker-1", "erp-1"); // posted
    await claim(t2);
    const fail = (m: WorkMessage, category: "user_actionable" | "transient", message: string) =>
      w.store.ledger.recordFailed("t-poll", "transaction", m.rampId, "worker-1", {
        category,
        message,
        transientAttemptsBeforeReport: 3,
        coolDownMs: 3_600_000,
      });
    await fail(t2, "user_actionable", "Closed period"); // user-actionable, unchanged, cooling down: not due
    await claim(t3);
    await fail(t3, "transient", "ERP unavailable"); // transient: retried on the next cycle
    await claim(t4, -1); // a lease that already expired: the worker died
    // Everything else the first poll sent is in flight too.
    const held = new Set([t0, t1, t2, t3, t4].map(keyOf));
    for (const m of firstRun) if (!held.has(keyOf(m))) await claim(m);

    const again = await runPollJob(w.deps(), w.tenant, first());
    const second = await w.drainWork();
    expect(sortedKeys(second)).toEqual(sortedKeys([t3, t4]));
    expect(again.skipped).toBe(firstRun.length - 2);
  });

  it("records settles-links for a card-paid bill's transactions before any transaction is listed", async () => {
    // Pay one open bill by card in the sandbox (what a user does in Ramp): it creates the paying card transaction.
    let open: RampBill | undefined;
    for await (const b of w.r.client.listBills({ paymentStatus: "OPEN", syncReady: true })) open ??= b;
    if (!open) throw new Error("seed has no open ready bill");
    const paid = await w.r.control<{ card_transaction_id: string }>("POST", `/bills/${open.id}/pay`, {
      method: "CARD",
    });
    expect(paid.card_transaction_id).toBeTruthy();
    const calls: string[] = [];
    const http = w.r.client.http;
    const recordingHttp = {
      ...http,
      request: ((spec: { path: string }) => {
        calls.push(`GET ${spec.path.split("?")[0]}`);
        return http.request(spec as never);
      }) as typeof http.request,
    };
    const links = w.store.settlesLinks;
    const recordingStore = {
      ...w.store,
      settlesLinks: {
        ...links,
        link: (tenantId: string, billId: string, ids: readonly string[]) => {
          calls.push(`LINK ${billId}`);
          return links.link(tenantId, billId, ids);
        },
      },
    };
    const deps: PollJobDeps = w.deps({ ramp: { ...w.r.client, http: recordingHttp }, store: recordingStore });
    await runPollJob(deps, w.tenant, first());

    const cardPaid: RampBill[] = [];
    for await (const b of w.r.client.listBills({ syncReady: true }))
      if (settlingTransactionIds(b).length) cardPaid.push(b);
    expect(cardPaid.map((b) => b.id)).toContain(open.id);
    expect(settlingTransactionIds(cardPaid.find((b) => b.id === open.id) as RampBill)).toContain(
      paid.card_transaction_id,
    );
    for (const b of cardPaid) {
      for (const txId of settlingTransactionIds(b)) {
        expect(await w.store.settlesLinks.get("t-poll", txId)).toMatchObject({
          transactionId: txId,
          billId: b.id,
        });
      }
    }
    const firstTxnList = calls.indexOf("GET /developer/v1/transactions");
    expect(firstTxnList).toBeGreaterThan(0);
    const lastBillWork = Math.max(
      calls.lastIndexOf("GET /developer/v1/bills"),
      ...cardPaid.map((b) => calls.indexOf(`LINK ${b.id}`)),
    );
    expect(lastBillWork).toBeLessThan(firstTxnList);
    // The card transactions themselves still go to the syncer (it holds them until the payment is posted).
    const got = await w.drainWork();
    const cardTxns = cardPaid.flatMap((b) => settlingTransactionIds(b));
    const readyTxns = new Set(got.filter((m) => m.kind === "transaction").map((m) => m.rampId));
    for (const id of cardTxns) {
      const { sync } = await w.r.control<{ sync: { status: string } }>("GET", `/objects/${id}`);
      if (sync.status === "SYNC_READY") expect(readyTxns.has(id)).toBe(true);
    }
  });

  it("a forced early stop resumes from the cursor with no duplicates and no gaps", async () => {
    const expected = await readyInSandbox(w);
    // Each invocation may read two pages of four before its "remaining time" drops under the reserve.
    const invocation = () => {
      let calls = 0;
      return () => (calls++ < 1 ? 900_000 : 1_000);
    };
    let job: WalkJob = first();
    let invocations = 0;
    let pages = 0;
    for (;;) {
      invocations++;
      const r = await runPollJob(w.deps({ timeLeftMs: invocation(), pageSize: 4 }), w.tenant, job);
      pages += r.pages;
      if (r.status === "done") break;
      // The continuation travels through the real poll-jobs queue, as it would in AWS.
      const bodies = await w.drain(w.queues.jobs);
      expect(bodies).toHaveLength(1);
      const parsed = parsePollJob(bodies[0] as string);
      if (!parsed.ok) throw new Error(parsed.error);
      if (parsed.job.type === "button-deadline") throw new Error("a poll continues as a poll");
      job = parsed.job;
      expect(job.continuation?.hops).toBe(invocations);
      if (invocations > 200) throw new Error("poll never finished");
    }
    expect(invocations).toBeGreaterThan(5);
    // Two pages per invocation (the last may need only one): the budget, not luck, decided each stop.
    expect(pages).toBeGreaterThanOrEqual(invocations * 2 - 1);
    expect(pages).toBeLessThanOrEqual(invocations * 2);
    const got = await w.drainWork();
    expect(sortedKeys(got)).toEqual(sortedKeys(expected));
    expect(new Set(got.map(keyOf)).size).toBe(got.length);
    // The backlog survives the hops and is emitted once, at the end.
    expect(w.backlogs).toHaveLength(1);
    expect(w.backlogs[0]?.backlog.transaction).toBe(expected.filter((e) => e.kind === "transaction").length);
  });

  it("records how each scheduled invocation ended (continued, done with the backlog, failed with why) for ops status", async () => {
    const clockAt = (t: number) => () => t;
    const stopEarly = () => {
      let calls = 0;
      return () => (calls++ < 1 ? 900_000 : 1_000);
    };
    const r1 = await runPollJob(
      w.deps({ timeLeftMs: stopEarly(), pageSize: 4, clock: clockAt(1_000) }),
      w.tenant,
      first(),
    );
    expect(r1.status).toBe("continued");
    expect(await w.store.pollRuns.get("t-poll")).toEqual({
      last: { at: 1_000, outcome: "continued", pages: r1.pages, enqueued: r1.enqueued, backlog: r1.backlog },
    });
    await w.drain(w.queues.jobs);
    const r2 = await runPollJob(w.deps({ clock: clockAt(2_000) }), w.tenant, first());
    expect(r2.status).toBe("done");
    const emitted = w.backlogs.at(-1)?.backlog;
    expect(await w.store.pollRuns.get("t-poll")).toEqual({
      last: { at: 2_000, outcome: "done", pages: r2.pages, enqueued: r2.enqueued, backlog: emitted },
      lastDone: { at: 2_000, backlog: emitted },
    });
    const down = {
      ...w.deps().ramp,
      // biome-ignore lint/correctness/useYield: a listing that fails before its first entity
      listEntities: async function* () {
        throw new Error("Ramp is down\n    at somewhere");
      },
    };
    await expect(
      runPollJob(w.deps({ ramp: down, clock: clockAt(3_000) }), w.tenant, first()),
    ).rejects.toThrow(/Ramp is down/);
    expect(await w.store.pollRuns.get("t-poll")).toEqual({
      last: {
        at: 3_000,
        outcome: "failed",
        pages: 0,
        enqueued: 0,
        backlog: {},
        error: "Error: Ramp is down",
      },
      lastDone: { at: 2_000, backlog: emitted },
    });
    // A Sync Button walk is not the scheduled poll: it records nothing.
    await runPollJob(
      { ...w.deps({ clock: clockAt(4_000) }), recordButtonRows: async () => {} },
      w.tenant,
      buttonJob({ tenantId: "t-poll", kind: "transaction", syncRequestId: "req-1" }, 4_000),
    );
    expect((await w.store.pollRuns.get("t-poll"))?.last.at).toBe(3_000);
  });

  it("a snapshot over the size limit travels id-only", async () => {
    const entityId = w.entityIds[0] as string;
    const big = await w.r.control<{ id: string }>("POST", "/vendor-credits", {
      entity_id: entityId,
      amount_minor: 5_000,
      memo: "m".repeat(210 * 1024),
    });
    await runPollJob(w.deps(), w.tenant, first());
    const got = await w.drainWork();
    const credit = got.find((m) => m.rampId === big.id);
    expect(credit).toMatchObject({ kind: "vendor_credit", rampId: big.id, entityId, source: "poll" });
    expect(credit?.snapshot).toBeUndefined();
    const others = got.filter((m) => m.rampId !== big.id);
    expect(others.length).toBeGreaterThan(0);
    for (const m of others) expect(m.snapshot?.id).toBe(m.rampId);
  });

  it("a Sync Button job lists requested_to_sync and enqueues onto the priority queue with the request id", async () => {
    await ensureConnection(w.r.client, {
      remoteProviderName: "Journal",
      settings: {
        transaction_sync_button_enabled: true,
        reimbursement_sync_button_enabled: false,
        transaction_accounting_vendor_creation_on_sync_enabled: false,
        vendor_credits_enabled: false,
      },
      knownConnectionId: null,
    });
    const request = await w.r.control<{ sync_request_id: string }>("POST", "/sync-all", {
      kind: "transaction",
    });
    const requested: string[] = [];
    for await (const t of w.r.client.listTransactions({ requestedToSync: true })) requested.push(t.id);
    expect(requested.length).toBeGreaterThan(0);
    // One of them is already in flight: the button message still goes out so the syncer attaches the request.
    await w.store.ledger.claim({
      tenantId: "t-poll",
      kind: "transaction",
      rampId: requested[0] as string,
      owner: "worker-1",
      leaseMs: 120_000,
      fingerprint: "f",
    });

    const job = buttonJob(
      { tenantId: "t-poll", kind: "transaction", syncRequestId: request.sync_request_id },
      Date.now(),
    );
    const deadlines: Array<{ job: ButtonDeadlineJob; delaySeconds: number }> = [];
    const r = await runButtonJob(
      {
        ...w.deps(),
        requests: w.store.buttonRequests,
        sendDeadline: async (d, delaySeconds) => void deadlines.push({ job: d, delaySeconds }),
      },
      w.tenant,
      job,
    );
    expect(r.status).toBe("done");
    const got = await w.drainWork(w.queues.priority);
    expect(got.map((m) => m.rampId).sort()).toEqual([...requested].sort());
    for (const m of got)
      expect(m).toMatchObject({
        kind: "transaction",
        source: "button",
        syncRequestId: request.sync_request_id,
        deadline: job.deadline,
      });
    // The deadline job went out first, delayed to the deadline; every listed row is recorded for it.
    expect(deadlines).toHaveLength(1);
    expect(deadlines[0]?.job).toMatchObject({ type: "button-deadline", deadline: job.deadline });
    expect(deadlines[0]?.delaySeconds).toBeGreaterThan(250);
    const recorded = await w.store.buttonRequests.rows("t-poll", request.sync_request_id);
    expect(recorded.map((x) => x.rampId).sort()).toEqual([...requested].sort());
    expect(await w.drainWork()).toEqual([]); // nothing on the scheduled work queue
    expect(w.backlogs).toEqual([]); // a button walk is not the backlog
  });
});
