/**
 * Set-up shared by the syncer integration tests: the Ramp sandbox over HTTP, a
 * fresh DynamoDB Local table, a demo journal ERP in a temp dir, a tenant whose
 * two Ramp entities map to the journal's two companies, the chart pushed from
 * the journal (coa-push) and the ready objects coded against it. `ready()`
 * lists what a poller would enqueue (every kind, bills per the decision table),
 * recording settles-links like the poller does; `syncer()` builds the core with
 * an injected clock and crash hook.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entityNamesOf } from "../../lib/aws/tenant-runtime.js";
import { pushCoa } from "../../lib/coa/push.js";
import {
  type CompanyConfig,
  type ErpConfig,
  parseTenantConfig,
  type TenantConfig,
} from "../../lib/config/tenant.js";
import { createJournalErp } from "../../lib/erp/index.js";
import { codingContextFromSurface } from "../../lib/erp/mapping/index.js";
import type { ErpPort } from "../../lib/erp/port.js";
import type { RampClient } from "../../lib/ramp/client.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { billPhases, settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import type { CrashHook } from "../../lib/sync/crash-points.js";
import { memoryMetrics } from "../../lib/sync/metrics.js";
import type { TenantRuntime, WorkItem } from "../../lib/sync/process-item.js";
import { createSyncer, type SyncerSettings } from "../../lib/sync/syncer.js";
import { createDemoJournal, demoCompanies, demoJournalText } from "../../local/demo-journal.js";
import { freshTable } from "../support/dynamo-client.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

export const TENANT = "acme";

export interface Harness {
  r: SandboxRamp;
  store: Store;
  /** The table and the DynamoDB Local endpoint it lives on (for handlers in other processes). */
  tableName: string;
  dynamoEndpoint: string;
  tenant: TenantConfig;
  journalPath: string;
  erp: ErpPort;
  rt: () => Promise<TenantRuntime>;
  clock: { now: number };
  entities: Array<{ id: string; entity_name: string; currency: string }>;
  metrics: ReturnType<typeof memoryMetrics>;
  logs: Array<{ level: string; message: string; data?: Record<string, unknown> }>;
  syncer(opts?: {
    owner?: string;
    crash?: CrashHook;
    settings?: Partial<SyncerSettings>;
    erp?: ErpPort;
    ramp?: RampClient;
    /** Another view of the store (e.g. one that fails every call once the worker is "dead"). */
    store?: Store;
    /** Another logger than the in-memory one behind `logs` (e.g. the real Powertools logger). */
    logger?: Parameters<typeof createSyncer>[0]["logger"];
  }): ReturnType<typeof createSyncer>;
  ready(): Promise<WorkItem[]>;
  journalRefs(): Promise<Map<string, number>>;
  object(id: string): Promise<{
    kind: string;
    object: Record<string, unknown>;
    sync: { status: string; reference_id: string | null; last_error: string | null };
  }>;
  syncCalls(): Promise<Array<{ syncType: string; successful: string[]; failed: string[] }>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  seed?: number;
  transactions?: number;
  reimbursements?: number;
  bills?: number;
  transfers?: number;
  cashbacks?: number;
  /** Entities in the sandbox; entities beyond the first two stay unmapped. */
  entities?: number;
  vendorlessShare?: number;
  vendorCreation?: boolean;
  currencies?: string[];
  /** Books of both journal companies closed through this date (the demo default: 2025-12-31). */
  closedThrough?: string;
  /** Turns the transaction Sync Button on for the connection. */
  syncButton?: boolean;
  /**
   * Another ERP than the demo journal (e.g. the live Tryton): its adapter, tenant config and two
   * companies — the USD entity links to the first, the EUR entity to the second.
   */
  erp?: { port: ErpPort; config: ErpConfig; companies: [CompanyConfig, CompanyConfig] };
  /** A DynamoDB Local the test file started itself (a project without the globalSetup, e.g. erp). */
  dynamoEndpoint?: string;
  /** The tenant's currency policy and, per company key, its FX gain/loss account (README "Currency"). */
  fx?: { policy: "erp-rates" | "ramp-rates"; gainLoss?: Record<string, string> };
  /**
   * One ERP company (the demo journal's USD one) and no entity map: every entity of the
   * business posts to it (lib/erp/mapping/company.ts). Pair with `currencies: ["USD"]`.
   */
  singleCompany?: boolean;
}

export async function syncerHarness(o: HarnessOptions = {}): Promise<Harness> {
  const r = await sandboxRamp({
    seed: o.seed ?? 7,
    transactions: o.transactions ?? 6,
    reimbursements: o.reimbursements ?? 2,
    bills: o.bills ?? 0,
    transfers: o.transfers ?? 1,
    cashbacks: o.cashbacks ?? 1,
    entities: o.entities ?? 2,
    currencies: o.currencies ?? ["USD", "EUR"],
  });
  const { doc, tableName, endpoint: dynamoEndpoint } = await freshTable("syncer", o.dynamoEndpoint);
  const clock = { now: Date.UTC(2026, 5, 15, 12) };
  const store = createStore({ doc, tableName, clock: () => clock.now });
  const dir = await mkdtemp(join(tmpdir(), "syncer-"));
  // The layout createErp confines a journal tenant to: <JOURNAL_ROOT>/<tenantId>/<erp.path>.
  await mkdir(join(dir, TENANT));
  const journalPath = join(dir, TENANT, "books.journal");
  const journalOpts = o.closedThrough ? { closedThrough: o.closedThrough } : {};
  if (o.singleCompany) {
    // The demo journal without its EUR company: a one-company ERP (its chart pushed unscoped).
    const text = demoJournalText(journalOpts)
      .split("\n")
      .filter((l) => !/\bdemo-eu\b/.test(l))
      .join("\n");
    await writeFile(journalPath, text, { flag: "wx" });
  } else await createDemoJournal(journalPath, journalOpts);
  const entities = await r.control<Array<{ id: string; entity_name: string; currency: string }>>(
    "GET",
    "/entities",
  );
  // The first USD entity → demo, the first EUR entity → demo-eu; any other entity stays unmapped.
  const usd = entities.find((e) => e.currency === "USD");
  const eur = entities.find((e) => e.currency === "EUR");
  const all = o.erp?.companies ?? demoCompanies();
  const companies = o.singleCompany ? all.slice(0, 1) : all;
  const [usdKey, eurKey] = o.erp ? [o.erp.companies[0].key, o.erp.companies[1].key] : ["demo", "demo-eu"];
  const links = o.singleCompany
    ? []
    : [
        ...(usd ? [{ rampEntityId: usd.id, companyKey: usdKey }] : []),
        ...(eur ? [{ rampEntityId: eur.id, companyKey: eurKey }] : []),
      ];
  // Ramp codes each entity against its subsidiary's chart: with one company, all of them against it;
  // an entity the tenant leaves unmapped is still linked in Ramp (to the first company's chart).
  const mappedTo = new Map(links.map((l) => [l.rampEntityId, l.companyKey]));
  const codedAs = Object.fromEntries(entities.map((e) => [e.id, mappedTo.get(e.id) ?? usdKey]));
  const tenant = parseTenantConfig({
    tenantId: TENANT,
    displayName: "Acme",
    ramp: {
      remoteProviderName: "Journal ERP",
      settings: {
        vendorCreationOnSync: o.vendorCreation ?? true,
        transactionSyncButton: o.syncButton ?? false,
      },
    },
    erp: o.erp?.config ?? { kind: "journal", path: "books.journal" },
    companies: companies.map((c) => {
      const fxGainLoss = o.fx?.gainLoss?.[c.key];
      return fxGainLoss ? { ...c, defaults: { ...c.defaults, fxGainLoss } } : c;
    }),
    entities: links,
    ...(o.fx ? { fx: { policy: o.fx.policy } } : {}),
    sync: { supportContact: "support@acme.test", erpConcurrency: 4 },
  });
  const erp = o.erp?.port ?? createJournalErp(journalPath);
  await pushCoa({ client: r.client, erp }, { tenant });
  await r.control("POST", "/code", {
    seed: 5,
    vendorless_share: o.vendorlessShare ?? 0.3,
    entity_remote_ids: codedAs,
  });
  const coding = codingContextFromSurface(await erp.readSurface());
  // As the functions' runtimes read them (lib/aws/tenant-runtime.ts), over HTTP from the sandbox.
  const entityNames = await entityNamesOf(tenant, r.client, undefined);
  const rtOf = (e: ErpPort = erp, ramp: RampClient = r.client): TenantRuntime => ({
    tenant,
    ramp,
    erp: e,
    coding,
    ...(entityNames ? { entityNames } : {}),
  });
  const metrics = memoryMetrics();
  const logs: Harness["logs"] = [];
  const logger = Object.fromEntries(
    (["debug", "info", "warn", "error"] as const).map((level) => [
      level,
      (message: string, data?: Record<string, unknown>) =>
        logs.push({ level, message, ...(data ? { data } : {}) }),
    ]),
  ) as unknown as Parameters<typeof createSyncer>[0]["logger"];
  let owners = 0;

  return {
    r,
    store,
    tableName,
    dynamoEndpoint,
    tenant,
    journalPath,
    erp,
    rt: async () => rtOf(),
    clock,
    entities,
    metrics,
    logs,
    syncer(opts = {}) {
      return createSyncer({
        store: opts.store ?? store,
        runtimeFor: async (id) => (id === TENANT ? rtOf(opts.erp, opts.ramp) : null),
        owner: opts.owner ?? `worker-${++owners}`,
        clock: () => clock.now,
        sleep: async (ms) => {
          clock.now += ms;
        },
        logger: opts.logger ?? logger,
        metrics,
        settings: { takeoverGraceMs: 0, ...opts.settings },
        ...(opts.crash ? { crash: opts.crash } : {}),
      });
    },
    async ready() {
      const items: WorkItem[] = [];
      const c = r.client;
      const base = { tenantId: TENANT, syncRequestId: null };
      for await (const b of c.listBills({ syncReady: true })) {
        const settled = settlingTransactionIds(b);
        if (settled.length) await store.settlesLinks.link(TENANT, b.id, settled);
        for (const phase of billPhases(b))
          items.push({ ...base, kind: phase, rampId: b.id, entityId: b.entityId, snapshot: b });
      }
      for await (const t of c.listTransactions({ syncStatus: "SYNC_READY" }))
        items.push({ ...base, kind: "transaction", rampId: t.id, entityId: t.entityId, snapshot: t });
      for await (const x of c.listReimbursements({ syncStatus: "SYNC_READY" }))
        items.push({ ...base, kind: "reimbursement", rampId: x.id, entityId: x.entityId, snapshot: x });
      for await (const x of c.listTransfers({ syncStatus: "SYNC_READY" }))
        items.push({ ...base, kind: "transfer", rampId: x.id, entityId: x.entityId, snapshot: x });
      for await (const x of c.listCashbacks({ syncStatus: "SYNC_READY" }))
        items.push({ ...base, kind: "cashback", rampId: x.id, entityId: x.entityId, snapshot: x });
      return items;
    },
    async journalRefs() {
      const text = await readFile(journalPath, "utf8");
      const counts = new Map<string, number>();
      for (const m of text.matchAll(/ramp-ref:(ramp:[a-z_]+:[^,\s]+)/g)) {
        const ref = m[1] as string;
        counts.set(ref, (counts.get(ref) ?? 0) + 1);
      }
      return counts;
    },
    object: (id) => r.control("GET", `/objects/${id}`),
    syncCalls: () => r.control("GET", "/syncs"),
    close: () => r.close(),
  };
}

/** Work items → SQS-shaped records (the real message body). */
export function asRecords(items: readonly WorkItem[], at = "2026-06-15T12:00:00.000Z") {
  return items.map((it, i) => ({
    messageId: `m-${i}-${it.kind}-${it.rampId}`,
    body: JSON.stringify({
      v: 1,
      tenantId: it.tenantId,
      entityId: it.entityId,
      kind: it.kind,
      rampId: it.rampId,
      ...(it.snapshot ? { snapshot: it.snapshot } : {}),
      ...(it.syncRequestId ? { syncRequestId: it.syncRequestId } : {}),
      source: it.syncRequestId ? "button" : "poll",
      enqueuedAt: at,
    }),
  }));
}
