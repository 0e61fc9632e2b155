/**
 * Journal ERP throughput: postings/s one at a time (one write + fsync each),
 * concurrently through post() (serialised by the file lock), and via postBatch
 * (one write + fsync per batch); plus the cold parse of the resulting file.
 * Figures are ms per posting, so the one-at-a-time cost is the baseline of the others
 * (ratio = how many times cheaper).
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createJournalErp } from "../../lib/erp/journal/adapter.js";
import type { CardTransactionPosting } from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";
import { createDemoJournal } from "../../local/demo-journal.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("journal-post");

function posting(i: number, prefix: string): CardTransactionPosting {
  return {
    kind: "transaction",
    ref: `ramp:transaction:${prefix}-${i}`,
    rampId: `${prefix}-${i}`,
    companyKey: "demo",
    date: "2026-04-02",
    currency: "USD",
    memo: `bench ${i}`,
    link: null,
    lines: [
      {
        accountRemoteId: "demo:Expenses:Meals",
        amount: money(1_000 + i, "USD"),
        tax: { taxCodeRemoteId: "demo:tax/SALES10", amount: money(100, "USD") },
        dimensions: [{ fieldRemoteId: "field:department", optionRemoteId: "demo:department/Engineering" }],
        memo: null,
      },
    ],
    creditAccountRemoteId: "demo:Liabilities:Ramp Card",
    vendorRemoteId: "demo:Office Depot",
    merchantName: null,
    originalAmount: null,
  };
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

export default async function journalPost(ctx: BenchContext): Promise<SuiteOutput> {
  // Every post() fsyncs: quick keeps the one-at-a-time passes to a few seconds.
  const N = ctx.quick ? 50 : 1_000;
  const dir = await mkdtemp(join(tmpdir(), "journal-bench-"));
  try {
    const path = join(dir, "bench.journal");
    await createDemoJournal(path);
    const erp = createJournalErp(path);

    let t = performance.now();
    for (let i = 0; i < N; i++) await erp.post(posting(i, "seq"));
    const sequentialMs = performance.now() - t;

    t = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => erp.post(posting(i, "conc"))));
    const concurrentMs = performance.now() - t;

    t = performance.now();
    const size = erp.capabilities.maxBatchSize;
    for (let i = 0; i < N; i += size) {
      await erp.postBatch(Array.from({ length: Math.min(size, N - i) }, (_, k) => posting(i + k, "batch")));
    }
    const batchMs = performance.now() - t;

    t = performance.now();
    const replays = await erp.postBatch(Array.from({ length: N }, (_, i) => posting(i, "seq")));
    const replayMs = performance.now() - t;
    if (replays.some((o) => !o.ok || o.result.created)) throw new Error("replay created entries");

    const cold = createJournalErp(path);
    t = performance.now();
    await cold.find("ramp:transaction:seq-0", "demo");
    const coldParseMs = performance.now() - t;
    const bytes = (await stat(path)).size;

    const perPosting = (ms: number) => ms / N;
    const note = `${N} postings into the demo journal`;
    const detail = {
      postings: N,
      sequentialPostPerSec: rate(N, sequentialMs),
      concurrentPostPerSec: rate(N, concurrentMs),
      batchSize: size,
      postBatchPerSec: rate(N, batchMs),
      idempotentReplayPerSec: rate(N, replayMs),
      coldParseMs: Math.round(coldParseMs),
      journalEntries: 3 * N,
      journalBytes: bytes,
    };
    return {
      figures: [
        fig("post", "journal post(), one at a time", perPosting(sequentialMs), "ms/posting", { note }),
        fig("post-concurrent", "journal post(), all at once", perPosting(concurrentMs), "ms/posting", {
          baseline: perPosting(sequentialMs),
          note: "serialised by the file lock",
        }),
        fig("post-batch", `journal postBatch(${size})`, perPosting(batchMs), "ms/posting", {
          baseline: perPosting(sequentialMs),
          note: "one write + fsync per batch",
        }),
        fig("replay", "journal postBatch replay (all exist)", perPosting(replayMs), "ms/posting", {
          baseline: perPosting(sequentialMs),
        }),
        fig("cold-parse", `journal cold parse (${3 * N} entries)`, coldParseMs, "ms"),
      ],
      detail,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
