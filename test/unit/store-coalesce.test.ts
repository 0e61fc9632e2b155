/**
 * The coalescer (lib/store/coalesce.ts) with a fake `runMany` that records every
 * batch: single calls queued before the next macrotask go out together, at most
 * `max` at a time, a key never twice in one batch, every caller gets its own
 * answer, and a batch that throws rejects its own callers only.
 * (Over DynamoDB Local, through the ledger: test/integration/store-batched-writes.test.ts.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCoalescer } from "../../lib/store/coalesce.js";

interface Call {
  /** The call's position: its answer is `answer-<n>`. */
  n: number;
  key: string;
  /** A batch holding a poisoned call throws. */
  poison?: boolean;
}

/** The coalescer's flush runs on setImmediate: after this, every call made before it has gone out. */
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorder(max: number) {
  const batches: Call[][] = [];
  const coalescer = createCoalescer<Call, string>({
    max,
    keyOf: (c) => c.key,
    async runMany(calls) {
      batches.push([...calls]);
      await Promise.resolve();
      const poisoned = calls.find((c) => c.poison);
      if (poisoned) throw new Error(`batch of ${poisoned.n} failed`);
      return calls.map((c) => `answer-${c.n}`);
    },
  });
  let n = 0;
  const call = (key: string, poison = false) => coalescer.call({ n: n++, key, poison });
  const keysOf = () => batches.map((b) => b.map((c) => c.key));
  const numbersOf = () => batches.map((b) => b.map((c) => c.n));
  return { batches, call, keysOf, numbersOf };
}

describe("createCoalescer", () => {
  it("calls made in one tick go out as one runMany and each caller gets its own answer, in call order", async () => {
    const r = recorder(100);
    const answers = await Promise.all(["a", "b", "c", "d", "e"].map((k) => r.call(k)));
    expect(answers).toEqual(["answer-0", "answer-1", "answer-2", "answer-3", "answer-4"]);
    expect(r.numbersOf()).toEqual([[0, 1, 2, 3, 4]]);
  });

  it("a call made after an await of a microtask still joins the batch (the flush waits for the next macrotask)", async () => {
    const r = recorder(100);
    const first = r.call("a");
    await Promise.resolve();
    await Promise.resolve();
    const second = r.call("b");
    expect(await Promise.all([first, second])).toEqual(["answer-0", "answer-1"]);
    expect(r.keysOf()).toEqual([["a", "b"]]);
  });

  it("more than max calls in one tick split into batches of at most max, in call order", async () => {
    const r = recorder(100);
    const answers = await Promise.all(Array.from({ length: 250 }, (_, i) => r.call(`k${i}`)));
    expect(r.batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(r.numbersOf().flat()).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(answers).toEqual(Array.from({ length: 250 }, (_, i) => `answer-${i}`));
  });

  it("a repeated key goes to a later batch, never the same one; the other keys are not held back", async () => {
    const r = recorder(100);
    const answers = await Promise.all(["a", "b", "a", "c", "a", "b"].map((k) => r.call(k)));
    expect(r.keysOf()).toEqual([["a", "b", "c"], ["a", "b"], ["a"]]);
    expect(r.numbersOf()).toEqual([[0, 1, 3], [2, 5], [4]]);
    // Each caller of a repeated key still gets the answer to its own call.
    expect(answers).toEqual(["answer-0", "answer-1", "answer-2", "answer-3", "answer-4", "answer-5"]);
  });

  it("max and repeats together: distinct keys fill batches of max, a repeat goes out only after its first call's batches settled", async () => {
    const r = recorder(2);
    await Promise.all(["a", "a", "b", "c"].map((k) => r.call(k)));
    expect(r.keysOf()).toEqual([["a", "b"], ["c"], ["a"]]);
  });

  it("a runMany that throws rejects every caller of that batch with its error, and only them", async () => {
    const r = recorder(2);
    const settled = await Promise.allSettled([r.call("x"), r.call("bad", true), r.call("y"), r.call("z")]);
    expect(r.keysOf()).toEqual([
      ["x", "bad"],
      ["y", "z"],
    ]);
    expect(settled).toEqual([
      { status: "rejected", reason: new Error("batch of 1 failed") },
      { status: "rejected", reason: new Error("batch of 1 failed") },
      { status: "fulfilled", value: "answer-2" },
      { status: "fulfilled", value: "answer-3" },
    ]);
  });

  it("a throw in one batch does not reach the repeat of the same key in the next batch", async () => {
    const r = recorder(100);
    const settled = await Promise.allSettled([r.call("a", true), r.call("a")]);
    expect(r.numbersOf()).toEqual([[0], [1]]);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "fulfilled"]);
  });

  it("a runMany that throws synchronously rejects the batch's callers instead of escaping", async () => {
    const boom = new Error("sync throw");
    const c = createCoalescer<string, string>({
      max: 10,
      keyOf: (k) => k,
      runMany: () => {
        throw boom;
      },
    });
    const settled = await Promise.allSettled([c.call("a"), c.call("b")]);
    expect(settled).toEqual([
      { status: "rejected", reason: boom },
      { status: "rejected", reason: boom },
    ]);
  });

  it("calls in separate macrotasks are separate batches, and a call made from an answer starts a new one", async () => {
    const r = recorder(100);
    const first = r.call("a");
    await nextMacrotask();
    const second = r.call("b");
    expect(await Promise.all([first, second])).toEqual(["answer-0", "answer-1"]);
    // Asked once the answer is in (the flush is over): its own, new batch.
    expect(await r.call("c").then(() => r.call("d"))).toBe("answer-3");
    expect(r.keysOf()).toEqual([["a"], ["b"], ["c"], ["d"]]);
  });

  it("property: any sequence of calls (keys, ticks, failing batches) — each call is in exactly one batch, no batch repeats a key or exceeds max, and every caller is answered once with its own answer or its batch's error", async () => {
    const spec = fc.record({
      key: fc.constantFrom("a", "b", "c", "d", "e"),
      newTick: fc.boolean(),
      poison: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(spec, { maxLength: 40 }),
        async (max, calls) => {
          const r = recorder(max);
          const answered = calls.map(() => 0);
          const outcomes: Array<{ ok: true; value: string } | { ok: false; error: unknown }> = [];
          for (const [i, c] of calls.entries()) {
            if (c.newTick) await nextMacrotask();
            r.call(c.key, c.poison).then(
              (value) => {
                answered[i] = (answered[i] ?? 0) + 1;
                outcomes[i] = { ok: true, value };
              },
              (error: unknown) => {
                answered[i] = (answered[i] ?? 0) + 1;
                outcomes[i] = { ok: false, error };
              },
            );
          }
          // The fake runMany answers after one microtask; each level of repeats of one key
          // waits for the previous level to settle: one macrotask per call (+1) settles everything.
          for (let k = 0; k <= calls.length + 1; k++) await nextMacrotask();

          expect(answered).toEqual(calls.map(() => 1));
          const appearances = calls.map(() => 0);
          for (const batch of r.batches) {
            expect(batch.length).toBeLessThanOrEqual(max);
            expect(new Set(batch.map((c) => c.key)).size).toBe(batch.length);
            for (const c of batch) appearances[c.n] = (appearances[c.n] ?? 0) + 1;
          }
          expect(appearances).toEqual(calls.map(() => 1));
          for (const batch of r.batches) {
            const poisoned = batch.find((c) => c.poison);
            for (const c of batch) {
              expect(outcomes[c.n]).toEqual(
                poisoned
                  ? { ok: false, error: new Error(`batch of ${poisoned.n} failed`) }
                  : { ok: true, value: `answer-${c.n}` },
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
  it("shareRepeats (reads): a repeated key in one flush is asked once and both callers get that answer", async () => {
    const asked: string[][] = [];
    const c = createCoalescer<string, string>({
      max: 10,
      keyOf: (k) => k,
      shareRepeats: true,
      runMany: async (keys) => {
        asked.push(keys);
        return keys.map((k) => `row-${k}`);
      },
    });
    expect(await Promise.all(["a", "b", "a"].map((k) => c.call(k)))).toEqual(["row-a", "row-b", "row-a"]);
    expect(asked).toEqual([["a", "b"]]);
  });
});
