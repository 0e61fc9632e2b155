/**
 * Fleet scheduling of chart-of-accounts pushes (lib/coa/fleet.ts): who is due
 * when, what SQS can delay (≤ 900 s), and that a message received early goes
 * back with the rest of its wait instead of being pushed before its turn.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CoaPushMessage,
  delayUntil,
  dueIn,
  fanOutCoaPushes,
  SQS_MAX_DELAY_S,
  staggeredRequests,
} from "../../lib/coa/fleet.js";
import type { EnabledTenantsPage } from "../../lib/store/tenants.js";

const NOW = Date.UTC(2026, 5, 15, 5, 0, 0);

describe("staggeredRequests", () => {
  it("gives each tenant one message due at its offset of the window, delayed by what SQS can hold", () => {
    const seq = [0.5, 0, 0.999];
    let i = 0;
    const out = staggeredRequests(["a", "b", "c"], {
      windowMs: 3_600_000,
      now: NOW,
      reason: "schedule",
      random: () => seq[i++] ?? 0,
    });
    expect(out).toEqual([
      {
        request: { tenantId: "a", reason: "schedule", notBefore: new Date(NOW + 1_800_000).toISOString() },
        delaySeconds: SQS_MAX_DELAY_S,
      },
      // Offset 0: due at once, no due time to check.
      { request: { tenantId: "b", reason: "schedule" }, delaySeconds: 0 },
      {
        request: { tenantId: "c", reason: "schedule", notBefore: new Date(NOW + 3_596_400).toISOString() },
        delaySeconds: SQS_MAX_DELAY_S,
      },
    ]);
  });

  it("a window of 0 sends everyone at once; options carry through", () => {
    expect(
      staggeredRequests(["a"], {
        windowMs: 0,
        now: NOW,
        reason: "bulk",
        optionRemoval: "delete",
        random: () => 0.7,
      }),
    ).toEqual([{ request: { tenantId: "a", reason: "bulk", optionRemoval: "delete" }, delaySeconds: 0 }]);
  });

  it("never makes a message visible before it is due, and never asks SQS for more than 900 s", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.nat(86_400_000),
        (r, w) => {
          const [m] = staggeredRequests(["t"], {
            windowMs: w,
            now: NOW,
            reason: "schedule",
            random: () => r,
          });
          const { request, delaySeconds } = m as CoaPushMessage;
          expect(delaySeconds).toBeGreaterThanOrEqual(0);
          expect(delaySeconds).toBeLessThanOrEqual(SQS_MAX_DELAY_S);
          const due = request.notBefore ? Date.parse(request.notBefore) : NOW;
          expect(due).toBeLessThan(NOW + Math.max(1, w));
          // Each time SQS shows it, either it is due or it goes back for at most 900 s more: it is
          // pushed at or after its due time, after no more hops than the window needs.
          let visibleAt = NOW + delaySeconds * 1000;
          let hops = 0;
          for (let d = dueIn(request, visibleAt); !d.due; d = dueIn(request, visibleAt)) {
            expect(d.delaySeconds).toBeLessThanOrEqual(SQS_MAX_DELAY_S);
            visibleAt += d.delaySeconds * 1000;
            hops++;
          }
          expect(visibleAt).toBeGreaterThanOrEqual(due);
          expect(hops).toBeLessThanOrEqual(Math.ceil(w / 900_000));
        },
      ),
    );
  });
});

describe("dueIn / delayUntil", () => {
  it("a message received before its due time waits the rest, rounded up, at most 900 s at a time", () => {
    const at = new Date(NOW + 2_500_000).toISOString();
    expect(dueIn({ tenantId: "a", notBefore: at }, NOW)).toEqual({ due: false, delaySeconds: 900 });
    expect(dueIn({ tenantId: "a", notBefore: at }, NOW + 2_000_000)).toEqual({
      due: false,
      delaySeconds: 500,
    });
    expect(dueIn({ tenantId: "a", notBefore: at }, NOW + 2_499_999)).toEqual({ due: false, delaySeconds: 1 });
    expect(dueIn({ tenantId: "a", notBefore: at }, NOW + 2_500_000)).toEqual({ due: true });
    expect(dueIn({ tenantId: "a" }, NOW)).toEqual({ due: true });
    expect(delayUntil(undefined, NOW)).toBe(0);
  });
});

describe("fanOutCoaPushes", () => {
  it("walks every page of enabled tenants and sends one message each, page by page; bad configs are counted", async () => {
    const pages: EnabledTenantsPage[] = [
      { tenants: [{ tenantId: "a" }, { tenantId: "b" }] as never, invalid: [], cursor: "p2" },
      { tenants: [{ tenantId: "c" }] as never, invalid: [{ tenantId: "x", error: "bad" }] },
    ];
    const seen: Array<{ cursor?: string; limit?: number }> = [];
    const sent: CoaPushMessage[][] = [];
    const res = await fanOutCoaPushes(
      {
        tenants: {
          listEnabled: async (o = {}) => {
            seen.push(o);
            return pages[o.cursor ? 1 : 0] as EnabledTenantsPage;
          },
        },
        queue: { send: async (m) => void sent.push([...m]) },
        clock: () => NOW,
        random: () => 0,
        pageLimit: 2,
      },
      { windowMs: 60_000, reason: "schedule" },
    );
    expect(res).toEqual({ enqueued: 3, invalid: [{ tenantId: "x", error: "bad" }] });
    expect(seen).toEqual([{ limit: 2 }, { limit: 2, cursor: "p2" }]);
    expect(sent.map((b) => b.map((m) => m.request.tenantId))).toEqual([["a", "b"], ["c"]]);
  });
});
