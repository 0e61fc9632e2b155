import { describe, expect, it } from "vitest";
import { readRampPart, storyRowOf } from "../../../lib/status/object-story.js";
import type { RampObjectReads } from "../../../lib/status/ports.js";
import { readRampViews } from "../../../lib/status/ramp-view.js";
import { row, T0 } from "./rows.js";

describe("object story", () => {
  it("prints a row with its report's key while the intent is open, and every history step in order", () => {
    const r = storyRowOf(
      row({
        rampId: "x",
        state: "REPORTING",
        erpRef: "E-1",
        reportId: "r1",
        history: [
          { at: T0, state: "CLAIMED", rev: 0 },
          { at: T0 + 1_000, state: "POSTED", rev: 1, erpRef: "E-1" },
          { at: T0 + 2_000, state: "REPORTING", rev: 2, erpRef: "E-1", reportId: "r1" },
          {
            at: T0 + 3_000,
            state: "FAILED",
            rev: 3,
            by: "ops:ana:1",
            action: "retry",
            note: "asked by support",
          },
        ],
      }),
      { reportId: "r1", state: "OPEN", idempotencyKey: "k-1" },
    );
    expect(r.report).toEqual({ reportId: "r1", open: true, idempotencyKey: "k-1" });
    expect(r.history.map((h) => [h.state, h.erpRef, h.reportId, h.by, h.action, h.note])).toEqual([
      ["CLAIMED", null, null, null, null, null],
      ["POSTED", "E-1", null, null, null, null],
      ["REPORTING", "E-1", "r1", null, null, null],
      ["FAILED", null, null, "ops:ana:1", "retry", "asked by support"],
    ]);
    expect(storyRowOf(row({ rampId: "x", reportId: "r0" }), undefined).report).toEqual({
      reportId: "r0",
      open: false,
      idempotencyKey: null,
    });
    expect(storyRowOf(row({ rampId: "x" }), undefined).report).toBeNull();
  });

  it("reads a bill once for both its phases, and says vendor credits have no Ramp status", async () => {
    const calls: string[] = [];
    const ramp = {
      getBill: async (id: string) => {
        calls.push(`bill ${id}`);
        return { syncStatus: "BILL_SYNCED", status: "PAID", remoteId: "us:INV-1" };
      },
    } as unknown as RampObjectReads;
    expect(await readRampViews(ramp, "b1", ["bill", "bill_payment", "vendor_credit"])).toEqual([
      { kind: "bill", syncStatus: "BILL_SYNCED", paymentStatus: "PAID", remoteId: "us:INV-1" },
      { kind: "bill_payment", syncStatus: "BILL_SYNCED", paymentStatus: "PAID", remoteId: "us:INV-1" },
      { kind: "vendor_credit", syncStatus: null, note: "Ramp keeps no sync status for vendor credits" },
    ]);
    expect(calls).toEqual(["bill b1"]);
  });

  it("an unreachable Ramp is an answer (first line of the error), not a failure", async () => {
    const ramp = {
      getTransaction: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:9\n    at stack");
      },
    } as unknown as RampObjectReads;
    expect(await readRampPart(() => ramp, "t1", ["transaction"])).toEqual({
      reachable: false,
      error: "connect ECONNREFUSED 127.0.0.1:9",
    });
    expect(
      await readRampPart(
        () => {
          throw new Error("no secret ramp-erp-sync/t1/ramp");
        },
        "t1",
        ["transaction"],
      ),
    ).toEqual({ reachable: false, error: "no secret ramp-erp-sync/t1/ramp" });
  });
});
