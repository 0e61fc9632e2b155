import { describe, expect, it } from "vitest";
import { figureMaker, roundFigure } from "../../bench/figure.js";
import { ResultsSchema } from "../../bench/schema.js";
import { formatTable } from "../../bench/table.js";

const fig = figureMaker("drain");

const sample = {
  schema: 1,
  ranAt: "2026-12-02T17:00:00.000Z",
  node: "v20.19.0",
  machine: { cpus: 2, model: "Intel(R) Xeon(R)", totalMemMb: 7_936 },
  mode: "quick",
  seconds: 171.4,
  figures: [
    fig("tx-1k-w8.ramp-calls", "1k tx ×8w: Ramp calls", 23, "calls", { floor: 21 }),
    fig("speedup.100", "drain vs naive at 100 tx", 0.83, "×"),
  ],
  suites: {
    drain: { seconds: 120.2, detail: { runs: {} } },
    "tryton-post": { seconds: 3.1, detail: { skipped: "Tryton not running at http://127.0.0.1:8000" } },
    reconcile: { seconds: 0.2, detail: null, error: "boom" },
  },
};

describe("bench results", () => {
  it("parses a sample results file", () => {
    const r = ResultsSchema.parse(sample);
    expect(r.figures[0]).toMatchObject({ id: "drain.tx-1k-w8.ramp-calls", ratio: 1.1, ratioOf: "floor" });
  });

  it("refuses a figure without a number, an unknown mode or an unknown key", () => {
    const bad = (patch: object) => ResultsSchema.safeParse({ ...sample, ...patch }).success;
    expect(bad({ figures: [{ ...sample.figures[0], value: Number.NaN }] })).toBe(false);
    expect(bad({ mode: "slow" })).toBe(false);
    expect(bad({ extra: 1 })).toBe(false);
  });

  it("computes ratios one way: value/floor, baseline/value", () => {
    expect(fig("a", "a", 13, "calls", { floor: 10 })).toMatchObject({ ratio: 1.3, ratioOf: "floor" });
    expect(fig("b", "b", 50, "ms", { baseline: 200 })).toMatchObject({ ratio: 4, ratioOf: "baseline" });
    expect(fig("c", "c", 0, "ms", { baseline: 200 }).ratio).toBeUndefined();
  });

  it("rounds values once, by magnitude", () => {
    expect(roundFigure(63_227.4)).toBe(63_227);
    expect(roundFigure(7.3456)).toBe(7.35);
    expect(roundFigure(0.012345)).toBe(0.0123);
  });
});

describe("bench table", () => {
  it("prints aligned columns: figure | value | floor/baseline | ratio | goal", () => {
    const table = formatTable([
      fig("x.calls", "1k tx ×8w: Ramp calls", 23, "calls", { floor: 21, goal: "floor" }),
      fig("x.wall", "1k tx ×8w: wall", 63_227, "ms", { baseline: 105_000 }),
      fig("x.rss", "peak RSS", 206, "MiB"),
    ]);
    expect(table.split("\n")).toEqual([
      "figure                     value  floor/baseline    ratio  goal",
      "---------------------  ---------  ----------------  -----  -----",
      "1k tx ×8w: Ramp calls   23 calls  floor 21          1.1×   floor",
      "1k tx ×8w: wall        63,227 ms  baseline 105,000  1.66×",
      "peak RSS                 206 MiB",
    ]);
  });
});
