/**
 * Ramp's 5-minute promise under failure, through every handler on the local stack
 * (test/support/button-world.ts): a click in the sandbox → signed webhook → button-jobs
 * queue → button job → priority queue → syncer → journal ERP → reports under the
 * request, and at the deadline the deadline job. The window is one setting for both
 * sides (the sandbox's syncRequestTimeoutMs and our SYNC_BUTTON_WINDOW_MS): 30 s here,
 * so our deadline is 25.5 s after the click (15 % margin). Wall clock, no clock moves.
 *
 * What must hold in every case: Ramp auto-fails no row (nothing is left unreported at
 * its deadline), and no object reaches the ERP twice.
 */

import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, inject, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { NOT_IN_TIME_MESSAGE } from "../../lib/poll/button-deadline.js";
import { type ButtonWorld, startButtonWorld } from "../support/button-world.js";

const WINDOW_MS = 30_000;
let w: ButtonWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** How many times each Ramp id appears as a reference in the journal. */
async function journalCounts(world: ButtonWorld, ids: readonly string[]): Promise<Map<string, number>> {
  const text = await readFile(world.world.journalPath, "utf8");
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, text.split(externalRef("transaction", id)).length - 1);
  return out;
}

const start = (transactions: number, workers = 4) =>
  startButtonWorld({ dynamoEndpoint: inject("dynamoEndpoint"), transactions, windowMs: WINDOW_MS, workers });

describe("Sync Button under failure (30 s window)", { timeout: 180_000 }, () => {
  it("a poison row fails alone, with its own message, while the others are synced before the deadline", async () => {
    w = await start(120);
    const [bad] = w.ready();
    w.erp.poison.add(bad as string);
    const { request, clickedAt } = await w.click();
    const { view, ms } = await w.untilAnswered(request.sync_request_id, clickedAt, WINDOW_MS);
    expect(view.pending).toBe(0);
    expect(ms).toBeLessThan(25_500);
    expect(view.failed).toBe(1);
    expect(view.succeeded).toBe(request.total - 1);
    expect(view.rows[bad as string]).toBe("FAILED");
    const o = await w.world.control<{ sync: { last_error: string | null } }>("GET", `/objects/${bad}`);
    expect(o.sync.last_error).toMatch(/Accounting period closed/);
    await new Promise((r) => setTimeout(r, Math.max(0, WINDOW_MS - ms + 500)));
    expect(await w.autoFailed(request.sync_request_id)).toEqual([]);
  });

  it("an ERP outage of 20 s inside the window ends with every row synced, before the deadline", async () => {
    w = await start(150);
    w.erp.down = true;
    const { request, clickedAt } = await w.click();
    setTimeout(() => {
      if (w) w.erp.down = false;
    }, 20_000);
    const { view, ms } = await w.untilAnswered(request.sync_request_id, clickedAt, WINDOW_MS);
    expect(view).toMatchObject({ pending: 0, failed: 0, succeeded: request.total });
    expect(ms).toBeGreaterThan(20_000);
    expect(ms).toBeLessThan(25_500 + 1_000);
    const counts = await journalCounts(w, Object.keys(view.rows));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, Math.max(0, WINDOW_MS - ms + 500)));
    expect(await w.autoFailed(request.sync_request_id)).toEqual([]);
  });

  it("an outage longer than the window: every row told 'we'll retry' before the deadline, none auto-failed, all synced once after recovery", async () => {
    w = await start(150);
    w.erp.down = true;
    const { request, clickedAt } = await w.click();
    const { view, ms } = await w.untilAnswered(request.sync_request_id, clickedAt, WINDOW_MS + 5_000);
    expect(view).toMatchObject({ pending: 0, succeeded: 0, failed: request.total });
    expect(ms).toBeLessThan(WINDOW_MS);
    const messages = new Set<string>();
    for (const id of Object.keys(view.rows)) {
      const o = await w.world.control<{ sync: { last_error: string | null } }>("GET", `/objects/${id}`);
      messages.add(o.sync.last_error ?? "");
    }
    for (const m of messages) expect(m).toMatch(/We'll retry shortly\.$/);
    expect([...messages].some((m) => m === NOT_IN_TIME_MESSAGE || /ERP unavailable/.test(m))).toBe(true);
    await new Promise((r) => setTimeout(r, Math.max(0, WINDOW_MS - ms + 500)));
    expect(await w.autoFailed(request.sync_request_id)).toEqual([]);

    // Recovery: the normal path (the next poll) syncs every row, each once. The button's own
    // messages are left to their visibility timeout (ordinary work after the deadline): when they
    // come back, the ledger finds their rows done.
    w.erp.down = false;
    await w.stack.pollSchedule();
    const busy = async () => {
      const d = await w?.stack.depths();
      return (d?.["poll-jobs"]?.total ?? 0) + (d?.work?.total ?? 0);
    };
    for (let i = 0; i < 600 && (await busy()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    await w.stack.sweep();
    expect(w.ready()).toEqual([]);
    const counts = await journalCounts(w, Object.keys(view.rows));
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  });
});
