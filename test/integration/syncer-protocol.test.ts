/**
 * The exactly-once protocol under failure, over the real wires (sandbox HTTP,
 * DynamoDB Local, journal ERP): a crash after the ERP write and a stalled
 * worker past its lease (no duplicate), a crash after the report call (the open
 * intent is replayed with the same key; DEVELOPER_7005 = already applied), an
 * object exported in Ramp's UI meanwhile (422 ALREADY_SYNCED split), an unmapped
 * entity (user-actionable), and a transient ERP outage (retried, then synced).
 */
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { type ErpPort, transientError } from "../../lib/erp/port.js";
import { InjectedCrash } from "../../lib/sync/crash-points.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const small = { transactions: 4, reimbursements: 1, transfers: 0, cashbacks: 0, vendorlessShare: 0 };
const sweep = async (s: ReturnType<Harness["syncer"]>) =>
  sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());

describe("syncer protocol under failure", () => {
  it("a worker that crashed after the ERP write and stalled past its lease leaves no duplicate", async () => {
    h = await syncerHarness(small);
    const items = await h.ready();
    const crashing = h.syncer({
      crash: (point) => {
        if (point === "post") throw new InjectedCrash(point);
      },
    });
    await expect(crashing.processMessages(asRecords(items))).rejects.toBeInstanceOf(InjectedCrash);
    const written = await h.journalRefs();
    expect(written.size).toBeGreaterThan(0);
    // Redelivered while the lease is live: nobody touches the rows.
    const early = await h.syncer().processMessages(asRecords(items));
    expect(early.results.every((r) => r.outcome?.status === "skipped")).toBe(true);
    // After the lease: the takeover finds the ERP records by reference instead of posting again.
    h.clock.now += 121_000;
    const late = h.syncer();
    const res = await late.processMessages(asRecords(items));
    expect(res.results.every((r) => r.outcome?.status === "posted")).toBe(true);
    await sweep(late);
    const refs = await h.journalRefs();
    for (const it of items) {
      expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
      expect((await h.object(it.rampId)).sync.status).toBe("SYNCED");
    }
  });

  it("a crash after the sync call replays the same intent with the same key; Ramp answers 7005 and it closes", async () => {
    h = await syncerHarness(small);
    const items = await h.ready();
    await h.syncer().processMessages(asRecords(items));
    const crashing = h.syncer({
      crash: (point) => {
        if (point === "report-call") throw new InjectedCrash(point);
      },
    });
    await expect(sweep(crashing)).rejects.toBeInstanceOf(InjectedCrash);
    const before = await h.syncCalls();
    const open = await h.store.reportIntents.findOpenIntents(TENANT);
    expect(open.length).toBe(1);
    const key = open[0]?.idempotencyKey;
    expect(before.map((c) => (c as { idempotencyKey?: string }).idempotencyKey)).toContain(key);

    h.clock.now += 61_000; // the dead worker's report lock expires
    const recovered = h.syncer();
    const results = await sweep(recovered);
    expect(results.some((r) => r.replayed === 1)).toBe(true);
    expect(await h.store.reportIntents.findOpenIntents(TENANT)).toEqual([]);
    // Ramp was told exactly once: the replay did not create a second sync.
    expect((await h.syncCalls()).length).toBe(before.length);
    for (const it of items)
      expect((await h.store.ledger.get(TENANT, it.kind, it.rampId))?.state).toBe("MARKED");
  });

  it("splits a 422: objects exported in Ramp's UI close as synced elsewhere, the rest is reported", async () => {
    h = await syncerHarness({ ...small, reimbursements: 0 });
    const items = await h.ready();
    await h.syncer().processMessages(asRecords(items));
    const exported = items[0]?.rampId as string;
    await h.r.control("POST", "/export", { ids: [exported] });
    const s = h.syncer();
    const [flush] = await sweep(s);
    expect(flush?.syncedElsewhere).toBe(1);
    const row = await h.store.ledger.get(TENANT, "transaction", exported);
    expect(row).toMatchObject({ state: "MARKED", syncedElsewhere: true });
    expect(h.logs.some((l) => l.level === "warn" && /already synced/.test(l.message))).toBe(true);
    for (const it of items.slice(1)) {
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNCED");
      expect(o.sync.reference_id).toBe((await h.store.ledger.get(TENANT, it.kind, it.rampId))?.erpRef);
    }
  });

  it("an unmapped entity fails user-actionable and the customer reads how to fix it", async () => {
    h = await syncerHarness({ ...small, transactions: 12 });
    // Coded while linked; then the EUR entity's link is removed from the tenant's entity map.
    const unmapped = h.entities.find((e) => e.currency === "EUR")?.id;
    h.tenant.entities = h.tenant.entities.filter((e) => e.rampEntityId !== unmapped);
    const items = await h.ready();
    const victims = items.filter((i) => i.entityId === unmapped);
    expect(victims.length).toBeGreaterThan(0);
    const s = h.syncer();
    await s.processMessages(asRecords(items));
    await sweep(s);
    for (const v of victims) {
      const row = await h.store.ledger.get(TENANT, v.kind, v.rampId);
      expect(row).toMatchObject({ state: "FAILED", category: "user_actionable", told: true });
      const o = await h.object(v.rampId);
      expect(o.sync.last_error).toMatch(/not linked to an ERP company\. Link entity .* then retry/);
    }
    expect((await h.journalRefs()).size).toBe(items.length - victims.length);
  });

  it("an ERP outage makes items retried via SQS, reported transient only after N attempts, then synced", async () => {
    h = await syncerHarness(small);
    const items = await h.ready();
    let down = true;
    const flaky: ErpPort = Object.create(h.erp);
    flaky.postBatch = async (p) => {
      if (down) throw transientError("UNAVAILABLE", "ERP unavailable");
      return h.erp.postBatch(p);
    };
    flaky.post = async (p) => {
      if (down) throw transientError("UNAVAILABLE", "ERP unavailable");
      return h.erp.post(p);
    };
    const first = await h.syncer({ erp: flaky }).processMessages(asRecords(items));
    expect(first.results.every((r) => r.disposition === "retry")).toBe(true);
    await h.syncer({ erp: flaky }).processMessages(asRecords(items));
    const third = await h.syncer({ erp: flaky }).processMessages(asRecords(items));
    // N = 3 attempts: now reportable as transient, the message is acked.
    expect(third.results.every((r) => r.disposition === "ack")).toBe(true);
    await sweep(h.syncer({ erp: flaky }));
    const o = await h.object(items[0]?.rampId as string);
    expect(o.sync.last_error).toBe("ERP unavailable. We'll retry shortly.");

    down = false;
    const s = h.syncer({ erp: flaky });
    const after = await s.processMessages(asRecords(items));
    expect(after.results.every((r) => r.outcome?.status === "posted")).toBe(true);
    await sweep(s);
    for (const it of items) expect((await h.object(it.rampId)).sync.status).toBe("SYNCED");
  });
});
