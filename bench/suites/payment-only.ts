/**
 * Payment-only candidates: a walk that wants bill payments alone (`sync-now --kind
 * bill_payment`) lists `GET /bills?sync_status=BILL_SYNCED&sync_ready=true` (the guide's
 * narrowing) instead of every sync-ready bill. Side by side in one run, the real poll job
 * (lib/poll/run-job.ts) against the sandbox over HTTP: Ramp list calls for the same payments
 * read the old way (`sources: ["bill"]`) and the payment-only way, held against the floor
 * ⌈payments/100⌉ (bench/floor.ts). The store is an in-suite fake (no ledger rows: every
 * candidate is enqueued), so the figure is Ramp calls only.
 */

import { parseTenantConfig } from "../../lib/config/tenant.js";
import type { Kind } from "../../lib/domain/kinds.js";
import { pollJob } from "../../lib/poll/job.js";
import type { PollCursor, PollJobStore } from "../../lib/poll/ports.js";
import { runPollJob } from "../../lib/poll/run-job.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";
import { readyCounts } from "../drain/ready-counts.js";
import { figureMaker } from "../figure.js";
import { listRoute, rampFloor } from "../floor.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("payment-only");

/** Bills seeded (one entity); the sandbox's mix leaves about one in six payment-only. */
const BILLS = { full: 3000, quick: 300 };

function fakeStore(): PollJobStore {
  const cursors = new Map<string, PollCursor>();
  return {
    ledger: {
      getMany: async () => new Map(),
      claim: async () => {
        throw new Error("the poll job claims nothing here");
      },
      recordFailed: async () => {
        throw new Error("the poll job fails nothing here");
      },
    },
    pollCursors: {
      get: async (k) => cursors.get(`${k.entityId}#${k.kind}`),
      save: async (k, basedOn, value) => {
        const next = { ...value, updatedAt: Date.now(), rev: basedOn ? basedOn.rev + 1 : 0 };
        cursors.set(`${k.entityId}#${k.kind}`, next);
        return next;
      },
    },
    settlesLinks: { link: async () => ({ conflicts: [] }) },
    pollRuns: { record: async () => {} },
  };
}

export default async function paymentOnly(ctx: BenchContext): Promise<SuiteOutput> {
  const bills = ctx.quick ? BILLS.quick : BILLS.full;
  const sb = await startSandbox({
    port: 0,
    seed: 7,
    log: () => {},
    entities: 1,
    bills,
    transactions: 0,
    reimbursements: 0,
    transfers: 0,
    cashbacks: 0,
    vendorCredits: 0,
  });
  try {
    const control = sandboxControl(sb.url);
    const ramp = createRampClient({
      tenantId: "bench",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
    });
    const tenant = parseTenantConfig({
      tenantId: "bench",
      displayName: "Bench",
      ramp: { remoteProviderName: "Journal" },
      erp: { kind: "journal", path: "books.journal" },
      companies: [
        {
          key: "us",
          erpCompanyId: "US",
          currency: "USD",
          defaults: {
            cardLiability: "us:2100",
            accountsPayable: "us:2000",
            bank: "us:1000",
            reimbursementsPayable: "us:2200",
            cashbackIncome: "us:4900",
            defaultExpense: "us:6000",
          },
        },
      ],
    });
    const biz = sb.state.businesses.get(sb.businessId);
    if (!biz) throw new Error("the sandbox has no business");
    const entityIds = biz.entities.map((e) => e.id);
    const [ready, payOnly] = ["bill", "bill_payment"].map(
      (s) => readyCounts(biz, [s as "bill"], entityIds).reduce((n, l) => n + l.objects, 0) as number,
    ) as [number, number];
    // The poll job runs unscoped here (no entity map): one listing, no GET /entities.
    const floor = rampFloor([{ source: "bill_payment", entityId: "all", objects: payOnly }], {});
    const route = listRoute("bill");

    const walk = async (source: "bill" | "bill_payment") => {
      await control("POST", "/stats/reset");
      let payments = 0;
      const r = await runPollJob(
        {
          ramp,
          store: fakeStore(),
          sendWork: async (_q, messages) => {
            // Payment-only candidates: the payment phase of a bill whose bill phase is synced
            // (the bill listing also carries both phases of NOT_SYNCED paid bills).
            for (const m of messages) {
              const w = JSON.parse(m.body) as { kind: Kind; snapshot?: { syncStatus?: string } };
              if (w.kind === "bill_payment" && w.snapshot?.syncStatus === "BILL_SYNCED") payments++;
            }
            return [];
          },
          sendJob: async () => {},
          emitBacklog: () => {},
          clock: Date.now,
          timeLeftMs: () => 900_000,
          reserveMs: 30_000,
        },
        tenant,
        pollJob("bench", Date.now(), [source]),
      );
      const stats = await control<{ byRoute: Record<string, number> }>("GET", "/stats");
      return { calls: stats.byRoute[route] ?? 0, pages: r.pages, payments };
    };
    const today = await walk("bill");
    const narrowed = await walk("bill_payment");
    if (today.payments !== narrowed.payments || narrowed.payments !== payOnly)
      throw new Error(
        `both walks must find the same ${payOnly} payments (bill listing ${today.payments}, payment-only ${narrowed.payments})`,
      );
    const note = `${payOnly} payment-only of ${ready} sync-ready bills`;
    const figures = [
      fig("calls.bill-listing", "payments via every sync-ready bill: Ramp list calls", today.calls, "calls", {
        floor: floor.list,
        note,
      }),
      fig(
        "calls.payment-only",
        "payments via BILL_SYNCED&sync_ready: Ramp list calls",
        narrowed.calls,
        "calls",
        {
          floor: floor.list,
          note,
        },
      ),
      fig("calls.saved", "payment-only walk: Ramp list calls saved", today.calls - narrowed.calls, "calls", {
        note,
      }),
    ];
    return { figures, detail: { bills, ready, paymentOnly: payOnly, today, narrowed, floor: floor.list } };
  } finally {
    await sb.close();
  }
}
