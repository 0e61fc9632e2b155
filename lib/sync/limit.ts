/** Bounded concurrency without a dependency: the ERP's per-tenant limit and batch-wide fan-out. */
export function createLimiter(max: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= max) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return function run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        fn()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
  };
}

/** Maps with at most `max` calls in flight; results keep input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  max: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const run = createLimiter(Math.max(1, max));
  return Promise.all(items.map((item) => run(() => fn(item))));
}
