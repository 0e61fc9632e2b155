/**
 * What the syncer and the sweep Lambdas run on: the store, every tenant's
 * runtime (lib/aws/tenant-runtime.ts), a fresh lease owner per invocation,
 * the vendor lists kept for the container's life, and the protocol's settings.
 * `syncerDeps` builds them from a handler's parts (the environment on Lambda,
 * the manifest in the local stack); tests hand `makeHandler` their own.
 */
import { randomUUID } from "node:crypto";
import { changeVisibility, sendAllOrThrow, type VisibilityChange } from "../../lib/aws/sqs.js";
import { type ErpWrapper, tenantRuntimesOf } from "../../lib/aws/tenant-runtime.js";
import type { SyncerEnv } from "../../lib/config/env.js";
import type { MessageFailures } from "../../lib/domain/message-failure.js";
import type { ErpCrashHook } from "../../lib/erp/crash-points.js";
import { receiptObjectOf } from "../../lib/receipts/from-object.js";
import { OBJECTS_PER_MESSAGE, type ReceiptsMessage } from "../../lib/receipts/message.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { Observability } from "../../lib/runtime/handler-stack.js";
import { createStore, type Store } from "../../lib/store/index.js";
import type { CrashHook } from "../../lib/sync/crash-points.js";
import type { SyncMetrics } from "../../lib/sync/metrics.js";
import type { TenantRuntime } from "../../lib/sync/process-item.js";
import { createSyncer, type InErp, type ReceiptHandOff, type SyncerSettings } from "../../lib/sync/syncer.js";
import { createVendorCache, type VendorCache } from "../../lib/sync/vendor-cache.js";

export interface SyncerDeps {
  obs: Observability;
  store: Store;
  runtimeFor(tenantId: string): Promise<TenantRuntime | null>;
  /** A fresh lease owner per invocation. */
  newOwner(requestId?: string): string;
  /** Where failed records are written down (message id → last error, for `ops dlq list`); absent = not recorded. */
  failures?: MessageFailures;
  settings?: Partial<SyncerSettings>;
  /** Protocol crash points (tests only). */
  crash?: CrashHook;
  /** The clock leases and flush ages are measured with (the store's, in tests that move time). */
  clock?: () => number;
  /** Vendor lists kept for the container's life (lib/sync/vendor-cache.ts); absent = per batch. */
  vendorCache?: VendorCache;
  /** The receipts queue (lib/receipts): objects the batch found in the ERP with their receipts; absent = none. */
  receipts?: ReceiptHandOff;
  /** ChangeMessageVisibility on the queues the syncer consumes (absent = every retry waits its timeout). */
  changeVisibility?(changes: readonly VisibilityChange[]): Promise<{ changed: number; failed: number }>;
}

export interface SyncerExtras {
  /** Kill tests only (test/chaos): a hook inside the ERP adapters' multi-step writes. */
  erpCrash?: ErpCrashHook;
  /** Tests only: an ERP stand-in around the real adapter (lib/aws/tenant-runtime.ts). */
  wrapErp?: ErpWrapper;
  settings?: Partial<SyncerSettings>;
  crash?: CrashHook;
  clock?: () => number;
}

export function syncerDeps(parts: HandlerParts<SyncerEnv>, extras: SyncerExtras = {}): SyncerDeps {
  const { env, aws, obs } = parts;
  const store = createStore({ doc: aws.doc, tableName: env.TABLE_NAME, logger: obs.log });
  const runtimes = tenantRuntimesOf(parts, store.tenants, {
    ...(extras.erpCrash ? { erpCrash: extras.erpCrash } : {}),
    ...(extras.wrapErp ? { wrapErp: extras.wrapErp } : {}),
  });
  return {
    obs,
    store,
    runtimeFor: runtimes.runtimeFor,
    newOwner: (requestId) => `${requestId ?? "local"}:${randomUUID().slice(0, 8)}`,
    failures: store.messageFailures,
    settings: { leaseMs: env.LEASE_MS, ...extras.settings },
    changeVisibility: (changes) =>
      changeVisibility(
        aws.sqs,
        [env.WORK_QUEUE_URL, env.PRIORITY_QUEUE_URL].filter((u): u is string => !!u),
        changes,
      ),
    ...(env.RECEIPTS_QUEUE_URL ? { receipts: receiptsSender(aws.sqs, env.RECEIPTS_QUEUE_URL) } : {}),
    ...(extras.crash ? { crash: extras.crash } : {}),
    ...(extras.clock ? { clock: extras.clock } : {}),
    // Built once per container (the handler's deps), so every invocation's syncer shares it.
    vendorCache: createVendorCache(extras.clock ? { clock: extras.clock } : {}),
  };
}

/** One invocation's syncer: its own lease owner, the function's store, runtimes and settings. */
export function syncerFor(deps: SyncerDeps, metrics: SyncMetrics, requestId: string) {
  return createSyncer({
    store: deps.store,
    runtimeFor: deps.runtimeFor,
    owner: deps.newOwner(requestId),
    logger: deps.obs.log,
    metrics,
    settings: deps.settings ?? {},
    ...(deps.crash ? { crash: deps.crash } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.vendorCache ? { vendorCache: deps.vendorCache } : {}),
    ...(deps.receipts ? { receipts: deps.receipts } : {}),
  });
}

/** `attach` messages of at most OBJECTS_PER_MESSAGE objects; throws unless every one was sent. */
function receiptsSender(sqs: Parameters<typeof sendAllOrThrow>[0], queueUrl: string) {
  return {
    async send(tenantId: string, found: InErp[]) {
      const objects = found.flatMap((f) => receiptObjectOf(f.object, f.erpRef) ?? []);
      if (objects.length === 0) return;
      const messages = [];
      for (let k = 0; k < objects.length; k += OBJECTS_PER_MESSAGE) {
        const body: ReceiptsMessage = {
          v: 1,
          type: "attach",
          tenantId,
          objects: objects.slice(k, k + OBJECTS_PER_MESSAGE),
        };
        messages.push({ id: `r${k}`, body: JSON.stringify(body) });
      }
      await sendAllOrThrow(sqs, queueUrl, messages);
    },
  };
}
