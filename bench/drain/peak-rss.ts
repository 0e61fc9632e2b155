/**
 * Peak resident set size of this process while something runs, sampled on an interval
 * (Node has no high-water mark for RSS). The bench process holds the sandbox, the local
 * stack and every handler, so this is their sum — not DynamoDB Local's JVM, a child process.
 */
export interface RssSampler {
  /** Stops sampling; the peak seen, in MiB. */
  stop(): number;
}

export function sampleRss(everyMs = 50): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  // Never keeps the process alive on its own.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round(peak / 1024 / 1024);
    },
  };
}
