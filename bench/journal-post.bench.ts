/**
 * Journal ERP throughput: postings/s one at a time (one write + fsync each),
 * concurrently through post() (serialised by the file lock), and via postBatch
 * (one write + fsync per batch); plus the cold parse of the resulting file.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createJournalErp } from "../lib/erp/journal/adapter.js";
import type { CardTransactionPosting } from "../lib/erp/port.js";
import { money } from "../lib/money/index.js";
import { createDemoJournal } from "../local/demo-journal.js";

const N = 1_000;

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

export default async function bench() {
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

    return {
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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
