/**
 * A Sync Button request is answered as its batches finish, not on the next sweep:
 * someone is watching Ramp's live progress and the window is 5 minutes. Ordinary
 * polled rows still gather (one call per type for a whole drain).
 */
import { afterEach, describe, expect, it } from "vitest";
import { asRecords, type Harness, syncerHarness } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const txOnly = { reimbursements: 0, bills: 0, transfers: 0, cashbacks: 0, vendorlessShare: 0 };

describe("Sync Button latency", () => {
  it("reports each batch of a button request at its end, with no sweep", async () => {
    h = await syncerHarness({ ...txOnly, transactions: 12, syncButton: true });
    const items = await h.ready();
    const req = await h.r.control<{ sync_request_id: string }>("POST", "/sync-all", { kind: "transactions" });
    const button = items.map((i) => ({ ...i, syncRequestId: req.sync_request_id }));
    const s = h.syncer();
    // Two SQS batches, as the priority queue would deliver them; no sweep runs.
    await s.processMessages(asRecords(button.slice(0, 6)));
    const afterFirst = await h.r.control<{ succeeded: number }>(
      "GET",
      `/sync-requests/${req.sync_request_id}`,
    );
    expect(afterFirst.succeeded).toBe(6);
    await s.processMessages(asRecords(button.slice(6)));
    const progress = await h.r.control<{ succeeded: number; pending: number; failed: number }>(
      "GET",
      `/sync-requests/${req.sync_request_id}`,
    );
    expect(progress).toMatchObject({ succeeded: items.length, pending: 0, failed: 0 });
    expect((await h.syncCalls()).length).toBe(2);
  });

  it("still gathers polled rows across batches (no call until the rows age or the sweep)", async () => {
    h = await syncerHarness({ ...txOnly, transactions: 12 });
    const items = await h.ready();
    const s = h.syncer();
    await s.processMessages(asRecords(items.slice(0, 6)));
    await s.processMessages(asRecords(items.slice(6)));
    expect(await h.syncCalls()).toEqual([]);
  });
});
