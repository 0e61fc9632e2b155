/**
 * The Sync Button's deadline (lib/domain/button-window.ts, lib/sync/button-retry.ts,
 * lib/poll/button-deadline.ts) on in-memory ports: when the window starts and ends,
 * how quick retries are paced inside it, what each ledger row gets at the deadline,
 * and the deadline job's calls (Ramp's answers included) and metrics.
 */
import { describe, expect, it } from "vitest";
import { BUTTON_WINDOW_MS, buttonMarginMs, buttonTimes } from "../../lib/domain/button-window.js";
import { ledgerKeyOf } from "../../lib/domain/kinds.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { NOT_IN_TIME_MESSAGE, rowVerdict, runButtonDeadline } from "../../lib/poll/button-deadline.js";
import type { ButtonDeadlineJob } from "../../lib/poll/job.js";
import type { ButtonRequestHeader, ButtonRequestOutcome, ButtonRow } from "../../lib/poll/ports.js";
import { buttonRetryDelayS, inButtonWindow } from "../../lib/sync/button-retry.js";
import { memoryMetrics } from "../../lib/sync/metrics.js";
import type { LedgerItem } from "../../lib/sync/ports.js";

const T0 = Date.UTC(2026, 11, 1, 12);

describe("the button window", () => {
  it("is 5 minutes from the click less a 15 % margin (never under 3 s)", () => {
    expect(BUTTON_WINDOW_MS).toBe(300_000);
    expect(buttonMarginMs(300_000)).toBe(45_000);
    expect(buttonMarginMs(30_000)).toBe(4_500);
    expect(buttonMarginMs(10_000)).toBe(3_000);
    expect(buttonTimes(new Date(T0).toISOString(), T0 + 2_000)).toEqual({
      startedAt: T0,
      deadline: T0 + 255_000,
    });
  });

  it("counts from our receipt when created_at is absent, unreadable or later than the receipt", () => {
    for (const c of [null, undefined, "yesterday", new Date(T0 + 5_000).toISOString()])
      expect(buttonTimes(c, T0).startedAt).toBe(T0);
  });
});

describe("quick retries inside the window", () => {
  it("back off 1, 2, 4 … s, at most a tenth of the time left (1–15 s), never past the deadline", () => {
    const deadline = T0 + 255_000;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => buttonRetryDelayS(n, T0, deadline))).toEqual([
      1, 2, 4, 8, 15, 15, 15,
    ]);
    // 20 s left: a tenth is 2 s.
    expect(buttonRetryDelayS(6, deadline - 20_000, deadline)).toBe(2);
    // 0.5 s left: 1 s (the row is ordinary work right after).
    expect(buttonRetryDelayS(6, deadline - 500, deadline)).toBe(1);
  });

  it("stop at the deadline, and for rows without one", () => {
    expect(buttonRetryDelayS(1, T0, T0)).toBeNull();
    expect(buttonRetryDelayS(1, T0, null)).toBeNull();
    expect(inButtonWindow(T0 + 1, T0)).toBe(true);
    expect(inButtonWindow(T0, T0)).toBe(false);
    expect(inButtonWindow(null, T0)).toBe(false);
  });
});

const row = (over: Partial<LedgerItem>): LedgerItem => ({
  tenantId: "acme",
  kind: "transaction",
  rampId: "t1",
  state: "CLAIMED",
  rev: 1,
  attempts: 0,
  told: false,
  fingerprint: "f",
  createdAt: T0,
  updatedAt: T0 + 1_000,
  ...over,
});

describe("what each row gets at the deadline", () => {
  const R = "sr-1";
  it.each([
    ["no row (never reached)", undefined, { action: "tell", message: NOT_IN_TIME_MESSAGE }],
    ["claimed (a post in flight)", row({}), { action: "tell", message: NOT_IN_TIME_MESSAGE }],
    ["held for its bill", row({ state: "HELD" }), { action: "tell", message: NOT_IN_TIME_MESSAGE }],
    [
      "failed transiently, not yet reportable",
      row({ state: "FAILED", category: "transient", message: "ERP unavailable. We'll retry shortly." }),
      { action: "tell", message: "ERP unavailable. We'll retry shortly." },
    ],
    [
      "failed for good, told under an earlier request",
      row({ state: "FAILED", told: true, syncRequestId: "sr-0", message: "Period closed. Reopen it." }),
      { action: "tell", message: "Period closed. Reopen it." },
    ],
    ["marked", row({ state: "MARKED", told: true }), { action: "done", at: T0 + 1_000 }],
    [
      "failed and told under this request",
      row({ state: "FAILED", told: true, syncRequestId: R }),
      { action: "done", at: T0 + 1_000 },
    ],
    ["reporting", row({ state: "REPORTING" }), { action: "reporting" }],
    ["posted under this request", row({ state: "POSTED", syncRequestId: R }), { action: "reporting" }],
    ["posted by polling", row({ state: "POSTED" }), { action: "attach" }],
    ["failed reportable by polling", row({ state: "FAILED", reportable: true }), { action: "attach" }],
  ] as const)("%s", (_name, item, verdict) => {
    expect(rowVerdict(item as LedgerItem | undefined, R)).toEqual(verdict);
  });
});

/** In-memory ports for the deadline job. */
function world(
  rows: ButtonRow[],
  ledger: Map<string, LedgerItem>,
  answers: Array<"accepted" | string[]> = [],
) {
  const header: ButtonRequestHeader = {
    tenantId: "acme",
    syncRequestId: "sr-1",
    kind: "transaction",
    startedAt: T0,
    deadline: T0 + 255_000,
    receivedAt: T0 + 1_000,
  };
  let outcome: ButtonRequestOutcome | undefined;
  const calls: Array<{ failed: string[]; key: string; syncRequestId: string | undefined }> = [];
  const attached: string[] = [];
  const metrics = memoryMetrics();
  const resent: number[] = [];
  let now = T0 + 255_000;
  const deps = {
    requests: {
      get: async () => (outcome ? { ...header, outcome } : header),
      rows: async () => rows,
      claimDeadline: async () => !outcome,
      close: async (_t: string, _r: string, o: ButtonRequestOutcome) => {
        if (outcome) return false;
        outcome = o;
        return true;
      },
    },
    ledger: {
      getMany: async () => ledger,
      attachSyncRequest: async (_t: string, kind: string, rampId: string, r: string) => {
        attached.push(rampId);
        const k = ledgerKeyOf({ kind: kind as "transaction", rampId });
        const item = ledger.get(k);
        if (item) ledger.set(k, { ...item, syncRequestId: r });
      },
    },
    // The forced flush reports what is POSTED under the request.
    flush: async () => {
      for (const [k, v] of ledger)
        if (v.state === "POSTED" && v.syncRequestId === "sr-1")
          ledger.set(k, { ...v, state: "MARKED", told: true, updatedAt: now - 100 });
    },
    ramp: {
      postSync: async (call: {
        idempotency_key: string;
        sync_request_id?: string;
        failed_syncs?: Array<{ id: string }>;
      }) => {
        calls.push({
          failed: (call.failed_syncs ?? []).map((f) => f.id),
          key: call.idempotency_key,
          syncRequestId: call.sync_request_id,
        });
        const a = answers.shift() ?? "accepted";
        if (a === "accepted")
          return { outcome: "accepted" as const, syncId: "s", idempotencyKey: call.idempotency_key };
        return {
          outcome: "refused" as const,
          refused: a.map((id) => ({ id, reason: "ALREADY_SYNCED" as const, message: null })),
          idempotencyKey: call.idempotency_key,
          traceId: null,
          code: null,
        };
      },
    },
    resend: async (_j: ButtonDeadlineJob, s: number) => void resent.push(s),
    metrics,
    clock: () => now,
    owner: "me",
    log: silentLogger,
  };
  const job: ButtonDeadlineJob = {
    v: 1,
    type: "button-deadline",
    tenantId: "acme",
    kind: "transaction",
    syncRequestId: "sr-1",
    startedAt: new Date(T0).toISOString(),
    deadline: new Date(T0 + 255_000).toISOString(),
  };
  return {
    deps: deps as never,
    job,
    calls,
    attached,
    metrics,
    resent,
    outcome: () => outcome,
    setNow: (t: number) => {
      now = t;
    },
  };
}

const tx = (id: string): ButtonRow => ({ kind: "transaction", rampId: id });
const at = (id: string, over: Partial<LedgerItem>) =>
  [ledgerKeyOf(tx(id)), row({ rampId: id, ...over })] as [string, LedgerItem];

describe("the deadline job", () => {
  it("reports what it can under the request, tells the rest, and records the request once", async () => {
    const ledger = new Map([
      at("done", { state: "MARKED", told: true, syncRequestId: "sr-1", updatedAt: T0 + 9_000 }),
      at("polled", { state: "POSTED" }),
      at("stuck", { state: "CLAIMED" }),
    ]);
    const w = world([tx("done"), tx("polled"), tx("stuck"), tx("never")], ledger);
    const r = await runButtonDeadline(w.deps, w.job);
    expect(r).toMatchObject({ status: "closed", rows: 4, told: 2 });
    expect(w.attached).toEqual(["polled"]);
    expect(w.calls).toEqual([{ failed: ["never", "stuck"], key: expect.any(String), syncRequestId: "sr-1" }]);
    expect(w.outcome()).toMatchObject({ rows: 4, reported: 2, toldAtDeadline: 2 });
    expect(w.outcome()?.roundTripMs).toBe(T0 + 255_000 - (T0 + 1_000));
    expect(w.metrics.total("ButtonRowsToldAtDeadline")).toBe(2);
    expect(w.metrics.total("ButtonRows")).toBe(4);
    // A redelivered deadline job changes nothing and emits nothing more.
    expect((await runButtonDeadline(w.deps, w.job)).status).toBe("already-closed");
    expect(w.calls).toHaveLength(1);
    expect(w.metrics.total("ButtonRows")).toBe(4);
  });

  it("a request answered in time: nothing told, the round trip ends at its last report", async () => {
    const ledger = new Map([
      at("a", { state: "MARKED", told: true, syncRequestId: "sr-1", updatedAt: T0 + 4_000 }),
      at("b", { state: "FAILED", told: true, syncRequestId: "sr-1", updatedAt: T0 + 7_000 }),
    ]);
    const w = world([tx("a"), tx("b")], ledger);
    expect(await runButtonDeadline(w.deps, w.job)).toMatchObject({ told: 0 });
    expect(w.calls).toEqual([]);
    expect(w.outcome()?.roundTripMs).toBe(6_000);
    expect(w.metrics.total("ButtonRoundTrip")).toBe(6_000);
  });

  it("rows Ramp refuses (synced meanwhile) are left out and the rest of their call goes again", async () => {
    const w = world([tx("x"), tx("y"), tx("z")], new Map(), [["y"]]);
    const r = await runButtonDeadline(w.deps, w.job);
    expect(w.calls.map((c) => c.failed)).toEqual([
      ["x", "y", "z"],
      ["x", "z"],
    ]);
    expect(w.calls[0]?.key).not.toBe(w.calls[1]?.key);
    expect(r.told).toBe(2);
  });

  it("run early (a deadline more than 15 minutes off), it sends itself again for the rest", async () => {
    const w = world([tx("x")], new Map());
    w.setNow(T0 + 255_000 - 1_000_000);
    expect((await runButtonDeadline(w.deps, w.job)).status).toBe("not-yet");
    expect(w.resent).toEqual([900]);
    expect(w.calls).toEqual([]);
  });
});
