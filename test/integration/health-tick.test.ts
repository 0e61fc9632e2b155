/**
 * The health tick on DynamoDB Local: a tenant's open ledger rows and its poll
 * run come back from one GSI2 Query (open-work.ts), rows leave the index when
 * they close, `openSince` survives transitions between open states, and the
 * handler emits the per-tenant points and the heartbeat as EMF.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { makeHandler } from "../../functions/poller/make-health.js";
import { HEALTH_METRICS } from "../../lib/health/metrics.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { createOpenWork, type OpenWorkReader } from "../../lib/store/open-work.js";
import { demoCompanies } from "../../local/demo-journal.js";
import { freshTable } from "../support/dynamo-client.js";
import { testObservability } from "../support/observability.js";

const T0 = Date.UTC(2026, 11, 2, 9); // a Wednesday
const MIN = 60_000;
let store: Store;
let openWork: OpenWorkReader;
let clock: { now: number };
let queries: number;

beforeEach(async () => {
  const { doc, tableName } = await freshTable("health");
  clock = { now: T0 };
  queries = 0;
  // Counts every Query the reader sends (the tick's whole read per tenant must be one).
  const counting = {
    send: (cmd: Parameters<typeof doc.send>[0]) => {
      if (cmd.constructor.name === "QueryCommand") queries++;
      return doc.send(cmd as never);
    },
  } as typeof doc;
  store = createStore({ doc, tableName, clock: () => clock.now });
  openWork = createOpenWork({ doc: counting, tableName });
});

const claim = (tenantId: string, rampId: string, kind: "transaction" | "bill" = "transaction") =>
  store.ledger.claim({ tenantId, kind, rampId, owner: "w1", leaseMs: 60_000, fingerprint: "f" });

describe("open work (GSI2)", () => {
  it("reads open rows per kind, the oldest openSince and the poll run in one Query; closed rows leave", async () => {
    await claim("acme", "t-1");
    clock.now = T0 + 5 * MIN;
    await claim("acme", "t-2");
    await claim("acme", "b-1", "bill");
    await claim("other", "t-9"); // another tenant's row is never read
    await store.pollRuns.record("acme", {
      at: T0 + 6 * MIN,
      outcome: "done",
      pages: 1,
      enqueued: 3,
      backlog: { transaction: 2, bill: 1 },
    });
    let work = await openWork.read("acme");
    expect(queries).toBe(1);
    expect(work.byKind).toEqual({
      transaction: { open: 2, oldestOpenSince: T0 },
      bill: { open: 1, oldestOpenSince: T0 + 5 * MIN },
    });
    expect(work.pollRun?.lastDone).toEqual({ at: T0 + 6 * MIN, backlog: { transaction: 2, bill: 1 } });

    // Open → open (posted, then failed for a retry): the row keeps its openSince.
    clock.now = T0 + 10 * MIN;
    await store.ledger.recordPosted("acme", "transaction", "t-1", "w1", "erp-1");
    await store.ledger.recordFailed("acme", "transaction", "t-2", "w1", {
      category: "transient",
      message: "ERP timed out",
      transientAttemptsBeforeReport: 3,
      coolDownMs: 0,
    });
    work = await openWork.read("acme");
    expect(work.byKind.transaction).toEqual({ open: 2, oldestOpenSince: T0 });

    // Closed (failed, then found synced elsewhere → MARKED): it leaves the index.
    await store.ledger.recordFailed("acme", "bill", "b-1", "w1", {
      category: "transient",
      message: "ERP timed out",
      transientAttemptsBeforeReport: 3,
      coolDownMs: 0,
    });
    await store.ledger.adoptSyncedElsewhere({ tenantId: "acme", kind: "bill", rampId: "b-1", erpRef: null });
    work = await openWork.read("acme");
    expect(work.byKind.bill).toBeUndefined();
    expect(work.byKind.transaction?.open).toBe(2);
  });
});

describe("health tick handler", () => {
  it("emits each enabled tenant's points and the heartbeat", async () => {
    for (const tenantId of ["acme", "quiet"]) {
      const put = await store.tenants.put({
        tenantId,
        displayName: tenantId,
        enabled: true,
        ramp: { baseUrl: "http://127.0.0.1:9", remoteProviderName: "Journal" },
        erp: { kind: "journal", path: "books.journal" },
        companies: demoCompanies(),
      });
      expect(put.ok).toBe(true);
    }
    await claim("acme", "t-1");
    await store.pollRuns.record("acme", {
      at: T0,
      outcome: "done",
      pages: 1,
      enqueued: 1,
      backlog: { transaction: 1500 },
    });
    const obs = testObservability("sync-health");
    clock.now = T0 + 30 * MIN;
    const handler = makeHandler({
      obs,
      store: { tenants: store.tenants, openWork },
      settings: { drainAllowanceMs: 60 * MIN, pollSlackMs: 30 * MIN, concurrency: 4 },
      clock: () => clock.now,
    });
    const res = await handler({} as never, {} as never);
    expect(res).toMatchObject({ tenants: 2, failed: [] });
    expect(queries).toBe(2); // one per tenant
    const v = (name: string) => obs.sink.values(name).map((p) => [p.dimensions.tenantId ?? "-", p.value]);
    expect(v(HEALTH_METRICS.backlog)).toEqual([["acme", 1500]]);
    expect(v(HEALTH_METRICS.inFlight)).toEqual([["acme", 1]]);
    expect(v(HEALTH_METRICS.oldestUnsynced)).toEqual([["acme", 30]]);
    expect(v(HEALTH_METRICS.pollAge)).toEqual(
      expect.arrayContaining([
        ["acme", 30],
        ["quiet", 30],
      ]),
    );
    // Weekday interval 2 h (the default cadence): 30 min − (2 × 2 h + 30 min) = −240.
    expect(v(HEALTH_METRICS.pollOverdue)).toContainEqual(["acme", -240]);
    expect(v(HEALTH_METRICS.tenantsObserved)).toEqual([["-", 2]]);
    expect(obs.sink.values(HEALTH_METRICS.backlog)[0]?.dimensions).toMatchObject({
      function: "sync-health",
      tenantId: "acme",
      kind: "transaction",
    });
  });
});
