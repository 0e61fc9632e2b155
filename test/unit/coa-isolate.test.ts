import { describe, expect, it } from "vitest";
import { isItemRejection, rejectedIndex, uploadIsolating } from "../../lib/coa/isolate.js";
import { canonicalDecimal } from "../../lib/coa/plan.js";
import { withoutFailedCreations } from "../../lib/coa/snapshot.js";
import { RampApiError } from "../../lib/ramp/errors.js";

const rampError = (status: number, message: string, info: Record<string, unknown> = {}) =>
  new RampApiError(status, "DEVELOPER_7001", message, "trace-1", info, "POST", "/x", {
    error_v2: { error_code: "DEVELOPER_7001", message, additional_info: info },
  });

/** A fake all-or-nothing upload that refuses any batch holding a bad item, without naming it. */
function fakeRamp(bad: Set<number>, named = false) {
  const calls: number[][] = [];
  return {
    calls,
    upload: async (batch: number[]) => {
      calls.push(batch);
      const i = batch.findIndex((x) => bad.has(x));
      if (i >= 0) {
        throw named
          ? rampError(422, `items[${i}].name: invalid`, { [`items[${i}].name`]: ["bad"] })
          : rampError(422, "batch invalid");
      }
      return batch.map((x) => `ramp-${x}`);
    },
  };
}

describe("uploadIsolating", () => {
  it("lands everything in one call when Ramp accepts the batch", async () => {
    const ramp = fakeRamp(new Set());
    const r = await uploadIsolating([1, 2, 3], ramp.upload);
    expect(r).toMatchObject({ landed: [1, 2, 3], rejected: [], calls: 1 });
    expect(r.results).toEqual(["ramp-1", "ramp-2", "ramp-3"]);
  });

  it("bisects an anonymous refusal down to the bad items, landing all the others", async () => {
    const items = Array.from({ length: 16 }, (_, i) => i);
    const ramp = fakeRamp(new Set([3, 12]));
    const r = await uploadIsolating(items, ramp.upload);
    expect(r.rejected.map((x) => x.item)).toEqual([3, 12]);
    expect(r.rejected[0]).toMatchObject({
      reason: "batch invalid",
      code: "DEVELOPER_7001",
      traceId: "trace-1",
    });
    expect([...r.landed].sort((a, b) => a - b)).toEqual(items.filter((x) => x !== 3 && x !== 12));
    // Every call is a real attempt: no item is sent after it landed.
    const sent = ramp.calls.filter((c) => !c.some((x) => x === 3 || x === 12)).flat();
    expect(sent.sort((a, b) => a - b)).toEqual(r.landed.sort((a, b) => a - b));
    expect(r.calls).toBeLessThanOrEqual(1 + 2 * 2 * Math.ceil(Math.log2(16)));
  });

  it("splits around the item Ramp names: four calls for one bad item among 500", async () => {
    const items = Array.from({ length: 500 }, (_, i) => i);
    const ramp = fakeRamp(new Set([250]), true);
    const r = await uploadIsolating(items, ramp.upload);
    expect(r.calls).toBe(4);
    expect(r.landed).toHaveLength(499);
    expect(r.rejected).toEqual([expect.objectContaining({ item: 250, reason: "items[0].name: invalid" })]);
  });

  it("throws on failures that are not item rejections, so the run stops and resumes later", async () => {
    const refused = async () => {
      throw rampError(
        400,
        "Chart of Accounts cannot be modified for Ramp accounts using a direct accounting connection",
      );
    };
    // The message carries structured fields only; Ramp's text stays on `rampMessage` for code.
    await expect(uploadIsolating([1, 2], refused)).rejects.toMatchObject({
      status: 400,
      code: "DEVELOPER_7001",
      rampMessage: expect.stringMatching(/direct accounting connection/),
    });
    const down = async () => {
      throw new RampApiError(503, null, "unavailable", null, null, "POST", "/x", null);
    };
    await expect(uploadIsolating([1], down)).rejects.toThrow(/503/);
  });

  it("reads the index from the message or the field keys, only when exactly one is named", () => {
    expect(rejectedIndex(rampError(422, "vendors[7]: duplicate"), 10)).toBe(7);
    expect(rejectedIndex(rampError(422, "bad", { "gl_accounts[3].classification": ["x"] }), 10)).toBe(3);
    expect(rejectedIndex(rampError(422, "a[1] and a[2]"), 10)).toBeNull();
    expect(rejectedIndex(rampError(422, "a[12]"), 10)).toBeNull();
    expect(isItemRejection(rampError(400, "options[0]: unknown tax rate"))).toBe(true);
    expect(isItemRejection(rampError(400, "No active accounting connection"))).toBe(false);
  });
});

describe("canonicalDecimal", () => {
  it("gives one spelling per value", () => {
    expect(canonicalDecimal("0.10")).toBe("0.1");
    expect(canonicalDecimal("0.0825")).toBe("0.0825");
    expect(canonicalDecimal("5.000")).toBe("5");
    expect(canonicalDecimal("007.50")).toBe("7.5");
    expect(canonicalDecimal("0")).toBe("0");
  });
});

describe("withoutFailedCreations", () => {
  it("drops refused creations from the snapshot, keeps items whose later update failed", () => {
    const snap = {
      glAccounts: ["a:1", "a:2"],
      fieldOptions: { f: ["a:o1", "a:o2"] },
      vendors: ["a:v1"],
      taxRates: [],
      taxCodes: [],
    };
    const out = withoutFailedCreations(snap, [
      {
        list: "gl_accounts",
        op: "create_gl_accounts",
        remoteId: "a:2",
        reason: "x",
        code: null,
        traceId: null,
      },
      {
        list: "field_options",
        op: "create_field_options",
        remoteId: "a:o1",
        reason: "x",
        code: null,
        traceId: null,
      },
      { list: "vendors", op: "update", remoteId: "a:v1", reason: "x", code: null, traceId: null },
    ]);
    expect(out).toEqual({ ...snap, glAccounts: ["a:1"], fieldOptions: { f: ["a:o2"] } });
  });
});
