import { describe, expect, it } from "vitest";
import { failedRows, readFailedRows } from "../../../lib/status/failed-rows.js";
import type { LedgerItem } from "../../../lib/sync/ports.js";
import { row, T0 } from "./rows.js";

const failedStep = (at: number, note: string) => ({
  at,
  state: "FAILED" as const,
  rev: 1,
  category: "user_actionable" as const,
  note,
});

describe("failed rows", () => {
  const told = row({
    rampId: "b",
    kind: "bill",
    told: true,
    category: "user_actionable",
    message: "Reopen the period",
    attempts: 2,
    erpRef: "MOVE-7",
    updatedAt: T0 + 2_000,
    history: [
      { at: T0, state: "CLAIMED", rev: 0 },
      failedStep(T0 + 1_000, "Closed period"),
      { at: T0 + 1_500, state: "REPORTING", rev: 2, reportId: "r1" },
      failedStep(T0 + 2_000, "Reopen the period"),
    ],
  });
  const retry = row({ rampId: "a", category: "transient", message: "ERP down", updatedAt: T0 + 1_000 });
  const reportable = row({
    rampId: "c",
    reportable: true,
    category: "needs_integrator",
    message: "x",
    updatedAt: T0,
  });
  const notFailed = row({ rampId: "d", state: "POSTED", updatedAt: T0 - 5 });

  it("lists every FAILED row oldest first, with its bucket, told, last failure step and reference", () => {
    expect(failedRows([told, retry, notFailed, reportable])).toEqual([
      {
        kind: "transaction",
        rampId: "c",
        bucket: "FAILED_REPORTABLE",
        category: "needs_integrator",
        message: "x",
        attempts: 1,
        lastError: null,
        told: false,
        reference: "ramp:transaction:c",
        updatedAt: "2026-06-01T12:00:00.000Z",
      },
      expect.objectContaining({ rampId: "a", bucket: "FAILED_RETRY", reference: "ramp:transaction:a" }),
      {
        kind: "bill",
        rampId: "b",
        bucket: "FAILED_TOLD",
        category: "user_actionable",
        message: "Reopen the period",
        attempts: 2,
        lastError: { at: "2026-06-01T12:00:02.000Z", note: "Reopen the period" },
        told: true,
        reference: "MOVE-7",
        updatedAt: "2026-06-01T12:00:02.000Z",
      },
    ]);
  });

  it("filters by kind and by the time the row last changed (inclusive)", () => {
    expect(failedRows([told, retry, reportable], { kinds: ["bill"] }).map((r) => r.rampId)).toEqual(["b"]);
    expect(failedRows([told, retry, reportable], { since: T0 + 1_000 }).map((r) => r.rampId)).toEqual([
      "a",
      "b",
    ]);
  });

  it("reads all three FAILED buckets of the kinds' streams page by page", async () => {
    const asked: string[] = [];
    const ledger = {
      async listBucket(q: { bucket: string; stream: string; cursor?: Record<string, unknown> }) {
        asked.push(`${q.bucket}/${q.stream}/${q.cursor ? "2" : "1"}`);
        const items: LedgerItem[] =
          q.bucket === "FAILED_TOLD" && q.stream === "BILL_SYNC" ? (q.cursor ? [told] : []) : [];
        return q.bucket === "FAILED_TOLD" && !q.cursor ? { items, cursor: { k: 1 } } : { items };
      },
    };
    const rows = await readFailedRows(ledger, "t1", { kinds: ["bill"] });
    expect(rows.map((r) => r.rampId)).toEqual(["b"]);
    expect(asked.sort()).toEqual([
      "FAILED_REPORTABLE/BILL_SYNC/1",
      "FAILED_RETRY/BILL_SYNC/1",
      "FAILED_TOLD/BILL_SYNC/1",
      "FAILED_TOLD/BILL_SYNC/2",
    ]);
  });
});
