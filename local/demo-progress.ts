/**
 * Live progress of one long demo step, per kind: how many objects were due, how many the
 * syncer posted to the ERP, how many Ramp now shows reported (synced), failures so far, the
 * rate and an ETA — plain, `transaction 120/3000 (410 posted) 2 failed`: reported of due,
 * posted while more than reported, failures when any. On a terminal a cli-progress bar per kind, redrawn every second; elsewhere
 * (CI, a pipe) one plain line per tick of a 5 s timer, so a log shows the run moving without
 * a flood. The timer and the clock are injected: tests drive them with fake timers.
 */
import cliProgress from "cli-progress";

export interface KindProgress {
  kind: string;
  /** Objects this step has to get through (e.g. Ramp's ready objects when it began). */
  due: number;
  /** Reached the ERP (reported ones included). */
  posted: number;
  /** Ramp shows them synced (for a step that is not a sync: done). */
  reported: number;
  failed: number;
}

export interface Ticker {
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const timerTicker: Ticker = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};

export interface ProgressOptions {
  label: string;
  sample: () => Promise<KindProgress[]>;
  out: (line: string) => void;
  /** A terminal gets bars; anything else plain lines. */
  tty: boolean;
  ticker?: Ticker;
  now?: () => number;
  /** Plain-line period (default 5 s); bars redraw every second. */
  intervalMs?: number;
}

export const PLAIN_INTERVAL_MS = 5_000;

const secs = (ms: number) => `${Math.round(ms / 1000)}s`;

/**
 * Rate (objects through the ERP per second since the start) and ETA of the remainder, in
 * words. Posted, not reported, counts: Ramp is told in batches (the reporter's flush, the
 * sweep), so reported moves in steps while posted moves with the work.
 */
export function pace(kinds: readonly KindProgress[], elapsedMs: number): { rate: number; eta: string } {
  const due = kinds.reduce((a, k) => a + k.due, 0);
  const done = kinds.reduce((a, k) => a + Math.min(k.due, Math.max(k.posted, k.reported) + k.failed), 0);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  if (done >= due) return { rate, eta: "done" };
  return { rate, eta: rate > 0 ? `ETA ${secs(((due - done) / rate) * 1000)}` : "ETA -" };
}

/** One plain progress line (pure). */
export function progressLine(label: string, kinds: readonly KindProgress[], elapsedMs: number): string {
  const shown = kinds.filter((k) => k.due > 0 || k.posted > 0 || k.failed > 0);
  const parts = shown.map(
    (k) =>
      `${k.kind} ${k.reported}/${k.due}${k.posted > k.reported ? ` (${k.posted} posted)` : ""}${k.failed ? ` ${k.failed} failed` : ""}`,
  );
  const { rate, eta } = pace(kinds, elapsedMs);
  return `  [${secs(elapsedMs)}] ${label}: ${parts.join(" · ") || "nothing due"} · ${rate.toFixed(1)}/s · ${eta}`;
}

export interface Progress {
  /** Takes a last sample, prints it, and stops the timer. */
  stop(): Promise<KindProgress[]>;
}

export function startProgress(o: ProgressOptions): Progress {
  const now = o.now ?? Date.now;
  const ticker = o.ticker ?? timerTicker;
  const started = now();
  let last: KindProgress[] = [];
  let sampling: Promise<void> | null = null;
  const bars = o.tty ? barsFor(o.label) : null;

  const tick = () => {
    // A slow sample (a busy table) is not stacked up: the next tick waits for it.
    if (sampling) return;
    sampling = o
      .sample()
      .then((kinds) => {
        last = kinds;
        if (bars) bars.update(kinds, now() - started);
        else o.out(progressLine(o.label, kinds, now() - started));
      })
      .catch((err: unknown) => o.out(`  (progress not read: ${err instanceof Error ? err.message : err})`))
      .finally(() => {
        sampling = null;
      });
  };
  const cancel = ticker.every(bars ? 1_000 : (o.intervalMs ?? PLAIN_INTERVAL_MS), tick);
  return {
    async stop() {
      cancel();
      await sampling;
      last = await o.sample().catch(() => last);
      if (bars) {
        bars.update(last, now() - started);
        bars.stop();
      }
      o.out(progressLine(o.label, last, now() - started).replace("[", "[done in "));
      return last;
    },
  };
}

/** One bar per kind (value = reported + failed of due), with posted and failed as payload. */
function barsFor(label: string) {
  const multi = new cliProgress.MultiBar(
    {
      format: `  ${label} {kind} [{bar}] {value}/{total} · {posted} posted · {failed} failed · {rate}/s · {eta_text}`,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(kinds: readonly KindProgress[], elapsedMs: number) {
      const { rate, eta } = pace(kinds, elapsedMs);
      for (const k of kinds) {
        if (k.due === 0 && k.posted === 0 && k.failed === 0) continue;
        const payload = {
          kind: k.kind.padEnd(13),
          posted: k.posted,
          failed: k.failed,
          rate: rate.toFixed(1),
          eta_text: eta,
        };
        let bar = bars.get(k.kind);
        if (!bar) {
          bar = multi.create(k.due, 0, payload);
          bars.set(k.kind, bar);
        }
        bar.setTotal(k.due);
        bar.update(Math.min(k.due, k.reported + k.failed), payload);
      }
    },
    stop: () => multi.stop(),
  };
}
