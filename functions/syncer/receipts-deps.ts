/**
 * What the receipts Lambda runs on: the store's receipt rows and ledger, every
 * tenant's runtime (its Ramp client and ERP adapter: lib/aws/tenant-runtime.ts),
 * the downloader with the function's cap. Built from a handler's parts (the
 * environment on Lambda, the manifest in the local stack); tests hand
 * `makeReceiptsHandler` their own.
 */
import { type ErpWrapper, tenantRuntimesOf } from "../../lib/aws/tenant-runtime.js";
import type { ReceiptsEnv } from "../../lib/config/env.js";
import type { MessageFailures } from "../../lib/domain/message-failure.js";
import type { ErpCrashHook } from "../../lib/erp/crash-points.js";
import { downloadFile } from "../../lib/receipts/download.js";
import { receiptLedgerView } from "../../lib/receipts/ledger-view.js";
import type { ReceiptDeps } from "../../lib/receipts/ports.js";
import { receiptRampOf } from "../../lib/receipts/ramp-view.js";
import { createUrlCache, type UrlCache } from "../../lib/receipts/url-cache.js";
import type { ReceiptWorkerDeps } from "../../lib/receipts/worker.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { Observability } from "../../lib/runtime/handler-stack.js";
import { createStore } from "../../lib/store/index.js";
import type { SyncMetrics } from "../../lib/sync/metrics.js";

export interface ReceiptsHandlerDeps {
  obs: Observability;
  worker(metrics: SyncMetrics): ReceiptWorkerDeps;
  failures?: MessageFailures;
}

export interface ReceiptsExtras {
  /** Kill tests only: a hook between download and attach, attach and record (lib/receipts/ports.ts). */
  crash?: ReceiptDeps["crash"];
  erpCrash?: ErpCrashHook;
  wrapErp?: ErpWrapper;
  clock?: () => number;
}

export function receiptsDeps(
  parts: HandlerParts<ReceiptsEnv>,
  extras: ReceiptsExtras = {},
): ReceiptsHandlerDeps {
  const { env, obs } = parts;
  const store = createStore({ doc: parts.aws.doc, tableName: env.TABLE_NAME, logger: obs.log });
  const runtimes = tenantRuntimesOf(parts, store.tenants, {
    ...(extras.erpCrash ? { erpCrash: extras.erpCrash } : {}),
    ...(extras.wrapErp ? { wrapErp: extras.wrapErp } : {}),
  });
  const ledger = receiptLedgerView(store.ledger);
  const clock = extras.clock ?? Date.now;
  // Per tenant, for the life of the warm Lambda (lib/receipts/url-cache.ts).
  const urlCaches = new Map<string, UrlCache>();
  const urlsOf = (tenantId: string) => {
    const c = urlCaches.get(tenantId) ?? createUrlCache();
    urlCaches.set(tenantId, c);
    return c;
  };
  return {
    obs,
    failures: store.messageFailures,
    worker: (metrics) => ({
      logger: obs.log,
      metrics,
      async depsFor(tenantId) {
        const tenant = await store.tenants.get(tenantId);
        if (!tenant?.enabled) return null;
        return {
          tenant,
          store: store.receipts,
          ledger,
          ramp: receiptRampOf(runtimes.rampFor(tenant)),
          erp: await runtimes.erpFor(tenant),
          download: (url, o) => downloadFile(url, o),
          urls: urlsOf(tenantId),
          logger: obs.log,
          metrics,
          clock,
          maxBytes: env.RECEIPT_MAX_BYTES,
          ...(extras.crash ? { crash: extras.crash } : {}),
        };
      },
    }),
  };
}
