/**
 * The syncer's core: one SQS batch of work messages → the exactly-once protocol
 * for each object, ERP writes batched and bounded per tenant, then a report
 * flush for the streams the batch touched (reporter.ts; the flush policy decides
 * whether now is the time). Handler-free: functions/syncer/handler.ts adapts it
 * to SQS and Powertools.
 *
 * Per tenant the batch runs in waves: wave 1 is the messages (bills first, then
 * payments, then the rest); posting a bill unlocks its payment and posting a
 * card payment unlocks the card transactions it settles — those run as the next
 * wave of the same invocation, so a paid bill is fully in the ERP after one
 * delivery.
 *
 * Each message ends as `ack` (done, skipped, held, or failed and recorded),
 * `retry` (transient: SQS redelivers after the visibility timeout; after N
 * attempts the ledger makes it reportable and it is acked) or `poison` (body not
 * a work message: the handler fails that record until SQS moves it to the DLQ).
 */
import type { FoundRecord, PostOutcome } from "../erp/port.js";
import type { RampLogger } from "../ramp/ports.js";
import { type CrashHook, InjectedCrash } from "./crash-points.js";
import { classifyFailure } from "./failure.js";
import { DEFAULT_FLUSH, type FlushSettings } from "./flush-policy.js";
import { SYNC_TYPE_BY_KIND, SYNC_TYPES } from "./kinds.js";
import { createLimiter, mapLimit } from "./limit.js";
import { METRIC, type SyncMetrics } from "./metrics.js";
import type { SyncStore } from "./ports.js";
import {
  finishItem,
  followUpsOf,
  type ItemDeps,
  type ItemOutcome,
  type ItemSettings,
  type Prepared,
  prepareItem,
  type TenantRuntime,
  type WorkItem,
} from "./process-item.js";
import { type FlushResult, flushReports, type ReporterDeps, type ReportKey } from "./reporter.js";
import { processingOrder } from "./sync-object.js";
import { createVendorResolver } from "./vendor-creation.js";
import { parseWorkMessage } from "./work-message.js";

export interface SyncerSettings extends ItemSettings {
  flush: FlushSettings;
  lockLeaseMs: number;
  /** Items prepared concurrently per tenant (Ramp reads, ledger claims); ERP calls have their own bound. */
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
  prepareConcurrency: 8,
  flushAfterBatch: true,
};

export interface SyncerDeps {
  store: SyncStore;
  /** The tenant's config, Ramp client, ERP adapter and coding context; null = unknown or disabled tenant. */
  runtimeFor(tenantId: string): Promise<TenantRuntime | null>;
  /** A lease/lock owner unique to this invocation. */
  owner: string;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger: RampLogger;
  metrics: SyncMetrics;
  settings?: Partial<SyncerSettings>;
  crash?: CrashHook;
}

export interface SqsLikeRecord {
  messageId: string;
  body: string;
}

export type Disposition = "ack" | "retry" | "poison";

export interface MessageResult {
  messageId: string;
  disposition: Disposition;
  outcome?: ItemOutcome;
  error?: string;
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

export function createSyncer(deps: SyncerDeps) {
  const settings: SyncerSettings = { ...DEFAULT_SYNCER_SETTINGS, ...deps.settings };
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { logger, metrics } = deps;

  /** Runs one tenant's items through all waves; outcome per input item (same order). */
  async function runTenant(rt: TenantRuntime, items: WorkItem[]): Promise<ItemOutcome[]> {
    const erpLimit = Math.max(1, Math.min(rt.tenant.sync.erpConcurrency, rt.erp.capabilities.maxConcurrency));
    const itemDeps: ItemDeps = {
      store: deps.store,
      rt,
      vendors: createVendorResolver({
        tenant: rt.tenant,
        ramp: rt.ramp,
        erp: rt.erp,
        onRampCall: (route) => metrics.add(METRIC.rampCalls, "Count", 1, { route }),
      }),
      owner: deps.owner,
      clock,
      sleep,
      logger,
      metrics,
      settings,
      erpSlot: createLimiter(erpLimit),
      ...(deps.crash ? { crash: deps.crash } : {}),
    };
    const outcomes = new Map<WorkItem, ItemOutcome>();
    const seen = new Set<string>();
    let wave = [...items].sort(processingOrder);
    while (wave.length) {
      const next: WorkItem[] = [];
      const prepared = await mapLimit(wave, settings.prepareConcurrency, (item) =>
        prepareItem(itemDeps, item).catch((err: unknown): Prepared => {
          if (err instanceof InjectedCrash) throw err;
          return { done: { status: "retry", reason: classifyFailure(err).detail } };
        }),
      );
      const posted = await postAll(itemDeps, erpLimit, prepared);
      const indexed = wave.map((item, i) => ({ item, i }));
      await mapLimit(indexed, 16, async ({ item, i }) => {
        const p = prepared[i] as Prepared;
        let outcome: ItemOutcome;
        if ("done" in p) outcome = p.done;
        else if ("record" in p)
          outcome = await finishItem(itemDeps, p.claimed, { ok: true, erpRef: p.record, via: p.via });
        else {
          const r = posted.get(i);
          if (!r) outcome = { status: "skipped", reason: "lost-lease" };
          else if (!r.ok) outcome = await finishItem(itemDeps, p.claimed, { ok: false, error: r.error });
          else {
            const via = p.resume ? "finished" : r.result.created ? "created" : "found";
            outcome = await finishItem(itemDeps, p.claimed, { ok: true, erpRef: r.result.erpId, via });
          }
        }
        outcomes.set(item, outcome);
        if (outcome.status === "posted" && !("done" in p)) {
          for (const f of followUpsOf(p.object, { tenantId: rt.tenant.tenantId })) {
            const id = `${f.kind}#${f.rampId}`;
            if (!seen.has(id)) {
              seen.add(id);
              next.push(f);
            }
          }
        }
      });
      wave = next.sort(processingOrder);
    }
    return items.map((i) => outcomes.get(i) ?? { status: "retry", reason: "not processed" });
  }

  /**
   * The ERP writes of one wave: through postBatch in chunks where the adapter
   * batches, else one post per item — both bounded by the tenant's ERP slots.
   * Records an earlier attempt left incomplete go through finishBatch instead
   * (the adapter finishes them; nothing is created a second time).
   * Before each write the wave's aging claims are renewed; an item whose lease
   * was taken over is dropped (its new holder will find or post it).
   */
  async function postAll(
    d: ItemDeps,
    erpLimit: number,
    prepared: Prepared[],
  ): Promise<Map<number, PostOutcome>> {
    const jobs = prepared.flatMap((p, i) => ("post" in p ? [{ i, p }] : []));
    const out = new Map<number, PostOutcome>();
    if (!jobs.length) return out;
    const { erp } = d.rt;
    // Every claim of the wave stays alive until its result is recorded: whenever a write is about
    // to start, claims older than a third of the lease are renewed — the ones still waiting for an
    // ERP slot and the ones already written but not yet recorded — so a slow ERP never lets a
    // redelivery take over work this worker is doing. A claim that was taken over is dropped (its
    // new holder finds or posts it).
    const open = new Set(jobs);
    const renewStale = async () => {
      const stale = [...open].filter((j) => clock() - j.p.claimedAt >= settings.leaseMs / 3);
      await mapLimit(stale, 8, async (j) => {
        const { tenantId, kind, rampId } = j.p.claimed;
        const r = await deps.store.ledger.renewLease(tenantId, kind, rampId, deps.owner, settings.leaseMs);
        if (r.ok) j.p.claimedAt = clock();
        else open.delete(j);
      });
    };
    const keepLease = async (group: typeof jobs) => {
      await renewStale();
      return group.filter((j) => open.has(j));
    };
    const timed = async <T>(n: number, fn: () => Promise<T>) => {
      const t0 = clock();
      try {
        return await fn();
      } finally {
        metrics.add(METRIC.erpPostLatency, "Milliseconds", clock() - t0, {
          erp: erp.type,
          batch: String(n > 1),
        });
      }
    };
    type Job = (typeof jobs)[number];
    /** One ERP call for a group of live jobs: finish what an earlier attempt left incomplete, else post. */
    const write = (live: Job[], finishing: boolean): Promise<PostOutcome[]> => {
      if (finishing)
        return erp.finishBatch(live.map((j) => ({ posting: j.p.post, found: j.p.resume as FoundRecord })));
      if (live.length === 1)
        return erp.post((live[0] as Job).p.post).then((result): PostOutcome[] => [{ ok: true, result }]);
      return erp.postBatch(live.map((j) => j.p.post));
    };
    const size = erp.capabilities.batchPosting ? Math.max(1, erp.capabilities.maxBatchSize) : 1;
    const groups: { finishing: boolean; chunk: Job[] }[] = [];
    for (const finishing of [true, false]) {
      const mine = jobs.filter((j) => !!j.p.resume === finishing);
      for (let k = 0; k < mine.length; k += size) groups.push({ finishing, chunk: mine.slice(k, k + size) });
    }
    await mapLimit(groups, erpLimit, ({ finishing, chunk }) =>
      // The lease check runs once the slot is ours: waiting for a slot can take long too.
      d.erpSlot(async () => {
        const live = await keepLease(chunk);
        if (!live.length) return;
        let results: PostOutcome[];
        try {
          results = await timed(live.length, () => write(live, finishing));
        } catch (error) {
          if (error instanceof InjectedCrash) throw error;
          results = live.map(() => ({ ok: false, error }) as PostOutcome);
        }
        live.forEach((j, k) => {
          out.set(
            j.i,
            results[k] ?? ({ ok: false, error: new Error("ERP returned no outcome") } as PostOutcome),
          );
        });
      }),
    );
    return out;
  }

  /** The report streams a set of items touches, bills before their payments. */
  function touchedKeys(tenantId: string, items: WorkItem[]): ReportKey[] {
    const keys = new Map<string, ReportKey>();
    const add = (syncType: string, syncRequestId: string | null) =>
      keys.set(`${syncType}#${syncRequestId ?? ""}`, { tenantId, syncType, syncRequestId });
    for (const item of items) {
      const kinds =
        item.kind === "bill" || item.kind === "bill_payment"
          ? (["bill", "bill_payment"] as const)
          : [item.kind];
      for (const k of kinds) {
        const t = SYNC_TYPE_BY_KIND[k];
        if (t) add(t, item.syncRequestId);
      }
      // Settled card transactions are reported under TRANSACTION_SYNC once their payment posts.
      if (item.kind === "bill" || item.kind === "bill_payment") add("TRANSACTION_SYNC", null);
    }
    const order = (t: string) => SYNC_TYPES.indexOf(t as never);
    return [...keys.values()].sort((a, b) => order(a.syncType) - order(b.syncType));
  }

  /** What the reporter needs to flush one tenant's streams. */
  function reporterDeps(rt: TenantRuntime): ReporterDeps {
    return {
      store: deps.store,
      ramp: rt.ramp,
      owner: deps.owner,
      clock,
      logger,
      metrics,
      flush: settings.flush,
      lockLeaseMs: settings.lockLeaseMs,
      ...(deps.crash ? { crash: deps.crash } : {}),
    };
  }

  async function flushTouched(
    tenantId: string,
    items: WorkItem[],
    rt: TenantRuntime,
  ): Promise<FlushResult[]> {
    const out: FlushResult[] = [];
    for (const key of touchedKeys(tenantId, items)) {
      try {
        out.push(
          await flushReports(
            reporterDeps(rt),
            key,
            // A Sync Button request is reported at the end of every batch that touched it: someone
            // watches Ramp's live progress, Ramp takes several calls per request, and its window is
            // 5 minutes. Waiting for rows to age would leave the last batch to the sweep.
            { force: key.syncRequestId !== null },
          ),
        );
      } catch (err) {
        if (err instanceof InjectedCrash) throw err;
        logger.error("report flush failed; the sweep retries it", {
          ...key,
          detail: classifyFailure(err).detail,
        });
      }
    }
    return out;
  }

  return {
    settings,

    /** Work items (already parsed) of any tenants; outcomes in input order, then the flush. */
    async processItems(items: WorkItem[]): Promise<{ outcomes: ItemOutcome[]; flushes: FlushResult[] }> {
      const outcomes: ItemOutcome[] = new Array(items.length);
      const flushes: FlushResult[] = [];
      const byTenant = new Map<string, number[]>();
      items.forEach((item, i) => {
        byTenant.set(item.tenantId, [...(byTenant.get(item.tenantId) ?? []), i]);
      });
      for (const [tenantId, idx] of byTenant) {
        let rt: TenantRuntime | null;
        try {
          rt = await deps.runtimeFor(tenantId);
        } catch (err) {
          const reason = `tenant runtime unavailable: ${classifyFailure(err).detail}`;
          logger.error("tenant runtime unavailable; messages retried", { tenantId, detail: reason });
          for (const i of idx) outcomes[i] = { status: "retry", reason };
          continue;
        }
        if (!rt) {
          logger.warn("work for an unknown or disabled tenant dropped", { tenantId, messages: idx.length });
          for (const i of idx) outcomes[i] = { status: "skipped", reason: "unknown-tenant" };
          continue;
        }
        const mine = idx.map((i) => items[i] as WorkItem);
        const res = await runTenant(rt, mine);
        idx.forEach((i, k) => {
          outcomes[i] = res[k] as ItemOutcome;
        });
        if (settings.flushAfterBatch) flushes.push(...(await flushTouched(tenantId, mine, rt)));
      }
      return { outcomes, flushes };
    },

    /** One SQS batch: parse, process, and say per message what SQS should do. */
    async processMessages(records: readonly SqsLikeRecord[]): Promise<BatchResult> {
      const results: MessageResult[] = new Array(records.length);
      const items: WorkItem[] = [];
      const at: number[] = [];
      records.forEach((r, i) => {
        const parsed = parseWorkMessage(r.body);
        if (!parsed.ok) {
          metrics.add(METRIC.poison, "Count", 1);
          logger.error(
            "poison work message: not a valid work message; it goes to the DLQ after maxReceiveCount",
            {
              messageId: r.messageId,
              problem: parsed.error,
            },
          );
          results[i] = { messageId: r.messageId, disposition: "poison", error: parsed.error };
          return;
        }
        const m = parsed.message;
        items.push({
          tenantId: m.tenantId,
          kind: m.kind,
          rampId: m.rampId,
          entityId: m.entityId ?? null,
          syncRequestId: m.syncRequestId ?? null,
          ...(m.snapshot ? { snapshot: m.snapshot } : {}),
        });
        at.push(i);
      });
      const { outcomes, flushes } = await this.processItems(items);
      outcomes.forEach((outcome, k) => {
        const i = at[k] as number;
        const r = records[i] as SqsLikeRecord;
        results[i] = { messageId: r.messageId, disposition: dispositionOf(outcome), outcome };
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
