/**
 * The end-to-end drain (bench/drain/scenario.ts) at growing N and worker counts, its naive
 * baseline (bench/drain/naive.ts) in the same run, and what they say together: Ramp calls
 * against the floor, AWS round trips per object, time, how each grows with N, and the
 * speed-up over the baseline. One suite for both so the speed-up divides two numbers of
 * the same run on the same machine.
 *
 * Full: transactions at N = 100, 1,000, 10,000 with 8 workers; 10,000 with 4; 1,000 with 1
 * (and 10,000 with 1 only if 1,000 suggests it takes under 5 minutes); a mixed 10,000
 * across every kind; 1,000 with a fifth of transactions vendorless; naive at 1,000.
 * Quick (CI): 100 and 1,000 with 8 workers, naive at 100.
 */
import { drainRunFigures, growthFigures, type SeriesPoint } from "../drain/figures.js";
import { type NaiveFigures, runNaive } from "../drain/naive.js";
import { type DrainCounts, type DrainFigures, mixedCounts, runDrain } from "../drain/scenario.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, Figure, SuiteOutput } from "../schema.js";

const fig = figureMaker("drain");
/** A 10,000 × 1-worker drain is skipped when 1,000 × 1 worker predicts more than this. */
const ONE_WORKER_10K_MAX_MS = 5 * 60_000;

interface Run {
  key: string;
  label: string;
  counts: DrainCounts;
  workers: number;
  vendorlessShare?: number;
}

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const tx = (n: number, workers: number): Run => ({
  key: `tx-${k(n)}-w${workers}`,
  label: `${k(n)} tx ×${workers}w`,
  counts: { transactions: n },
  workers,
});

export default async function drainSuite(ctx: BenchContext): Promise<SuiteOutput> {
  const figures: Figure[] = [];
  const runs: Record<string, DrainFigures> = {};
  const notes: string[] = [];
  const drain = async (run: Run): Promise<DrainFigures> => {
    ctx.log(`drain ${run.key} …`);
    const d = await runDrain({
      dynamoEndpoint: ctx.dynamoEndpoint,
      counts: run.counts,
      workers: run.workers,
      ...(run.vendorlessShare !== undefined ? { vendorlessShare: run.vendorlessShare } : {}),
    });
    ctx.log(`drain ${run.key}: ${d.objects} objects in ${(d.wallMs / 1000).toFixed(1)} s`);
    if (d.handlerErrors > 0) notes.push(`${run.key}: ${d.handlerErrors} handler errors (batches retried)`);
    runs[run.key] = d;
    figures.push(...drainRunFigures(fig, run.key, run.label, d));
    return d;
  };

  // The growth series: transactions at 8 workers.
  const sizes = ctx.quick ? [100, 1_000] : [100, 1_000, 10_000];
  const series: SeriesPoint[] = [];
  for (const n of sizes) series.push({ n, drain: await drain(tx(n, 8)) });
  figures.push(...growthFigures(fig, "tx ×8w", series));

  if (!ctx.quick) {
    await drain(tx(10_000, 4));
    const one = await drain(tx(1_000, 1));
    // At 1 worker the per-object part dominates: 10× the 1,000 drain is the estimate for 10,000.
    const predicted = one.wallMs * 10;
    if (predicted <= ONE_WORKER_10K_MAX_MS) await drain(tx(10_000, 1));
    else {
      const note =
        `10k tx ×1w not run: 1k tx ×1w took ${(one.wallMs / 1000).toFixed(0)} s, so 10k would take ` +
        `~${(predicted / 1000).toFixed(0)} s (> ${ONE_WORKER_10K_MAX_MS / 60_000} min); 1 worker is measured at 1,000 only`;
      notes.push(note);
      // Said where the reader looks: on the 1-worker wall figure too.
      const wall = figures.find((f) => f.id === `drain.${tx(1_000, 1).key}.wall`);
      if (wall) wall.note = `${wall.note ?? ""}; ${note}`;
    }
    await drain({ key: "mixed-10k-w8", label: "10k mixed ×8w", counts: mixedCounts(10_000), workers: 8 });
    await drain({
      key: "vendorless-1k-w8",
      label: "1k tx 20% vendorless ×8w",
      counts: { transactions: 1_000 },
      workers: 8,
      vendorlessShare: 0.2,
    });
  }

  const naiveN = ctx.quick ? 100 : 1_000;
  ctx.log(`naive baseline at ${naiveN} …`);
  const naive = await runNaive({ transactions: naiveN });
  ctx.log(`naive: ${naive.objects} objects in ${(naive.wallMs / 1000).toFixed(1)} s`);
  figures.push(...naiveFigures(naive, runs, series));
  for (const note of notes) ctx.log(`drain: ${note}`);
  return { figures, detail: { runs, naive, notes } };
}

function naiveFigures(
  naive: NaiveFigures,
  runs: Record<string, DrainFigures>,
  series: readonly SeriesPoint[],
): Figure[] {
  const n = naive.objects;
  const label = `naive ${k(n)} tx`;
  const out: Figure[] = [
    fig("naive.wall", `${label}: wall`, naive.wallMs, "ms", {
      note: "list, then per object GET /transactions/{id} → journal post → POST /accounting/syncs, one at a time",
    }),
    fig("naive.ramp-calls", `${label}: Ramp calls`, naive.rampCalls.total, "calls"),
    fig("naive.rate", `${label}: rate`, naive.wallMs ? (n / naive.wallMs) * 1000 : 0, "objects/s"),
  ];
  const same = runs[tx(n, 8).key];
  if (same) {
    out.push(
      fig(`speedup.${k(n)}`, `drain vs naive at ${k(n)} tx (×8w)`, naive.wallMs / same.wallMs, "×", {
        note: `naive ${naive.wallMs} ms / drain ${same.wallMs} ms, same run`,
      }),
    );
  }
  const tenK = series.find((p) => p.n === 10_000)?.drain;
  if (tenK && n > 0) {
    // The listing grows with pages, the rest with objects. A 10k naive run alone is ~1,000 s.
    const naive10k = naive.listMs * (10_000 / n) + naive.perObjectMs * 10_000;
    out.push(
      fig("speedup.10k", "drain vs naive at 10k tx (×8w)", naive10k / tenK.wallMs, "×", {
        note:
          `naive 10k extrapolated from its measured per-object rate at ${k(n)} ` +
          `(${naive.perObjectMs.toFixed(1)} ms/object → ~${(naive10k / 1000).toFixed(0)} s); drain 10k measured (${tenK.wallMs} ms)`,
      }),
    );
  }
  return out;
}
