/**
 * The Sync Button world, for the e2e tests and the bench alike: a Ramp sandbox
 * (wall clock) with N ready card transactions coded against the chart coa-push
 * uploaded from a journal ERP, the whole local stack built from the manifest
 * (webhook → button-jobs → button job → priority queue → syncer, deadline jobs,
 * sweep), W syncer workers, the tenant subscribed to `transactions.sync_requested`
 * through the ops command, and an ERP stand-in around the journal adapter that can
 * be taken down (an outage) or made to fail one object for good (a poison row).
 *
 * `windowMs` is the one setting both sides read: the sandbox's syncRequestTimeoutMs
 * (Ramp auto-fails what is not reported by then) and our SYNC_BUTTON_WINDOW_MS.
 */
import { performance } from "node:perf_hooks";
import { startWorld, TENANT, type World } from "../../bench/drain/world.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { sleep } from "../../lib/domain/time.js";
import type { ErpPort } from "../../lib/erp/port.js";
import { transientError, userError } from "../../lib/erp/port.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { contextOnTarget } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";

export { TENANT };

export interface ButtonWorldOptions {
  dynamoEndpoint: string;
  transactions: number;
  windowMs: number;
  /** Pollers per event source mapping (syncer workers). */
  workers: number;
  seed?: number;
}

export interface SyncRequestView {
  sync_request_id: string;
  total: number;
  pending: number;
  succeeded: number;
  failed: number;
  deadline: string;
  created_at: string;
  rows: Record<string, "PENDING" | "SUCCEEDED" | "FAILED">;
}

export interface ButtonWorld {
  world: World;
  stack: LocalStack;
  /** The ERP stand-in's switches. */
  erp: {
    /** While down, every ERP call fails as "ERP unavailable" (transient). */
    down: boolean;
    /** Objects whose posting fails for good (user-actionable), by Ramp id. */
    poison: Set<string>;
    postings: number;
  };
  /** The user clicks Sync All (every ready transaction, or `ids`); returns the request and when it was made. */
  click(ids?: string[]): Promise<{ request: SyncRequestView; clickedAt: number }>;
  request(id: string): Promise<SyncRequestView>;
  /** Waits until no row of the request is PENDING in Ramp (or `timeoutMs`); the wall time it took from `since`. */
  untilAnswered(id: string, since: number, timeoutMs: number): Promise<{ view: SyncRequestView; ms: number }>;
  /** Ramp's auto-fails of the request (rows nobody reported in time), after its window has passed. */
  autoFailed(id: string): Promise<string[]>;
  /** Every sync call Ramp accepted (sandbox record). */
  syncs(): Promise<
    Array<{ syncType: string; successful: string[]; failed: string[]; syncRequestId: string | null }>
  >;
  /** Ready transaction ids in Ramp now. */
  ready(): string[];
  close(): Promise<void>;
}

/** The ERP stand-in: the journal adapter, unless down (every call transient) or the object is poison. */
function standIn(erp: ErpPort, s: ButtonWorld["erp"]): ErpPort {
  const unavailable = () => transientError("UNAVAILABLE", "ERP unavailable", "injected outage");
  const poisoned = (ref: string) => [...s.poison].some((id) => ref.includes(id));
  return new Proxy(erp, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return async (...args: unknown[]) => {
        if (s.down) throw unavailable();
        if (prop === "post" || prop === "postBatch") {
          const postings = (prop === "post" ? [args[0]] : (args[0] as unknown[])) as Array<{ ref: string }>;
          s.postings += postings.length;
          if (postings.some((p) => poisoned(p.ref))) {
            if (prop === "post")
              throw userError("CLOSED_PERIOD", "Accounting period closed", "Reopen it and retry.");
            const ok = postings.filter((p) => !poisoned(p.ref));
            const done = ok.length
              ? await (target.postBatch as ErpPort["postBatch"]).call(target, ok as never)
              : [];
            let k = 0;
            return postings.map((p) =>
              poisoned(p.ref)
                ? {
                    ok: false,
                    error: userError("CLOSED_PERIOD", "Accounting period closed", "Reopen it and retry."),
                  }
                : done[k++],
            );
          }
        }
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export async function startButtonWorld(o: ButtonWorldOptions): Promise<ButtonWorld> {
  const world = await startWorld({ transactions: o.transactions }, o.seed, {
    config: { syncRequestTimeoutMs: o.windowMs },
  });
  const erp: ButtonWorld["erp"] = { down: false, poison: new Set(), postings: 0 };
  const stack = await startLocalStack({
    dynamoEndpoint: o.dynamoEndpoint,
    env: { LOG_LEVEL: "SILENT", JOURNAL_ROOT: world.root, SYNC_BUTTON_WINDOW_MS: String(o.windowMs) },
    concurrency: o.workers,
    wrapErp: (e) => standIn(e, erp),
  });
  const { control, sb } = world;
  try {
    stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
    });
    await stack.saveTenant({
      ...world.tenant,
      ramp: {
        ...world.tenant.ramp,
        settings: { ...world.tenant.ramp.settings, transactionSyncButton: true },
      },
      version: 0,
    });
    const push = await stack.coaPush(TENANT);
    if (push.failures.length) throw new Error(`coa-push refused items: ${JSON.stringify(push.failures)}`);
    await world.code(0);
    const ctx = contextOnTarget(() => OpsTargetSchema.parse(stack.opsTarget()), silentLogger);
    const out: string[] = [];
    const code = await runOps(
      ["webhooks", "subscribe", "--tenant", TENANT, "--endpoint", stack.webhookUrl, "--no-ready-to-sync"],
      ctx,
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    ctx.close();
    if (code !== 0) throw new Error(`webhooks subscribe failed: ${out.join("\n")}`);
  } catch (err) {
    await stack.stop();
    await world.close();
    throw err;
  }

  const request = (id: string) => control<SyncRequestView>("GET", `/sync-requests/${id}`);
  const biz = () => {
    const b = sb.state.businesses.get(sb.businessId);
    if (!b) throw new Error("the sandbox has no business");
    return b;
  };
  return {
    world,
    stack,
    erp,
    async click(ids) {
      const clickedAt = performance.now();
      const r = await control<SyncRequestView>("POST", "/sync-all", {
        kind: "transaction",
        ...(ids ? { ids } : {}),
      });
      return { request: r, clickedAt };
    },
    request,
    async untilAnswered(id, since, timeoutMs) {
      const giveUp = performance.now() + timeoutMs;
      for (;;) {
        const view = await request(id);
        if (view.pending === 0) return { view, ms: Math.round(performance.now() - since) };
        if (performance.now() > giveUp) return { view, ms: Math.round(performance.now() - since) };
        await sleep(100);
      }
    },
    async autoFailed(id) {
      await request(id); // the sandbox sweeps expired requests lazily, on a call
      const out: string[] = [];
      for (const t of biz().transactions.all())
        if (
          t.sync.history.some((h) => h.event === "sync_request_timed_out" && h.detail?.sync_request_id === id)
        )
          out.push(t.id);
      return out;
    },
    syncs: () => control("GET", "/syncs"),
    ready: () => [...biz().transactions.all()].filter((t) => t.status === "SYNC_READY").map((t) => t.id),
    async close() {
      await stack.stop();
      await world.close();
    },
  };
}
