/**
 * The demo's progress printer on a fake clock (vitest fake timers drive both its 5 s
 * timer and Date.now): one plain line per tick, nothing between ticks, rate and ETA
 * from what was done since the start, a final "done" line on stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type KindProgress, pace, progressLine, startProgress } from "../../local/demo-progress.js";

describe("demo progress (non-TTY)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("prints one line per 5 s tick with per-kind counts, rate and ETA", async () => {
    let reported = 0;
    const sample = async (): Promise<KindProgress[]> => [
      { kind: "transaction", due: 100, posted: reported + 5, reported, failed: 0 },
      { kind: "bill", due: 10, posted: 0, reported: 0, failed: 1 },
      { kind: "cashback", due: 0, posted: 0, reported: 0, failed: 0 },
    ];
    const lines: string[] = [];
    const p = startProgress({ label: "sync", sample, out: (l) => lines.push(l), tty: false });

    await vi.advanceTimersByTimeAsync(4_999);
    expect(lines).toEqual([]);
    reported = 9;
    await vi.advanceTimersByTimeAsync(1);
    expect(lines).toEqual([
      "  [5s] sync: transaction 9/100 (14 posted) · bill 0/10 1 failed · 3.0/s · ETA 32s",
    ]);
    reported = 49;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("[10s] sync: transaction 49/100");
    // 54 posted + 1 failed of 110 in 10 s.
    expect(lines[1]).toContain("5.5/s · ETA 10s");

    reported = 100;
    await vi.advanceTimersByTimeAsync(2_000);
    const last = await p.stop();
    expect(last[0]?.reported).toBe(100);
    expect(lines).toHaveLength(3);
    // 101 of 110 through in 12 s (the bill's one failure counts as done): 8.4/s, 9 left.
    expect(lines[2]).toBe(
      "  [done in 12s] sync: transaction 100/100 (105 posted) · bill 0/10 1 failed · 8.4/s · ETA 1s",
    );
    // Stopped: no more ticks.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(lines).toHaveLength(3);
  });

  it("does not stack samples when one outlasts the tick", async () => {
    let calls = 0;
    const sample = () => {
      calls++;
      return new Promise<KindProgress[]>((done) => setTimeout(() => done([]), 12_000));
    };
    const lines: string[] = [];
    const p = startProgress({ label: "sync", sample, out: (l) => lines.push(l), tty: false });
    await vi.advanceTimersByTimeAsync(17_000);
    expect(calls).toBe(1);
    expect(lines).toEqual(["  [17s] sync: nothing due · 0.0/s · done"]);
    const stopping = p.stop();
    await vi.advanceTimersByTimeAsync(12_000);
    await stopping;
  });

  it("pace: no ETA before anything is through; failures count as through", () => {
    const k = (reported: number, failed: number) => [
      { kind: "t", due: 10, posted: reported, reported, failed },
    ];
    expect(pace(k(0, 0), 5_000)).toEqual({ rate: 0, eta: "ETA -" });
    expect(pace(k(4, 1), 5_000)).toEqual({ rate: 1, eta: "ETA 5s" });
    expect(progressLine("x", k(10, 0), 1_000)).toContain("· done");
  });
});
