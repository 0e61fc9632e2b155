/**
 * The demo's proof: `ops reconcile` (lib/reconcile, the one reconciliation) run against
 * the demo's own local stack through the ops context — Ramp read by the tenant's client
 * over HTTP, the ledger in DynamoDB Local, the journal read back by its adapter — with
 * the objects read so far exposed for the progress printer.
 */
import type { TenantConfig } from "../lib/config/tenant.js";
import { silentLogger } from "../lib/domain/logger.js";
import { companyResolver } from "../lib/reconcile/company.js";
import type { RampSide } from "../lib/reconcile/ports.js";
import { rampSideOf } from "../lib/reconcile/ramp-side.js";
import type { ReconcileReport } from "../lib/reconcile/report.js";
import { reconcile } from "../lib/reconcile/run.js";
import { contextOnTarget } from "../ops/context.js";
import { enabledKinds } from "../ops/reconcile-commands.js";
import { OpsTargetSchema } from "../ops/target.js";
import type { LocalStack } from "./runtime/stack.js";

export interface DemoReconcile {
  /** Objects Ramp listed so far (for progress). */
  objectsRead(): number;
  done: Promise<ReconcileReport>;
}

export function reconcileDemo(stack: LocalStack, tenantId: string): DemoReconcile {
  let read = 0;
  const counted = (side: RampSide): RampSide => ({
    async *pages(source, window) {
      for await (const page of side.pages(source, window)) {
        read += new Set(page.map((r) => r.rampId)).size;
        yield page;
      }
    },
  });
  const done = (async () => {
    const ctx = contextOnTarget(() => OpsTargetSchema.parse(stack.opsTarget()), silentLogger);
    try {
      const tenant = (await ctx.tenants().get(tenantId)) as TenantConfig;
      const erp = await ctx.runtimes().erpFor(tenant);
      try {
        const { report } = await reconcile(
          {
            ramp: counted(rampSideOf(ctx.runtimes().rampFor(tenant), companyResolver(tenant))),
            store: ctx.store(),
            erp,
            now: ctx.now,
          },
          {
            tenantId,
            kinds: enabledKinds(tenant),
            window: { since: null },
            receipts: tenant.sync.attachReceipts,
          },
        );
        return report;
      } finally {
        await erp.close();
      }
    } finally {
      ctx.close();
    }
  })();
  return { objectsRead: () => read, done };
}
