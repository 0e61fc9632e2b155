/**
 * One in-process lock per journal file. Posting is read-index → render → append;
 * two concurrent posts of the same ref (or two sequence numbers) must not
 * interleave. Cross-process safety is out of scope: the journal is the local
 * demo's ERP, served by one process.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(path) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(path, tail);
  try {
    return await run;
  } finally {
    // drop the entry once nobody queued behind us, so the map does not grow per file forever
    if (tails.get(path) === tail) tails.delete(path);
  }
}
