/**
 * One end-to-end drain, measured: a Ramp sandbox business with N ready objects,
 * coded against the chart coa-push uploaded from a journal ERP, then the poll
 * schedule, every queue drained through the real handlers on the local stack
 * (DynamoDB Local, fauxqs, the Secrets Manager stand-in) with W pollers per
 * event source mapping, and the report sweep. What it returns is what the
 * sandbox counted (Ramp calls by route, 429s), what the functions' AWS clients
 * sent, and the wall time of poll → drain → sweep; beside them what each listing held
 * per entity before the drain (the floor's input, bench/floor.ts) and the peak RSS.
 */
import { performance } from "node:perf_hooks";
import { enabledSources } from "../../lib/poll/plan.js";
import { startLocalStack } from "../../local/runtime/stack.js";
import type { ListedCount } from "../floor.js";
import { sampleRss } from "./peak-rss.js";
import { readyCounts } from "./ready-counts.js";
import { startWorld, TENANT, type WorldCounts } from "./world.js";

export type DrainCounts = WorldCounts;

/**
 * How long one queue may take to empty before the drain gives up (the local stack's default
 * is 10 minutes). A 10,000-object drain on 2 cores takes several minutes, at 4 workers more:
 * the limit is there to stop a stuck drain, not to time a slow one.
 */
const DRAIN_TIMEOUT_MS = 45 * 60_000;

/**
 * A drain across every kind at `total` objects, in the shares of a card-heavy business
 * (transactions 60 %, reimbursements 20 %, bills 12 %, transfers, cashbacks and vendor
 * credits 3 % each): at 10,000 that is 6,000 / 2,000 / 1,200 / 300 / 300 / 300. These are
 * seed counts: the sandbox adds a paying card charge per card-paid bill, leaves unapproved
 * bills unready, and a bill can owe two phases — what was ready is in DrainFigures.listed.
 */
export function mixedCounts(total: number): Required<DrainCounts> {
  const share = (p: number) => Math.round(total * p);
  return {
    transactions: share(0.6),
    reimbursements: share(0.2),
    bills: share(0.12),
    transfers: share(0.03),
    cashbacks: share(0.03),
    vendorCredits: share(0.03),
  };
}

export interface DrainOptions {
  dynamoEndpoint: string;
  counts: DrainCounts;
  /** Pollers per SQS event source mapping (syncer workers). */
  workers: number;
  /** Share of coded card transactions left without an accounting vendor (vendor creation on sync). */
  vendorlessShare?: number;
  seed?: number;
}

export interface DrainFigures {
  /** What Ramp was told, by sync type: object phases marked synced, failed, and the calls that told it. */
  reported: Record<string, { synced: number; failed: number; calls: number }>;
  /** Work items done: phases told to Ramp (synced + failed) plus vendor credits the ledger marked. */
  objects: number;
  synced: number;
  failed: number;
  /** Vendor credits are never told to Ramp: how many were listed, how many the ledger shows MARKED. */
  vendorCredits: { listed: number; marked: number };
  /** Ready objects per (listing, entity) before the drain: the floor's input. */
  listed: ListedCount[];
  /** Poll schedule → queues empty → sweep done. */
  wallMs: number;
  /** Where the wall time went: the poll schedule's invocation, draining every queue, the sweep. */
  phasesMs: { pollSchedule: number; drain: number; sweep: number };
  /** Peak RSS of the bench process (sandbox + local stack + handlers) during the timed part. */
  peakRssMb: number;
  objectsPerSecond: number;
  /** The export's Ramp API calls (receipts apart: they have their own floor). */
  rampCalls: { total: number; byRoute: Record<string, number>; rateLimited: number };
  /** The receipts attached on the way (issue #17): Ramp receipt reads and file downloads. */
  receipts: { reads: number; downloads: number };
  awsCalls: { dynamodb: number; sqs: number; byCommand: Record<string, number> };
  syncerInvocations: number;
  handlerErrors: number;
}

export async function runDrain(o: DrainOptions): Promise<DrainFigures> {
  const world = await startWorld(o.counts, o.seed);
  let handlerErrors = 0;
  const stack = await startLocalStack({
    dynamoEndpoint: o.dynamoEndpoint,
    env: { LOG_LEVEL: "SILENT", JOURNAL_ROOT: world.root },
    concurrency: o.workers,
    onHandlerError: () => {
      handlerErrors++;
    },
  });
  const { control, sb } = world;
  try {
    stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
    });
    const tenant = await stack.saveTenant({ ...world.tenant, version: 0 });
    const push = await stack.coaPush(TENANT);
    if (push.failures.length) throw new Error(`coa-push refused items: ${JSON.stringify(push.failures)}`);
    await world.code(o.vendorlessShare ?? 0);
    const biz = sb.state.businesses.get(sb.businessId);
    if (!biz) throw new Error("the sandbox has no business");
    const listed = readyCounts(biz, enabledSources(tenant), Object.keys(world.entityMap));
    await control("POST", "/stats/reset");
    stack.resetAwsCalls();

    const rss = sampleRss();
    const t0 = performance.now();
    await stack.pollSchedule();
    const t1 = performance.now();
    const drain = await stack.drain({ idleMs: 100, timeoutMs: DRAIN_TIMEOUT_MS });
    const t2 = performance.now();
    await stack.sweep();
    const wallMs = performance.now() - t0;
    const sweepMs = performance.now() - t2;
    const peakRssMb = rss.stop();

    const stats = await control<{ byRoute: Record<string, number>; rateLimited: number }>("GET", "/stats");
    const exportRoutes = Object.fromEntries(
      Object.entries(stats.byRoute).filter(([r]) => !isReceiptRoute(r)),
    );
    const syncs = await control<Array<{ syncType: string; successful: string[]; failed: string[] }>>(
      "GET",
      "/syncs",
    );
    const aws = stack.awsCalls();
    // After the counted part: these reads are the bench's, not the drain's.
    const credits = listed.filter((l) => l.source === "vendor_credit").reduce((n, l) => n + l.objects, 0);
    const creditRows = await stack.store.ledger.getMany(
      TENANT,
      biz.vendorCredits.all().map((c) => ({ kind: "vendor_credit" as const, rampId: c.id })),
    );
    const marked = [...creditRows.values()].filter((r) => r.state === "MARKED").length;
    const sum = (pred: (k: string) => boolean) =>
      Object.entries(aws).reduce((n, [k, v]) => (pred(k) ? n + v : n), 0);
    const reported: Record<string, { synced: number; failed: number; calls: number }> = {};
    for (const s of syncs) {
      const r = reported[s.syncType] ?? { synced: 0, failed: 0, calls: 0 };
      reported[s.syncType] = {
        synced: r.synced + s.successful.length,
        failed: r.failed + s.failed.length,
        calls: r.calls + 1,
      };
    }
    const synced = Object.values(reported).reduce((n, r) => n + r.synced, 0);
    const failed = Object.values(reported).reduce((n, r) => n + r.failed, 0);
    const objects = synced + failed + marked;
    return {
      reported,
      objects,
      synced,
      failed,
      vendorCredits: { listed: credits, marked },
      listed,
      wallMs: Math.round(wallMs),
      phasesMs: {
        pollSchedule: Math.round(t1 - t0),
        drain: Math.round(t2 - t1),
        sweep: Math.round(sweepMs),
      },
      peakRssMb,
      objectsPerSecond: Math.round((objects / wallMs) * 1000),
      rampCalls: {
        total: Object.values(exportRoutes).reduce((a, b) => a + b, 0),
        byRoute: exportRoutes,
        rateLimited: stats.rateLimited,
      },
      receipts: {
        reads: routeSum(stats.byRoute, (r) => r.startsWith("GET /developer/v1/receipts")),
        downloads: routeSum(stats.byRoute, (r) => r.startsWith("GET /files/")),
      },
      awsCalls: {
        dynamodb: sum((k) => k.startsWith("dynamodb ")),
        sqs: sum((k) => k.startsWith("sqs ")),
        byCommand: aws,
      },
      syncerInvocations: drain.work.invocations,
      handlerErrors,
    };
  } finally {
    await stack.stop();
    await world.close();
  }
}

/** Receipt reads and file downloads: counted apart from the export's calls (their floor is ⌈R/100⌉ and R). */
const isReceiptRoute = (route: string) =>
  route.startsWith("GET /developer/v1/receipts") || route.startsWith("GET /files/");

const routeSum = (byRoute: Record<string, number>, pick: (route: string) => boolean) =>
  Object.entries(byRoute)
    .filter(([r]) => pick(r))
    .reduce((a, [, n]) => a + n, 0);
