/**
 * The naive baseline a drain is compared with: the same world (bench/drain/world.ts: same
 * seed, same sandbox, same journal ERP) and no local stack, no queues, no ledger. It lists
 * what is ready, then for each transaction, one after another: `GET /transactions/{id}`,
 * the posting through the real journal adapter, and one `POST /accounting/syncs` carrying
 * that one id — all through the real Ramp client over HTTP, so it waits on Ramp's rate
 * limit exactly as the real client does. It is what an integration written without the
 * snapshot-in-message and batched reports (ARCHITECTURE "Performance shape") would do.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pushCoa } from "../../lib/coa/index.js";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import { createJournalErp } from "../../lib/erp/journal/adapter.js";
import { codingContextFromSurface, mapTransaction } from "../../lib/erp/mapping/index.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { sampleRss } from "./peak-rss.js";
import { startWorld, TENANT } from "./world.js";

export interface NaiveOptions {
  transactions: number;
  seed?: number;
}

export interface NaiveFigures {
  objects: number;
  synced: number;
  failed: number;
  /** Listing the ready ids, then every object's get → post → report. */
  wallMs: number;
  /** The per-object part alone (after the listing): what a larger N multiplies. */
  perObjectMs: number;
  listMs: number;
  objectsPerSecond: number;
  rampCalls: { total: number; byRoute: Record<string, number>; rateLimited: number };
  peakRssMb: number;
}

export async function runNaive(o: NaiveOptions): Promise<NaiveFigures> {
  const world = await startWorld({ transactions: o.transactions }, o.seed);
  const { sb, control } = world;
  const erp = createJournalErp(world.journalPath);
  try {
    const tenant = parseTenantConfig(world.tenant);
    const ramp = createRampClient({
      tenantId: TENANT,
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
    });
    // Setup, not measured: the chart in Ramp, every object coded against it (as the drain's world).
    const push = await pushCoa({ client: ramp, erp }, { tenant });
    if (push.report.failures.length)
      throw new Error(`coa-push refused items: ${JSON.stringify(push.report.failures)}`);
    await world.code(0);
    const coding = codingContextFromSurface(await erp.readSurface());
    await control("POST", "/stats/reset");

    const rss = sampleRss();
    const t0 = performance.now();
    const ids: string[] = [];
    for await (const t of ramp.listTransactions({ syncStatus: "SYNC_READY", pageSize: 100 })) ids.push(t.id);
    const t1 = performance.now();
    let synced = 0;
    let failed = 0;
    for (const id of ids) {
      const t = await ramp.getTransaction(id);
      try {
        const { erpId } = await erp.post(mapTransaction(t, tenant, coding));
        await ramp.postSync({
          idempotency_key: randomUUID(),
          sync_type: "TRANSACTION_SYNC",
          successful_syncs: [{ id, reference_id: erpId }],
        });
        synced++;
      } catch (err) {
        await ramp.postSync({
          idempotency_key: randomUUID(),
          sync_type: "TRANSACTION_SYNC",
          failed_syncs: [{ id, error: { message: err instanceof Error ? err.message : String(err) } }],
        });
        failed++;
      }
    }
    const t2 = performance.now();
    const peakRssMb = rss.stop();
    const stats = await control<{ byRoute: Record<string, number>; rateLimited: number }>("GET", "/stats");
    const objects = ids.length;
    return {
      objects,
      synced,
      failed,
      wallMs: Math.round(t2 - t0),
      perObjectMs: objects ? (t2 - t1) / objects : 0,
      listMs: Math.round(t1 - t0),
      objectsPerSecond: Math.round((objects / (t2 - t0)) * 1000),
      rampCalls: {
        total: Object.values(stats.byRoute).reduce((a, b) => a + b, 0),
        byRoute: stats.byRoute,
        rateLimited: stats.rateLimited,
      },
      peakRssMb,
    };
  } finally {
    await erp.close();
    await world.close();
  }
}
