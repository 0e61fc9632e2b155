import { describe, expect, it } from "vitest";
import { fitLine } from "../../bench/growth.js";

describe("least-squares growth line", () => {
  it("recovers the fixed and per-object parts of an exact line", () => {
    const line = fitLine([100, 1_000, 10_000].map((x) => ({ x, y: 12 + 0.0102 * x })));
    expect(line.a).toBeCloseTo(12, 9);
    expect(line.b).toBeCloseTo(0.0102, 12);
  });

  it("goes through two points exactly", () => {
    expect(
      fitLine([
        { x: 100, y: 15_194 },
        { x: 1_000, y: 63_227 },
      ]),
    ).toEqual({
      a: expect.closeTo(15_194 - 100 * (48_033 / 900), 6),
      b: expect.closeTo(48_033 / 900, 9),
    });
  });

  it("minimises squared error on noisy points", () => {
    // y = 2 + 3x with residuals +1, -2, +1 (they sum to zero and are orthogonal to x - mean).
    const line = fitLine([
      { x: 0, y: 3 },
      { x: 1, y: 3 },
      { x: 2, y: 9 },
    ]);
    expect(line.b).toBeCloseTo(3, 9);
    expect(line.a).toBeCloseTo(2, 9);
  });

  it("refuses a series with one distinct N", () => {
    expect(() =>
      fitLine([
        { x: 5, y: 1 },
        { x: 5, y: 2 },
      ]),
    ).toThrow(/two distinct/);
  });
});
