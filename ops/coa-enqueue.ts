/**
 * `coa-push --tenant T` and `coa-push --all`: the same path as the daily
 * schedule — coa-request messages (lib/coa/fleet.ts) that the coa-push
 * consumer pushes, at most its maximum concurrency at once. `--all` is bulk
 * onboarding: every enabled tenant, due at random over `--window` seconds
 * (the guide: stagger chart-of-accounts uploads across customers).
 * `--dry-run` walks the same tenants and sends nothing.
 */
import { coaRequestQueue } from "../lib/aws/coa-requests.js";
import {
  type CoaPushMessage,
  type CoaRequestQueue,
  fanOutCoaPushes,
  staggeredRequests,
} from "../lib/coa/fleet.js";
import { EXIT, emit, reportProblem } from "./command-kit.js";
import type { OpsContext } from "./context.js";

export interface EnqueueOptions {
  tenant?: string;
  all?: boolean;
  windowS: number;
  optionRemoval?: "delete";
  dryRun?: boolean;
  json?: boolean;
}

export async function enqueueCoaPushes(
  ctx: OpsContext,
  io: { out: (l: string) => void; err: (l: string) => void },
  o: EnqueueOptions,
): Promise<number> {
  const sent: CoaPushMessage[] = [];
  const real = o.dryRun ? undefined : coaRequestQueue(ctx.aws().sqs, ctx.queue("coaRequests").url);
  const queue: CoaRequestQueue = {
    async send(messages) {
      await real?.send(messages);
      sent.push(...messages);
    },
  };
  let invalid: Array<{ tenantId: string; error: string }> = [];
  if (o.all) {
    const res = await fanOutCoaPushes(
      { tenants: ctx.tenants(), queue, clock: ctx.now, log: ctx.logger },
      { windowMs: o.windowS * 1000, reason: "bulk" },
    );
    invalid = res.invalid;
  } else {
    const tenantId = o.tenant as string;
    if (!(await ctx.tenants().get(tenantId)))
      return reportProblem(io, o.json, "refused", `unknown tenant ${tenantId}`, "ramp-erp-sync tenants list");
    await queue.send(
      staggeredRequests([tenantId], {
        windowMs: 0,
        now: ctx.now(),
        reason: "on_demand",
        ...(o.optionRemoval ? { optionRemoval: o.optionRemoval } : {}),
      }),
    );
  }
  const windowS = o.all ? o.windowS : 0;
  emit(
    io,
    o.json,
    {
      dryRun: o.dryRun === true,
      enqueued: sent.length,
      windowS,
      invalid,
      tenants: sent.map((m) => m.request.tenantId),
    },
    () => [
      `coa-push: ${o.dryRun ? "would enqueue" : "enqueued"} ${sent.length} tenant(s) on coaRequests` +
        (o.all ? `, due over ${windowS} s` : ""),
      ...invalid.map((b) => `  not enqueued (config does not parse): ${b.tenantId}: ${b.error}`),
    ],
  );
  return invalid.length ? EXIT.failed : EXIT.done;
}
