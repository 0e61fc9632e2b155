/**
 * The syncer's core: one SQS batch of work messages → the exactly-once protocol
 * for each object, ERP writes batched and bounded per tenant, then a report
 * flush for the streams the batch touched (reporter.ts; the flush policy decides
 * whether now is the time). Handler-free: functions/syncer/handler.ts adapts it
 * to SQS and Powertools.
 *
 * Per tenant the batch runs in waves (waves.ts): posting a bill unlocks its
 * payment and posting a card payment unlocks the card transactions it settles,
 * in the same invocation.
 *
 * Each message ends as `ack` (done, skipped, held, or failed and recorded),
 * `retry` (transient: SQS redelivers after the visibility timeout; after N
 * attempts the ledger makes it reportable and it is acked) or `poison` (body not
 * a work message: the handler fails that record until SQS moves it to the DLQ).
 */

import { type Kind, ledgerKeyOf, SYNC_TYPE_BY_KIND, SYNC_TYPES } from "../domain/kinds.js";
import type { RampLogger } from "../domain/logger.js";
import { type Sleep, sleep as timerSleep } from "../domain/time.js";
import { buttonRetryDelayS } from "./button-retry.js";
import { type CrashHook, InjectedCrash } from "./crash-points.js";
import { classifyFailure } from "./failure.js";
import { DEFAULT_FLUSH, type FlushSettings } from "./flush-policy.js";
import { createLimiter } from "./limit.js";
import { METRIC, type SyncMetrics } from "./metrics.js";
import type { SyncStore } from "./ports.js";
import type { ItemDeps, ItemOutcome, ItemSettings, TenantRuntime, WorkItem } from "./process-item.js";
import { type FlushResult, flushReports, type ReporterDeps, type ReportKey } from "./reporter.js";
import type { SyncObject } from "./sync-object.js";
import type { VendorCache } from "./vendor-cache.js";
import { createVendorResolver } from "./vendor-creation.js";
import { runWaves } from "./waves.js";
import { parseWorkMessage } from "./work-message.js";

export interface SyncerSettings extends ItemSettings {
  flush: FlushSettings;
  lockLeaseMs: number;
  /**
   * Items prepared (and recorded) concurrently per tenant. High on purpose: the store batches
   * the reads and writes made together (lib/store/coalesce.ts), Ramp reads wait for the shared
   * rate limiter and ERP calls for the tenant's ERP slots, so this bounds only memory.
   */
  prepareConcurrency: number;
  /** Flush reports at the end of each batch (off in tests that drive the reporter themselves). */
  flushAfterBatch: boolean;
}

export const DEFAULT_SYNCER_SETTINGS: SyncerSettings = {
  leaseMs: 120_000,
  takeoverGraceMs: 2_000,
  userCoolDownMs: 6 * 3600_000,
  flush: DEFAULT_FLUSH,
  lockLeaseMs: 60_000,
  prepareConcurrency: 100,
  flushAfterBatch: true,
};

export interface SyncerDeps {
  store: SyncStore;
  /** The tenant's config, Ramp client, ERP adapter and coding context; null = unknown or disabled tenant. */
  runtimeFor(tenantId: string): Promise<TenantRuntime | null>;
  /** A lease/lock owner unique to this invocation. */
  owner: string;
  clock?: () => number;
  sleep?: Sleep;
  logger: RampLogger;
  metrics: SyncMetrics;
  settings?: Partial<SyncerSettings>;
  crash?: CrashHook;
  /**
   * Accounting-vendor and ERP-vendor lists kept across batches (vendor-cache.ts): the container's,
   * so a warm Lambda lists vendors once, not once per batch. Absent = each batch reads its own.
   */
  vendorCache?: VendorCache;
  /**
   * Where the objects this batch found in the ERP go for their receipts (the receipts queue,
   * lib/receipts). Sent after the batch's report flush, so it never delays the report; a failed
   * send makes those messages retry — a redelivery skips the posted row and sends again.
   */
  receipts?: ReceiptHandOff;
}

/** An object the batch found in the ERP (posted now or before) and its ERP reference. */
export interface InErp {
  object: SyncObject;
  erpRef: string;
}

/**
 * The receipts queue as the syncer sees it: it hands over every object it found in the ERP;
 * the hand-off picks those carrying receipts (lib/receipts/from-object.ts) — kept outside
 * lib/sync so the export path does not depend on the receipts module that builds on it.
 */
export interface ReceiptHandOff {
  send(tenantId: string, found: InErp[]): Promise<void>;
}

export interface SqsLikeRecord {
  messageId: string;
  body: string;
  /** SQS's ApproximateReceiveCount (1 on the first delivery): paces a Sync Button row's quick retries. */
  receiveCount?: number;
}

export type Disposition = "ack" | "retry" | "poison";

export interface MessageResult {
  messageId: string;
  disposition: Disposition;
  outcome?: ItemOutcome;
  error?: string;
  /**
   * Make the message visible again in this many seconds instead of after the queue's visibility
   * timeout: a Sync Button row inside its window (button-retry.ts), or a poison body (0: it has
   * nothing to wait for, so it reaches the DLQ in seconds).
   */
  retryInS?: number;
}

export interface BatchResult {
  results: MessageResult[];
  flushes: FlushResult[];
}

export function dispositionOf(o: ItemOutcome): Disposition {
  if (o.status === "retry") return "retry";
  if (o.status === "failed" && o.category === "transient" && !o.reportable) return "retry";
  return "ack";
}

/** How long one batch's flush may keep draining a Sync Button stream others keep feeding. */
const BUTTON_DRAIN_MS = 30_000;

/** The report streams a set of items touches, bills before their payments. */
function touchedKeys(tenantId: string, items: readonly WorkItem[]): ReportKey[] {
  const keys = new Map<string, ReportKey>();
  const add = (syncType: string, syncRequestId: string | null) =>
    keys.set(`${syncType}#${syncRequestId ?? ""}`, { tenantId, syncType, syncRequestId });
  for (const item of items) {
    const billish = item.kind === "bill" || item.kind === "bill_payment";
    const kinds = billish ? (["bill", "bill_payment"] as const) : [item.kind];
    for (const k of kinds) {
      const t = SYNC_TYPE_BY_KIND[k];
      if (t) add(t, item.syncRequestId);
    }
    // Settled card transactions are reported under TRANSACTION_SYNC once their payment posts.
    if (billish) add("TRANSACTION_SYNC", null);
  }
  const order = (t: string) => (SYNC_TYPES as readonly string[]).indexOf(t);
  return [...keys.values()].sort((a, b) => order(a.syncType) - order(b.syncType));
}

/** Flushes every stream the items touched; a failed flush is logged and left to the sweep. */
async function flushTouched(
  reporter: ReporterDeps,
  tenantId: string,
  items: readonly WorkItem[],
): Promise<FlushResult[]> {
  const out: FlushResult[] = [];
  for (const key of touchedKeys(tenantId, items)) {
    try {
      // A Sync Button request is reported at the end of every batch that touched it: someone
      // watches Ramp's live progress, Ramp takes several calls per request, and its window is
      // 5 minutes. Waiting for rows to age would leave the last batch to the sweep.
      // The holder of a button stream drains it; bounded so one invocation does not report
      // another's rows until its own timeout (the next flusher or the sweep takes over).
      const button = key.syncRequestId !== null;
      out.push(
        await flushReports(reporter, key, {
          force: button,
          ...(button ? { deadline: reporter.clock() + BUTTON_DRAIN_MS } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof InjectedCrash) throw err;
      reporter.logger.error("report flush failed; the sweep retries it", {
        ...key,
        detail: classifyFailure(err).detail,
      });
    }
  }
  return out;
}

/** The tenant's runtime, or the outcome of every message of a tenant that has none. */
async function runtimeOrOutcome(
  deps: Pick<SyncerDeps, "runtimeFor" | "logger">,
  tenantId: string,
  messages: number,
): Promise<{ runtime: TenantRuntime } | { outcome: ItemOutcome }> {
  try {
    const runtime = await deps.runtimeFor(tenantId);
    if (runtime) return { runtime };
    deps.logger.warn("work for an unknown or disabled tenant dropped", { tenantId, messages });
    return { outcome: { status: "skipped", reason: "unknown-tenant" } };
  } catch (err) {
    const reason = `tenant runtime unavailable: ${classifyFailure(err).detail}`;
    deps.logger.error("tenant runtime unavailable; messages retried", { tenantId, detail: reason });
    return { outcome: { status: "retry", reason } };
  }
}

/** A record's work item, or why (logged and counted) its body is not a work message. */
function workItemOf(
  deps: Pick<SyncerDeps, "logger" | "metrics">,
  r: SqsLikeRecord,
): { item: WorkItem } | { error: string } {
  const parsed = parseWorkMessage(r.body);
  if (!parsed.ok) {
    deps.metrics.add(METRIC.poison, "Count", 1);
    deps.logger.error(
      "poison work message: not a valid work message; it goes to the DLQ after maxReceiveCount",
      {
        messageId: r.messageId,
        problem: parsed.error,
      },
    );
    return { error: parsed.error };
  }
  const m = parsed.message;
  const item: WorkItem = {
    tenantId: m.tenantId,
    kind: m.kind,
    rampId: m.rampId,
    entityId: m.entityId ?? null,
    syncRequestId: m.syncRequestId ?? null,
    ...(m.snapshot ? { snapshot: m.snapshot } : {}),
    ...(m.deadline ? { deadline: Date.parse(m.deadline) } : {}),
  };
  return { item };
}

export function createSyncer(deps: SyncerDeps) {
  const settings: SyncerSettings = { ...DEFAULT_SYNCER_SETTINGS, ...deps.settings };
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? timerSleep;
  const { logger, metrics, store, owner } = deps;
  const crash = deps.crash ? { crash: deps.crash } : {};

  function itemDepsFor(rt: TenantRuntime, erpLimit: number, items: readonly WorkItem[]): ItemDeps {
    const deadlines = new Map<string, number>();
    for (const i of items) if (i.deadline) deadlines.set(ledgerKeyOf(i), i.deadline);
    const deadlineOf = (kind: Kind, rampId: string) => deadlines.get(ledgerKeyOf({ kind, rampId })) ?? null;
    const onRampCall = (route: string) => metrics.add(METRIC.rampCalls, "Count", 1, { route });
    const erpSlot = createLimiter(erpLimit);
    const vendors = createVendorResolver({
      tenant: rt.tenant,
      ramp: rt.ramp,
      // The resolver's ERP calls take the tenant's ERP slots; its Ramp calls do not, so the
      // batch's new vendors can meet in one upload while the ERP serves other items.
      erp: {
        readSurface: () => erpSlot(() => rt.erp.readSurface()),
        createVendor: (v) => erpSlot(() => rt.erp.createVendor(v)),
      },
      onRampCall,
      ...(deps.vendorCache ? { cache: deps.vendorCache } : {}),
    });
    return {
      store,
      rt,
      vendors,
      owner,
      clock,
      sleep,
      logger,
      metrics,
      settings,
      erpSlot,
      ...(deadlines.size ? { deadlineOf } : {}),
      ...crash,
    };
  }

  /** What the reporter needs to flush one tenant's streams. */
  function reporterDeps(rt: TenantRuntime): ReporterDeps {
    const { flush, lockLeaseMs } = settings;
    return { store, ramp: rt.ramp, owner, clock, logger, metrics, flush, lockLeaseMs, ...crash };
  }

  function runTenant(
    rt: TenantRuntime,
    items: WorkItem[],
    inErp?: (object: SyncObject, erpRef: string) => void,
  ): Promise<ItemOutcome[]> {
    const erpLimit = Math.max(1, Math.min(rt.tenant.sync.erpConcurrency, rt.erp.capabilities.maxConcurrency));
    return runWaves({ ...itemDepsFor(rt, erpLimit, items), ...(inErp ? { inErp } : {}) }, items, {
      erpLimit,
      prepareConcurrency: settings.prepareConcurrency,
    });
  }

  /** Hands the batch's objects with receipts to the receipts queue; false when the send failed. */
  async function sendReceipts(tenantId: string, objects: Map<string, InErp>): Promise<boolean> {
    if (!deps.receipts || objects.size === 0) return true;
    try {
      await deps.receipts.send(tenantId, [...objects.values()]);
      return true;
    } catch (err) {
      logger.warn("receipts not handed over: the batch's posted messages come back", {
        tenantId,
        objects: objects.size,
        error: classifyFailure(err).detail,
      });
      return false;
    }
  }

  return {
    settings,

    /** Work items (already parsed) of any tenants; outcomes in input order, then the flush. */
    async processItems(items: WorkItem[]): Promise<{ outcomes: ItemOutcome[]; flushes: FlushResult[] }> {
      const outcomes = new Map<WorkItem, ItemOutcome>();
      const flushes: FlushResult[] = [];
      const byTenant = new Map<string, WorkItem[]>();
      for (const item of items) byTenant.set(item.tenantId, [...(byTenant.get(item.tenantId) ?? []), item]);
      for (const [tenantId, mine] of byTenant) {
        const rt = await runtimeOrOutcome(deps, tenantId, mine.length);
        if ("outcome" in rt) {
          for (const item of mine) outcomes.set(item, rt.outcome);
          continue;
        }
        const found = new Map<string, InErp>();
        const res = await runTenant(
          rt.runtime,
          mine,
          rt.runtime.tenant.sync.attachReceipts
            ? (object, erpRef) => found.set(`${object.kind}#${object.object.id}`, { object, erpRef })
            : undefined,
        );
        for (const [k, item] of mine.entries()) outcomes.set(item, res[k] as ItemOutcome);
        if (settings.flushAfterBatch)
          flushes.push(...(await flushTouched(reporterDeps(rt.runtime), tenantId, mine)));
        if (!(await sendReceipts(tenantId, found)))
          for (const [k, item] of mine.entries()) {
            const o = res[k] as ItemOutcome;
            if (o.status === "posted" || (o.status === "skipped" && o.erpRef))
              outcomes.set(item, { status: "retry", reason: "receipts not handed over" });
          }
      }
      return { outcomes: items.map((i) => outcomes.get(i) as ItemOutcome), flushes };
    },

    /** One SQS batch: parse, process, and say per message what SQS should do. */
    async processMessages(records: readonly SqsLikeRecord[]): Promise<BatchResult> {
      const parsed = records.map((r) => ({ messageId: r.messageId, ...workItemOf(deps, r) }));
      const items = parsed.flatMap((x) => ("item" in x ? [x.item] : []));
      const { outcomes, flushes } = await this.processItems(items);
      const outcomeOf = new Map(items.map((item, k) => [item, outcomes[k] as ItemOutcome]));
      const now = clock();
      const results = parsed.map((x, k): MessageResult => {
        if ("error" in x)
          return { messageId: x.messageId, disposition: "poison", error: x.error, retryInS: 0 };
        const outcome = outcomeOf.get(x.item) as ItemOutcome;
        const disposition = dispositionOf(outcome);
        const soon =
          disposition === "retry"
            ? buttonRetryDelayS(records[k]?.receiveCount ?? 1, now, x.item.deadline ?? null)
            : null;
        return { messageId: x.messageId, disposition, outcome, ...(soon !== null ? { retryInS: soon } : {}) };
      });
      return { results, flushes };
    },

    /** Flushes one report stream now (sweep, tests). */
    flush(rt: TenantRuntime, key: ReportKey, force = true): Promise<FlushResult> {
      return flushReports(reporterDeps(rt), key, { force });
    },
  };
}

export type Syncer = ReturnType<typeof createSyncer>;
