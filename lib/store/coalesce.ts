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
 * transaction or BatchGetItem naming one item twice): a repeat waits for the next.
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
}): Coalescer<In, Out> {
  let queue: Pending<In, Out>[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const all = queue;
    queue = [];
    while (all.length) {
      const batch: Pending<In, Out>[] = [];
      const keys = new Set<string>();
      const later: Pending<In, Out>[] = [];
      for (const p of all.splice(0)) {
        const k = o.keyOf(p.input);
        if (batch.length < o.max && !keys.has(k)) {
          batch.push(p);
          keys.add(k);
        } else later.push(p);
      }
      all.push(...later);
      void run(batch);
    }
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
