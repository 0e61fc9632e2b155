/**
 * Ramp sandbox under load: 100k spend objects in memory, latency of serving a 100-item page over
 * real HTTP on loopback (the issue's target: < 5 ms p50). Walks keyset pages from deterministic
 * start positions so every request does a real binary search + filtered scan + serialisation.
 * Quick seeds a tenth of the objects (10k): the page cost is a binary search, so its latency
 * barely moves, and the seed takes a tenth of the time.
 */
import { startSandbox } from "../../local/ramp-sandbox/server.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("sandbox-page");
const TARGET_P50_MS = 5;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return Number((sorted[i] ?? 0).toFixed(3));
}

async function timePages(
  url: string,
  token: string,
  path: string,
  starts: string[],
): Promise<Record<string, number>> {
  const times: number[] = [];
  let bytes = 0;
  for (const start of starts) {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}${start ? `&start=${start}` : ""}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
    bytes += text.length;
  }
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    p50_ms: percentile(times, 50),
    p95_ms: percentile(times, 95),
    p99_ms: percentile(times, 99),
    max_ms: percentile(times, 100),
    avg_page_kib: Number((bytes / times.length / 1024).toFixed(1)),
  };
}

export default async function sandboxPage(ctx: BenchContext): Promise<SuiteOutput> {
  const scale = ctx.quick ? 0.1 : 1;
  const counts = {
    transactions: 70_000 * scale,
    reimbursements: 15_000 * scale,
    bills: 10_000 * scale,
    transfers: 2_500 * scale,
    cashbacks: 2_500 * scale,
  };
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const sb = await startSandbox({
    port: 0,
    seed: 7,
    ...counts,
    log: () => {},
    config: { rateLimit: { enabled: false } },
  });
  const seedMs = performance.now() - t0;
  try {
    const biz = sb.state.businesses.get(sb.businessId);
    if (!biz) throw new Error("no business");
    const objects =
      biz.transactions.size +
      biz.reimbursements.size +
      biz.bills.size +
      biz.transfers.size +
      biz.cashbacks.size;
    const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const tok = (await (
      await fetch(`${sb.url}/developer/v1/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString("base64")}`,
        },
        body: "grant_type=client_credentials&scope=transactions:read bills:read",
      })
    ).json()) as { access_token: string };
    const txIds = biz.transactions.all();
    const billIds = biz.bills.all();
    const starts = (ids: readonly { id: string }[], n: number) =>
      Array.from({ length: n }, (_, i) =>
        i === 0 ? "" : (ids[Math.floor((i * 7919) % ids.length)]?.id ?? ""),
      );
    // Warm-up (JIT, sockets), not measured.
    await timePages(sb.url, tok.access_token, "/developer/v1/transactions?page_size=100", starts(txIds, 50));
    const transactions = await timePages(
      sb.url,
      tok.access_token,
      "/developer/v1/transactions?page_size=100",
      starts(txIds, 500),
    );
    const readyTransactions = await timePages(
      sb.url,
      tok.access_token,
      "/developer/v1/transactions?page_size=100&sync_status=SYNC_READY",
      starts(txIds, 500),
    );
    const readyBills = await timePages(
      sb.url,
      tok.access_token,
      "/developer/v1/bills?page_size=100&sync_ready=true",
      starts(billIds, 300),
    );
    const detail = {
      objects,
      counts,
      seed_ms: Math.round(seedMs),
      heap_growth_mib: Number(heapMiB.toFixed(1)),
      target: "100-item page p50 < 5 ms",
      page_of_100_transactions: transactions,
      page_of_100_sync_ready_transactions: readyTransactions,
      page_of_100_sync_ready_bills: readyBills,
    };
    const goal = `p50 < ${TARGET_P50_MS} ms`;
    const note = `${objects.toLocaleString("en-US")} objects in memory`;
    const p50 = (t: Record<string, number>) => t.p50_ms ?? Number.NaN;
    return {
      figures: [
        fig("seed", "sandbox seed", seedMs, "ms", { note }),
        fig("heap", "sandbox heap growth", Number(heapMiB.toFixed(1)), "MiB", { note }),
        fig("transactions-p50", "page of 100 transactions: p50", p50(transactions), "ms", { goal, note }),
        fig(
          "ready-transactions-p50",
          "page of 100 SYNC_READY transactions: p50",
          p50(readyTransactions),
          "ms",
          {
            goal,
          },
        ),
        fig("ready-bills-p50", "page of 100 sync_ready bills: p50", p50(readyBills), "ms", { goal }),
        fig("transactions-p99", "page of 100 transactions: p99", transactions.p99_ms ?? Number.NaN, "ms"),
      ],
      detail,
    };
  } finally {
    await sb.close();
  }
}
