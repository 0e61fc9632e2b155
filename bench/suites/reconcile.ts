/**
 * One tenant's reconcile at 10,000 objects over real wires: the Ramp sandbox
 * over HTTP, DynamoDB Local for the ledger, the journal ERP on disk. Every
 * transaction is synced in Ramp, MARKED in the ledger and posted in the
 * journal, so the run must come out clean. Reports wall time and Ramp list
 * calls against the floor ⌈N/100⌉, and beside it in the same run a naive
 * reconcile — page size 25, one ledger GetItem and one ERP find per object —
 * measured on a subset and extrapolated to N. Quick reconciles 1,000 objects.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import { externalRef } from "../../lib/domain/kinds.js";
import { createJournalErp } from "../../lib/erp/journal/adapter.js";
import { codingContextFromSurface, mapTransaction } from "../../lib/erp/mapping/index.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import type { RampTransaction } from "../../lib/ramp/model.js";
import { companyResolver } from "../../lib/reconcile/company.js";
import { rampSideOf } from "../../lib/reconcile/ramp-side.js";
import { reconcile } from "../../lib/reconcile/run.js";
import { createTable } from "../../lib/store/create-tables.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore } from "../../lib/store/index.js";
import { toLedgerRecord } from "../../lib/store/ledger-item.js";
import { MAIN_TABLE } from "../../lib/store/table.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { manualClock } from "../../local/ramp-sandbox/clock.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const AWS = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
const fig = figureMaker("reconcile");
/** Objects the naive baseline looks up one by one (then extrapolated to N). */
const NAIVE_SUBSET = 200;
const TENANT = "bench";

export default async function reconcileSuite(ctx: BenchContext): Promise<SuiteOutput> {
  const N = Number(process.env.RECONCILE_BENCH_N ?? (ctx.quick ? 1_000 : 10_000));
  const log = ctx.log;
  // One DynamoDB Local serves every suite: a table of our own.
  const table = `bench-reconcile-${randomUUID().slice(0, 8)}`;
  // A fixed clock: every seeded date falls in 2026, after the demo books' closed 2025.
  const sb = await startSandbox({
    port: 0,
    seed: 9,
    log: () => {},
    clock: manualClock(Date.UTC(2026, 5, 15, 12)),
    transactions: N,
    reimbursements: 0,
    bills: 0,
    transfers: 0,
    cashbacks: 0,
    vendorCredits: 0,
    entities: 1,
    // Two currencies: with one, the seed has no foreign currency to pick for foreign charges (it throws).
    currencies: ["USD", "EUR"],
    config: { rateLimit: { limit: 100_000 } },
  });
  const control = sandboxControl(sb.url);
  // Uncoded spend: the seed's own coding names accounts no ERP company owns (every line posts to
  // the company's default expense instead, which reconcile predicts from the same rule).
  for (const biz of sb.state.businesses.values())
    for (const t of biz.transactions.page(undefined, Number.MAX_SAFE_INTEGER, () => true).items) {
      t.header = [];
      for (const l of t.lines) l.selections = [];
    }
  try {
    const raw = new DynamoDBClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
    await createTable(raw, table, MAIN_TABLE);
    raw.destroy();
    const doc = createDocumentClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
    const store = createStore({ doc, tableName: table });
    const ramp = createRampClient({
      tenantId: TENANT,
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
    });
    const entityIds: string[] = [];
    for await (const e of ramp.listEntities()) entityIds.push(e.id);
    const tenant = parseTenantConfig({
      tenantId: TENANT,
      displayName: "Bench",
      ramp: { remoteProviderName: "Journal" },
      erp: { kind: "journal", path: "books.journal" },
      companies: demoCompanies(),
      entities: entityIds.map((rampEntityId) => ({ rampEntityId, companyKey: "demo" })),
    });
    const path = join(await mkdtemp(join(tmpdir(), "reconcile-bench-")), "books.journal");
    await createDemoJournal(path);
    const erp = createJournalErp(path);

    // The world: every transaction posted to the journal, MARKED in the ledger, synced in Ramp.
    const setup0 = performance.now();
    log("listing and posting the world");
    const txs: RampTransaction[] = [];
    for await (const t of ramp.listTransactions({ pageSize: 100 })) txs.push(t);
    const coding = codingContextFromSurface(await erp.readSurface());
    const erpIds = new Map<string, string>();
    for (let i = 0; i < txs.length; i += 500) {
      const postings = txs.slice(i, i + 500).map((t) => mapTransaction(t, tenant, coding));
      const outcomes = await erp.postBatch(postings);
      outcomes.forEach((o, j) => {
        if (!o.ok) throw new Error(`posting ${postings[j]?.rampId}: ${o.error.message}`);
        erpIds.set(postings[j]?.rampId as string, o.result.erpId);
      });
    }
    log(`posted ${erpIds.size}; writing ledger rows`);
    const at = Date.now();
    for (let i = 0; i < txs.length; i += 25) {
      const items = txs.slice(i, i + 25).map((t) =>
        toLedgerRecord({
          tenantId: TENANT,
          kind: "transaction",
          rampId: t.id,
          state: "MARKED",
          rev: 3,
          attempts: 0,
          told: false,
          erpRef: erpIds.get(t.id) as string,
          fingerprint: "bench",
          createdAt: at,
          updatedAt: at,
        }),
      );
      await doc.send(
        new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
    await control("POST", "/export", { ids: txs.map((t) => t.id) });
    const setupSeconds = (performance.now() - setup0) / 1000;

    const listCalls = async () =>
      (await control<{ byRoute: Record<string, number> }>("GET", "/stats")).byRoute[
        "GET /developer/v1/transactions"
      ] ?? 0;

    log("reconciling");
    // Reconcile as `ops reconcile` runs it.
    await control("POST", "/stats/reset");
    const t0 = performance.now();
    const { report, stats } = await reconcile(
      { ramp: rampSideOf(ramp, companyResolver(tenant)), store, erp, now: Date.now },
      // The world is posted straight into the journal, without its receipts (tenant setting off).
      { tenantId: TENANT, kinds: ["transaction"], window: { since: null }, receipts: false },
    );
    const seconds = (performance.now() - t0) / 1000;
    const calls = await listCalls();
    if (!report.clean) throw new Error(`expected a clean world, got ${report.mismatches.length} mismatches`);

    log(`reconciled in ${seconds.toFixed(1)} s; naive baseline`);
    // The naive reconcile: small pages, then one ledger read and one ERP lookup per object.
    await control("POST", "/stats/reset");
    const n0 = performance.now();
    const listed: RampTransaction[] = [];
    for await (const t of ramp.listTransactions({ pageSize: 25 })) listed.push(t);
    const naiveListSeconds = (performance.now() - n0) / 1000;
    const naiveCalls = await listCalls();
    const p0 = performance.now();
    for (const t of listed.slice(0, NAIVE_SUBSET)) {
      await store.ledger.get(TENANT, "transaction", t.id);
      await erp.find(externalRef("transaction", t.id), "demo");
    }
    const perObject = (performance.now() - p0) / 1000 / NAIVE_SUBSET;
    doc.destroy();
    await erp.close();

    const objects = report.kinds.reduce((a, k) => a + k.ramp.objects, 0);
    const naiveSeconds = naiveListSeconds + perObject * objects;
    const detail = {
      objects,
      setupSeconds: round(setupSeconds),
      reconcile: {
        seconds: round(seconds),
        objectsPerSecond: Math.round(objects / seconds),
        rampListCalls: calls,
        floorListCalls: Math.ceil(objects / 100),
        ledgerReads: stats.ledgerReads,
        erpFindManyCalls: stats.erpCalls,
        clean: report.clean,
      },
      naive: {
        pageSize: 25,
        rampListCalls: naiveCalls,
        listSeconds: round(naiveListSeconds),
        perObjectLookupMs: round(perObject * 1000),
        measuredOn: NAIVE_SUBSET,
        extrapolatedSeconds: round(naiveSeconds),
        dynamoCalls: objects,
        erpCalls: objects,
      },
    };
    const label = `reconcile ${objects.toLocaleString("en-US")} tx`;
    return {
      figures: [
        fig("wall", `${label}: wall`, seconds * 1000, "ms", {
          baseline: naiveSeconds * 1000,
          note: `baseline: page size 25, one GetItem and one ERP find per object (measured on ${NAIVE_SUBSET}, extrapolated)`,
        }),
        fig("rate", `${label}: rate`, objects / seconds, "objects/s"),
        fig("list-calls", `${label}: Ramp list calls`, calls, "calls", {
          floor: Math.ceil(objects / 100),
          note: `naive: ${naiveCalls}`,
        }),
        fig("ledger-reads", `${label}: batched ledger reads`, stats.ledgerReads, "calls", {
          note: `naive: ${objects} GetItem`,
        }),
        fig("erp-find-many", `${label}: ERP findMany calls`, stats.erpCalls, "calls", {
          note: `naive: ${objects} find`,
        }),
      ],
      detail,
    };
  } finally {
    await sb.close();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
