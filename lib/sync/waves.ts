/**
 * The waves of one tenant's batch (syncer.ts): wave 1 is the messages (bills
 * first, then payments, then the rest); posting a bill unlocks its payment and
 * posting a card payment unlocks the card transactions it settles — those run as
 * the next wave of the same invocation, so a paid bill is fully in the ERP after
 * one delivery. Each wave prepares its items (process-item.ts), writes what must
 * be written to the ERP in batches bounded by the tenant's ERP slots, keeping the
 * wave's claims alive meanwhile, then records every result.
 */
import type { ErpPort, FoundRecord, PostOutcome } from "../erp/port.js";
import { InjectedCrash } from "./crash-points.js";
import { classifyFailure } from "./failure.js";
import { mapLimit } from "./limit.js";
import { METRIC } from "./metrics.js";
import {
  finishItem,
  followUpsOf,
  type ItemDeps,
  type ItemOutcome,
  type PostedVia,
  type Prepared,
  prepareItem,
  settledChargesOf,
  type WorkItem,
} from "./process-item.js";
import { processingOrder } from "./sync-object.js";

export interface WaveLimits {
  /** Items prepared concurrently (Ramp reads, ledger claims). */
  prepareConcurrency: number;
  /** Concurrent ERP writes (the tenant's and the adapter's bound). */
  erpLimit: number;
}

type ToPost = Extract<Prepared, { kind: "post" }>;

/** How a written item got its ERP id: finished (an earlier attempt left it incomplete), created, or found by the adapter. */
const postedVia = (p: ToPost, created: boolean): PostedVia => {
  if (p.resume) return "finished";
  return created ? "created" : "found";
};

/** Chunks of the wave's writes: records to finish first, then new posts, each at most `size` long. */
function writeGroups(jobs: readonly ToPost[], size: number): { finishing: boolean; chunk: ToPost[] }[] {
  const groups: { finishing: boolean; chunk: ToPost[] }[] = [];
  for (const finishing of [true, false]) {
    const mine = jobs.filter((j) => !!j.resume === finishing);
    for (let k = 0; k < mine.length; k += size) groups.push({ finishing, chunk: mine.slice(k, k + size) });
  }
  return groups;
}

/** One ERP call for a group of live jobs: finish what an earlier attempt left incomplete, else post. */
function writeGroup(erp: ErpPort, live: readonly ToPost[], finishing: boolean): Promise<PostOutcome[]> {
  if (finishing)
    return erp.finishBatch(live.map((j) => ({ posting: j.posting, found: j.resume as FoundRecord })));
  const [only] = live;
  if (only && live.length === 1)
    return erp.post(only.posting).then((result): PostOutcome[] => [{ ok: true, result }]);
  return erp.postBatch(live.map((j) => j.posting));
}

/** The outcome of one prepared item once the wave's writes are done. */
async function settle(d: ItemDeps, p: Prepared, written: Map<ToPost, PostOutcome>): Promise<ItemOutcome> {
  switch (p.kind) {
    case "done":
      return p.outcome;
    case "record":
      return finishItem(d, p.claimed, { ok: true, erpRef: p.erpRef, via: p.via });
    case "post": {
      const r = written.get(p);
      // Dropped before its write: the lease was taken over (the new holder finds or posts it).
      if (!r) return { status: "skipped", reason: "lost-lease" };
      if (!r.ok) return finishItem(d, p.claimed, { ok: false, error: r.error });
      return finishItem(d, p.claimed, {
        ok: true,
        erpRef: r.result.erpId,
        via: postedVia(p, r.result.created),
      });
    }
  }
}

/** Runs one tenant's items through all waves; outcome per input item (same order). */
export async function runWaves(d: ItemDeps, items: WorkItem[], limits: WaveLimits): Promise<ItemOutcome[]> {
  const { erpLimit } = limits;
  const rt = d.rt;
  const outcomes = new Map<WorkItem, ItemOutcome>();
  const seen = new Set<string>();
  let wave = [...items].sort(processingOrder);
  while (wave.length) {
    const next: WorkItem[] = [];
    const prepared = await mapLimit(wave, limits.prepareConcurrency, async (item) => ({
      item,
      p: await prepareItem(d, item).catch((err: unknown): Prepared => {
        if (err instanceof InjectedCrash) throw err;
        return { kind: "done", outcome: { status: "retry", reason: classifyFailure(err).detail } };
      }),
    }));
    const written = await postAll(
      d,
      erpLimit,
      prepared.map((x) => x.p),
    );
    await mapLimit(prepared, limits.prepareConcurrency, async ({ item, p }) => {
      const outcome = await settle(d, p, written);
      outcomes.set(item, outcome);
      if (p.kind === "done") {
        if (p.object && outcome.status === "skipped" && outcome.erpRef) d.inErp?.(p.object, outcome.erpRef);
        return;
      }
      if (outcome.status === "posted") d.inErp?.(p.object, outcome.erpRef);
      const base = { tenantId: rt.tenant.tenantId };
      let unlocked: WorkItem[] = [];
      if (outcome.status === "posted") unlocked = followUpsOf(p.object, base);
      // A card-paid bill or its payment that failed for good blocks the charges it settles: those
      // waiting (HELD) are told now, with the bill's reason, instead of at the next poll.
      else if (outcome.status === "failed" && outcome.reportable) unlocked = settledChargesOf(p.object, base);
      for (const f of unlocked) {
        const id = `${f.kind}#${f.rampId}`;
        if (!seen.has(id)) {
          seen.add(id);
          next.push(f);
        }
      }
    });
    wave = (await stillWaiting(d, next)).sort(processingOrder);
  }
  return items.map((i) => outcomes.get(i) ?? { status: "retry", reason: "not processed" });
}

/**
 * The follow-ups worth running now. A bill's payment always (it comes with the bill's
 * snapshot). A card charge the payment settles only when its row is HELD — it was seen
 * before the payment posted and waits for it; a charge with no row (or any other state)
 * has its own work message from the poll that listed it (the poller lists every ready
 * transaction), or is not ready yet, so fetching it here by id would only spend a Ramp
 * call per charge on work already queued. A lost hold (holdItem is best effort) waits for
 * the next poll, which re-decides it.
 */
async function stillWaiting(d: ItemDeps, followUps: WorkItem[]): Promise<WorkItem[]> {
  const rows = await Promise.all(
    followUps.map((f) =>
      f.kind === "transaction" && !f.snapshot
        ? d.store.ledger.get(f.tenantId, f.kind, f.rampId)
        : Promise.resolve(undefined),
    ),
  );
  return followUps.filter((f, k) => !(f.kind === "transaction" && !f.snapshot) || rows[k]?.state === "HELD");
}

/**
 * Every claim of the wave stays alive until its result is recorded: whenever a write is about
 * to start, claims older than a third of the lease are renewed — the ones still waiting for an
 * ERP slot and the ones already written but not yet recorded — so a slow ERP never lets a
 * redelivery take over work this worker is doing. A claim that was taken over is dropped (its
 * new holder finds or posts it).
 */
function leaseKeeper(d: ItemDeps, jobs: readonly ToPost[]) {
  const { clock, settings } = d;
  const open = new Set(jobs);
  const renewStale = async () => {
    const stale = [...open].filter((j) => clock() - j.claimedAt >= settings.leaseMs / 3);
    await mapLimit(stale, 8, async (j) => {
      const { tenantId, kind, rampId } = j.claimed;
      const r = await d.store.ledger.renewLease(tenantId, kind, rampId, d.owner, settings.leaseMs);
      if (r.ok) {
        j.claimedAt = clock();
        // The row as now written: recording POSTED is conditional on its rev (no read first).
        j.claimed = r.item;
      } else open.delete(j);
    });
  };
  /** The jobs of a group whose claims are still ours, after renewing the wave's aging claims. */
  return async (group: readonly ToPost[]) => {
    await renewStale();
    return group.filter((j) => open.has(j));
  };
}

async function timed<T>(d: ItemDeps, n: number, fn: () => Promise<T>): Promise<T> {
  const { clock } = d;
  const t0 = clock();
  try {
    return await fn();
  } finally {
    d.metrics.add(METRIC.erpPostLatency, "Milliseconds", clock() - t0, {
      erp: d.rt.erp.type,
      batch: String(n > 1),
    });
  }
}

/**
 * The ERP writes of one wave: through postBatch in chunks where the adapter
 * batches, else one post per item — both bounded by the tenant's ERP slots.
 * Records an earlier attempt left incomplete go through finishBatch instead
 * (the adapter finishes them; nothing is created a second time).
 * Before each write the wave's aging claims are renewed; an item whose lease
 * was taken over is dropped (its new holder will find or post it).
 */
async function postAll(d: ItemDeps, erpLimit: number, prepared: readonly Prepared[]) {
  const jobs = prepared.filter((p): p is ToPost => p.kind === "post");
  const out = new Map<ToPost, PostOutcome>();
  if (!jobs.length) return out;
  const { erp } = d.rt;
  const keepLease = leaseKeeper(d, jobs);
  const size = erp.capabilities.batchPosting ? Math.max(1, erp.capabilities.maxBatchSize) : 1;
  await mapLimit(writeGroups(jobs, size), erpLimit, ({ finishing, chunk }) =>
    // The lease check runs once the slot is ours: waiting for a slot can take long too.
    d.erpSlot(async () => {
      const live = await keepLease(chunk);
      if (!live.length) return;
      let results: PostOutcome[];
      try {
        results = await timed(d, live.length, () => writeGroup(erp, live, finishing));
      } catch (error) {
        if (error instanceof InjectedCrash) throw error;
        results = live.map(() => ({ ok: false, error }) as PostOutcome);
      }
      live.forEach((j, k) => {
        out.set(j, results[k] ?? ({ ok: false, error: new Error("ERP returned no outcome") } as PostOutcome));
      });
    }),
  );
  return out;
}
