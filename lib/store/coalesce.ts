/**
 * Coalesces single calls made close together into one batch call (the DataLoader
 * pattern): calls queued before the next macrotask (setImmediate) go out as one
 * `runMany`, at most `max` at a time. The syncer prepares and records a wave of
 * items concurrently (lib/sync/waves.ts), each through the one-item protocol, so
 * the store turns a wave's hundred claims, reads or records into a few round
 * trips without the protocol code knowing — each item still gets its own answer
 * and its own error.
 *
 * Calls with the same `keyOf` never share a batch (DynamoDB refuses a
 * transaction or BatchGetItem naming one item twice) nor run at the same time: a repeat
 * waits until the batches of its first call have settled.
 */
export interface Coalescer<In, Out> {
  call(input: In): Promise<Out>;
}

interface Pending<In, Out> {
  input: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

export function createCoalescer<In, Out>(o: {
  /** One answer per input, in input order (a throw rejects every call of the batch). */
  runMany(inputs: In[]): Promise<Out[]>;
  max: number;
  keyOf(input: In): string;
  /** Reads: a repeat in the same flush gets the first call's answer instead of waiting. */
  shareRepeats?: boolean;
}): Coalescer<In, Out> {
  let queue: Pending<In, Out>[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const all = queue;
    queue = [];
    // Distinct keys only, across every batch of this flush; a repeat is held back until all of
    // them have settled, so two writes of one row are never in flight at once (DynamoDB would
    // answer the second with a TransactionConflict).
    const seen = new Map<string, Pending<In, Out>[]>();
    const first: Pending<In, Out>[] = [];
    const repeats: Pending<In, Out>[] = [];
    for (const p of all) {
      const k = o.keyOf(p.input);
      const sharers = seen.get(k);
      if (sharers && o.shareRepeats) sharers.push(p);
      else if (sharers) repeats.push(p);
      else {
        const mine: Pending<In, Out>[] = [];
        seen.set(k, mine);
        first.push({
          input: p.input,
          resolve: (out) => {
            p.resolve(out);
            for (const x of mine) x.resolve(out);
          },
          reject: (err) => {
            p.reject(err);
            for (const x of mine) x.reject(err);
          },
        });
      }
    }
    const runs: Promise<void>[] = [];
    for (let i = 0; i < first.length; i += o.max) runs.push(run(first.slice(i, i + o.max)));
    if (repeats.length)
      void Promise.all(runs).then(() => {
        queue = [...repeats, ...queue];
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
  };

  const run = async (batch: Pending<In, Out>[]) => {
    try {
      const outs = await o.runMany(batch.map((p) => p.input));
      batch.forEach((p, i) => {
        p.resolve(outs[i] as Out);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };

  return {
    call(input) {
      return new Promise<Out>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
