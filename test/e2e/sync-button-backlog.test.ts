/**
 * A Sync Button request for 1,000 rows while polling has 10,000 transactions in the
 * work queue, on Ramp's real 5-minute window and the wall clock, through every
 * handler on the local stack (test/support/button-world.ts). The button's job runs on
 * its own queue and function and its rows on the priority queue, so the request is
 * answered well inside the window; rows that polling reached first are attached to
 * the request and reported under it, and no object reaches the ERP twice.
 */
import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, inject, it } from "vitest";
import { BUTTON_WINDOW_MS, buttonMarginMs } from "../../lib/domain/button-window.js";
import { externalRef } from "../../lib/domain/kinds.js";
import { type ButtonWorld, startButtonWorld } from "../support/button-world.js";

let w: ButtonWorld | undefined;
afterAll(async () => w?.close());

describe("Sync Button during a polling backlog", { timeout: 900_000 }, () => {
  it("1,000 requested rows are all reported synced, under the request, before the deadline, while 10,000 are being polled", async () => {
    w = await startButtonWorld({
      dynamoEndpoint: inject("dynamoEndpoint"),
      transactions: 10_000,
      windowMs: BUTTON_WINDOW_MS,
      workers: 4,
    });
    // The scheduled poll fills the work queue with every ready transaction first…
    const ready = w.ready();
    expect(ready.length).toBeGreaterThanOrEqual(10_000);
    await w.stack.pollSchedule();
    const depth = async () => (await w?.stack.depths())?.work?.total ?? 0;
    for (let i = 0; i < 600 && (await depth()) < 5_000; i++) await new Promise((r) => setTimeout(r, 100));
    // …then the user asks for 1,000 of them: the last ones polling would reach.
    const ids = ready.slice(-1_000);
    const { request, clickedAt } = await w.click(ids);
    expect(request.total).toBe(1_000);
    const deadlineMs = BUTTON_WINDOW_MS - buttonMarginMs(BUTTON_WINDOW_MS);
    const { view, ms } = await w.untilAnswered(request.sync_request_id, clickedAt, BUTTON_WINDOW_MS);
    expect(view).toMatchObject({ total: 1_000, pending: 0, succeeded: 1_000, failed: 0 });
    // Answered by the syncer's own reports, not rescued by the deadline job.
    expect(ms).toBeLessThan(deadlineMs);
    const backlogLeft = await depth();
    // Every requested row went out in a report under the request.
    const syncs = await w.syncs();
    const underRequest = new Set(
      syncs.filter((s) => s.syncRequestId === request.sync_request_id).flatMap((s) => s.successful),
    );
    expect(ids.filter((id) => !underRequest.has(id))).toEqual([]);
    // Once each in the ERP.
    const journal = await readFile(w.world.journalPath, "utf8");
    const twice = ids.filter((id) => journal.split(externalRef("transaction", id)).length - 1 !== 1);
    expect(twice).toEqual([]);
    console.log(
      `button 1,000 rows during a 10,000 backlog: answered in ${ms} ms; backlog left ${backlogLeft}`,
    );
  });
});
