/**
 * One tenant's world for the unit tests of lib/sync, all in memory: the store
 * fakes (held to the DynamoDB contract), the non-deduplicating ERP double, a Ramp
 * double, a clock that `sleep` moves on, and the logs and metrics. Builds the
 * dependencies of prepareItem / finishItem, flushReports and createSyncer.
 */
import type { TenantConfig } from "../../../lib/config/tenant.js";
import type { ErpCapabilities, ErpPort } from "../../../lib/erp/port.js";
import type { RampBill, RampTransaction } from "../../../lib/ramp/model.js";
import { memoryMetrics } from "../../../lib/sync/metrics.js";
import type { ItemDeps, TenantRuntime, WorkItem } from "../../../lib/sync/process-item.js";
import type { ReporterDeps } from "../../../lib/sync/reporter.js";
import { createSyncer, type SyncerDeps, type SyncerSettings } from "../../../lib/sync/syncer.js";
import { createVendorResolver } from "../../../lib/sync/vendor-creation.js";
import { createMemoryStore } from "../../support/memory-store/index.js";
import { RecordingErp } from "../../support/recording-erp.js";
import { syncRampDouble } from "../../support/sync-ramp.js";
import { bill, ctx, tenant as tenantFixture, transaction, usd } from "../mapping-fixtures.js";

export const T0 = Date.UTC(2026, 5, 15, 12);
export const LEASE = 120_000;

const CAPABILITIES: ErpCapabilities = {
  batchPosting: true,
  maxBatchSize: 25,
  foreignCurrency: "refuse",
  supplierInvoices: false,
  creditNotes: false,
  dimensions: true,
  taxes: true,
  vendorCreation: false,
  maxAttachmentBytes: 25 * 1024 * 1024,
  maxConcurrency: 4,
};

/** The chart behind the ERP double: the unit tests never read the surface or create vendors. */
const chart = { type: "chart", capabilities: CAPABILITIES } as unknown as ErpPort;

export function world(opts: { erpConcurrency?: number; maxBatchSize?: number } = {}) {
  const clock = { now: T0 };
  const store = createMemoryStore(() => clock.now);
  const ramp = syncRampDouble();
  const erp = new RecordingErp(chart, { maxBatchSize: opts.maxBatchSize ?? 25 });
  const base = tenantFixture();
  const tenant: TenantConfig = { ...base, sync: { ...base.sync, erpConcurrency: opts.erpConcurrency ?? 4 } };
  const rt: TenantRuntime = { tenant, ramp, erp, coding: ctx };
  const metrics = memoryMetrics();
  const logs: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  const logger = Object.fromEntries(
    (["debug", "info", "warn", "error"] as const).map((level) => [
      level,
      (message: string, data?: Record<string, unknown>) =>
        logs.push({ level, message, ...(data ? { data } : {}) }),
    ]),
  ) as unknown as ItemDeps["logger"];
  const sleep = async (ms: number) => {
    clock.now += ms;
  };
  const settings = { leaseMs: LEASE, takeoverGraceMs: 2_000, userCoolDownMs: 6 * 3600_000 };

  return {
    clock,
    store,
    ramp,
    erp,
    tenant,
    rt,
    metrics,
    logs,
    /** Dependencies of prepareItem / finishItem for one worker. */
    itemDeps(owner = "w1", over: Partial<ItemDeps> = {}): ItemDeps {
      return {
        store,
        rt,
        vendors: createVendorResolver({ tenant, ramp, erp }),
        owner,
        clock: () => clock.now,
        sleep,
        logger,
        metrics,
        settings,
        erpSlot: (fn) => fn(),
        ...over,
      };
    },
    reporterDeps(owner = "r1", over: Partial<ReporterDeps> = {}): ReporterDeps {
      return { store, ramp, owner, clock: () => clock.now, logger, metrics, ...over };
    },
    syncer(owner = "w1", over: Partial<SyncerDeps> & { settings?: Partial<SyncerSettings> } = {}) {
      return createSyncer({
        store,
        runtimeFor: async (id) => (id === tenant.tenantId ? rt : null),
        owner,
        clock: () => clock.now,
        sleep,
        logger,
        metrics,
        ...over,
        settings: { ...settings, ...over.settings },
      });
    },
    /** Puts an object in Ramp and returns its work item (with the snapshot unless `fetch`). */
    item(
      kind: WorkItem["kind"],
      object: { id: string; entityId: string | null },
      o: { fetch?: boolean; syncRequestId?: string } = {},
    ): WorkItem {
      ramp.objects.set(object.id, object);
      return {
        tenantId: tenant.tenantId,
        kind,
        rampId: object.id,
        entityId: object.entityId,
        syncRequestId: o.syncRequestId ?? null,
        ...(o.fetch ? {} : { snapshot: structuredClone(object) }),
      };
    },
    row: (kind: WorkItem["kind"], rampId: string) => store.ledger.get(tenant.tenantId, kind, rampId),
  };
}

export type World = ReturnType<typeof world>;

let seq = 0;
/** A card transaction with its own id (the mapping fixture's shape). */
export const tx = (over: Partial<RampTransaction> = {}) => transaction({ id: `tx-${++seq}`, ...over });

/** A bill with its own id; `paid`: paid by bank (or by card, settling `cardTx`, or marked paid in the ERP). */
export function billOf(
  over: Partial<RampBill> = {},
  paid?: { by: "bank" } | { by: "card"; cardTx: string[] } | { by: "erp" },
): RampBill {
  const details =
    paid?.by === "card"
      ? { type: "card" as const, spendLimitId: "lim-1", transactionIds: paid.cardTx }
      : paid?.by === "erp"
        ? { type: "manual" as const, manualPaymentMethod: "PAID_IN_ERP" }
        : {
            type: "vendor" as const,
            sourceBankAccountId: "ba-1",
            vendorAccountId: "va-1",
            approvalStatus: null,
          };
  return bill({
    id: `bill-${++seq}`,
    ...(paid
      ? {
          status: "PAID",
          paidAt: "2026-03-20T10:00:00+00:00",
          payment: {
            id: `pay-${seq}`,
            amount: usd(250_000),
            paymentMethod: paid.by === "card" ? "CARD" : "ACH",
            paymentDate: "2026-03-19T00:00:00+00:00",
            effectiveDate: "2026-03-18T00:00:00+00:00",
            details,
          },
        }
      : {}),
    ...over,
  });
}
