/**
 * Payment-only candidates over real wires: a poll job asked for `bill_payment` alone lists
 * `GET /bills?sync_status=BILL_SYNCED&sync_ready=true` on the sandbox (which honours the
 * combination like Ramp) and enqueues exactly the payments whose bill phase is synced —
 * in fewer list calls than reading every sync-ready bill.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pollJob } from "../../lib/poll/job.js";
import { runPollJob } from "../../lib/poll/run-job.js";
import { type PollerWorld, pollerWorld } from "./poller-support.js";

let w: PollerWorld;
beforeEach(async () => {
  w = await pollerWorld({ transactions: 0, reimbursements: 0, bills: 260, transfers: 0, cashbacks: 0 });
});
afterEach(() => w.close());

describe("payment-only bill walk", () => {
  it("lists BILL_SYNCED&sync_ready bills only and enqueues their payments, in fewer calls", async () => {
    const expected: string[] = [];
    let ready = 0;
    for await (const b of w.r.client.listBills({ syncReady: true })) {
      ready++;
      if (b.syncStatus === "BILL_SYNCED" && b.status === "PAID") expected.push(b.id);
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(ready).toBeGreaterThan(expected.length);

    await w.r.resetCounters();
    const r = await runPollJob(
      w.deps({ pageSize: 20 }),
      w.tenant,
      pollJob(w.tenant.tenantId, Date.now(), ["bill_payment"]),
    );
    const sent = await w.drainWork();
    expect(sent.map((m) => `${m.kind}:${m.rampId}`).sort()).toEqual(
      expected.map((id) => `bill_payment:${id}`).sort(),
    );
    const payOnlyCalls = (await w.r.calls())["GET /developer/v1/bills"] ?? 0;
    expect(payOnlyCalls).toBe(r.pages);

    // The same payments the old way: every sync-ready bill, both phases.
    await w.r.resetCounters();
    const all = await runPollJob(
      w.deps({ pageSize: 20 }),
      w.tenant,
      pollJob(w.tenant.tenantId, Date.now(), ["bill"]),
    );
    await w.drainWork();
    const billCalls = (await w.r.calls())["GET /developer/v1/bills"] ?? 0;
    expect(billCalls).toBe(all.pages);
    expect(payOnlyCalls).toBeLessThan(billCalls);
  });
});
