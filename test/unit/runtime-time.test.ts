import { describe, expect, it } from "vitest";
import { sleep, systemClock } from "../../lib/domain/time.js";

describe("runtime time", () => {
  it("the system clock is epoch milliseconds", () => {
    const before = Date.now();
    const t = systemClock();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it("sleep waits at least the time asked, and a negative wait resolves at once", async () => {
    const t0 = performance.now();
    await sleep(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    await expect(sleep(-1_000)).resolves.toBeUndefined();
  });
});
