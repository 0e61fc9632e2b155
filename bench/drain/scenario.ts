/**
 * One end-to-end drain, measured: a Ramp sandbox business with N ready objects,
 * coded against the chart coa-push uploaded from a journal ERP, then the poll
 * schedule, every queue drained through the real handlers on the local stack
 * (DynamoDB Local, fauxqs, the Secrets Manager stand-in) with W pollers per
 * event source mapping, and the report sweep. What it returns is what the
 * sandbox counted (Ramp calls by route, 429s), what the functions' AWS clients
 * sent, and the wall time of poll → drain → sweep.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";
import { startLocalStack } from "../../local/runtime/stack.js";

export interface DrainCounts {
  transactions: number;
  bills?: number;
  reimbursements?: number;
  transfers?: number;
  cashbacks?: number;
  vendorCredits?: number;
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
  objects: number;
  synced: number;
  failed: number;
  /** Poll schedule → queues empty → sweep done. */
  wallMs: number;
  phasesMs: { pollTick: number; drain: number; sweep: number; erpWrites: number };
  objectsPerSecond: number;
  rampCalls: { total: number; byRoute: Record<string, number>; rateLimited: number };
  awsCalls: { dynamodb: number; sqs: number; byCommand: Record<string, number> };
  syncerInvocations: number;
  handlerErrors: number;
}

const TENANT = "bench";

export async function runDrain(o: DrainOptions): Promise<DrainFigures> {
  const dir = mkdtempSync(join(tmpdir(), "bench-drain-"));
  mkdirSync(join(dir, TENANT), { recursive: true });
  await createDemoJournal(join(dir, TENANT, "books.journal"));
  const [us, eu] = demoCompanies();
  if (!us || !eu) throw new Error("the demo journal has two companies");
  const c = o.counts;
  const sb = await startSandbox({
    port: 0,
    seed: o.seed ?? 11,
    log: () => {},
    transactions: c.transactions,
    bills: c.bills ?? 0,
    reimbursements: c.reimbursements ?? 0,
    transfers: c.transfers ?? 0,
    cashbacks: c.cashbacks ?? 0,
    vendorCredits: c.vendorCredits ?? 0,
    readyShare: 1,
    // The demo journal's two companies, one entity each (as `npm run demo`): objects split between them.
    entities: [
      { name: "Acme Corp", currency: "USD" },
      { name: "Acme Europe", currency: "EUR" },
    ],
    currencies: ["USD", "EUR"],
  });
  let handlerErrors = 0;
  const stack = await startLocalStack({
    dynamoEndpoint: o.dynamoEndpoint,
    env: { LOG_LEVEL: "SILENT", JOURNAL_ROOT: dir },
    concurrency: o.workers,
    onHandlerError: () => {
      handlerErrors++;
    },
  });
  const control = sandboxControl(sb.url);
  try {
    const entities = await control<Array<{ id: string; entity_name: string }>>("GET", "/entities");
    const idOf = (name: string) => entities.find((e) => e.entity_name === name)?.id ?? "";
    const map = { [idOf("Acme Corp")]: us.key, [idOf("Acme Europe")]: eu.key };
    stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
    });
    await stack.saveTenant({
      tenantId: TENANT,
      displayName: "Bench",
      version: 0,
      ramp: {
        baseUrl: sb.url,
        remoteProviderName: "Journal (bench)",
        settings: { vendorCreationOnSync: true, vendorCredits: true },
      },
      erp: { kind: "journal", path: "books.journal" },
      companies: [us, eu],
      entities: Object.entries(map).map(([rampEntityId, companyKey]) => ({ rampEntityId, companyKey })),
      objectTypes: { vendorCredits: true },
      coa: { pushTax: false },
    });
    const push = await stack.coaPush(TENANT);
    if (push.failures.length) throw new Error(`coa-push refused items: ${JSON.stringify(push.failures)}`);
    await control("POST", "/code", {
      seed: o.seed ?? 11,
      vendorless_share: o.vendorlessShare ?? 0,
      entity_remote_ids: map,
    });
    await control("POST", "/stats/reset");
    stack.resetAwsCalls();

    const t0 = performance.now();
    await stack.pollSchedule();
    const t1 = performance.now();
    const drain = await stack.drain({ idleMs: 100 });
    const t2 = performance.now();
    await stack.sweep();
    const wallMs = performance.now() - t0;
    const phasesMs = {
      pollTick: Math.round(t1 - t0),
      drain: Math.round(t2 - t1),
      sweep: Math.round(performance.now() - t2),
      // Time inside ERP writes (ErpPostLatency), summed over calls: the journal's append + read-back.
      erpWrites: Math.round(stack.metrics.values("ErpPostLatency").reduce((n, v) => n + v.value, 0)),
    };

    const stats = await control<{ byRoute: Record<string, number>; rateLimited: number }>("GET", "/stats");
    const syncs = await control<Array<{ syncType: string; successful: string[]; failed: string[] }>>(
      "GET",
      "/syncs",
    );
    const aws = stack.awsCalls();
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
    const objects = synced + failed;
    return {
      reported,
      objects,
      synced,
      failed,
      wallMs: Math.round(wallMs),
      phasesMs,
      objectsPerSecond: Math.round((objects / wallMs) * 1000),
      rampCalls: {
        total: Object.values(stats.byRoute).reduce((a, b) => a + b, 0),
        byRoute: stats.byRoute,
        rateLimited: stats.rateLimited,
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
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
