/**
 * Chart-of-accounts push at size, against the sandbox over HTTP through the real Ramp
 * client: one tenant whose ERP has 10,000 custom-field options (and a few GL accounts).
 *
 * - First push: the options go up in batches of Ramp's 500-item maximum, so the floor is
 *   ⌈10,000/500⌉ = 20 upload calls; the naive baseline is one call per option.
 * - Second push with nothing changed: list calls only (goal: 0 writes). Its list floor is
 *   what reading the surface costs at Ramp's largest page (100): ⌈n/100⌉ per list, at
 *   least one call per list that must be read.
 *
 * Quick (CI) uses the same 10,000 options: the push itself is a few seconds, most of the
 * wall time is the client's own rate limiter pacing ~120 list calls.
 */
import { performance } from "node:perf_hooks";
import { pushCoa } from "../../lib/coa/push.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { CodingSurface } from "../../lib/erp/port.js";
import { COA_UPLOAD_MAX } from "../../lib/ramp/client.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";
import { figureMaker } from "../figure.js";
import { LIST_PAGE_MAX } from "../floor.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("coa");
const OPTIONS = 10_000;
const GL_ACCOUNTS = 50;
const OPTION_ROUTE = /^POST .*\/accounting\/field-options$/;

function surface(): CodingSurface {
  return {
    companies: [{ key: "acme", erpId: "1", name: "Acme", currency: "USD" }],
    glAccounts: Array.from({ length: GL_ACCOUNTS }, (_, i) => ({
      remoteId: `acme:${6000 + i}`,
      companyKey: "acme",
      code: String(6000 + i),
      name: `Expense ${i}`,
      classification: "EXPENSE" as const,
      active: true,
    })),
    fields: [
      {
        remoteId: "field:project",
        name: "Project",
        options: Array.from({ length: OPTIONS }, (_, i) => ({
          remoteId: `acme:p${i}`,
          companyKey: "acme",
          value: `Project ${String(i).padStart(5, "0")}`,
          code: `P${i}`,
          active: true,
        })),
      },
    ],
    vendors: [],
    taxRates: [],
    taxCodes: [],
  };
}

const companyDefaults = {
  cardLiability: "acme:2000",
  accountsPayable: "acme:2100",
  bank: "acme:1000",
  reimbursementsPayable: "acme:2200",
  cashbackIncome: "acme:4900",
  defaultExpense: "acme:6999",
  fallbackVendor: null,
};

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

export default async function coa(ctx: BenchContext): Promise<SuiteOutput> {
  const sb = await startSandbox({
    port: 0,
    seed: 5,
    log: () => {},
    transactions: 0,
    reimbursements: 0,
    bills: 0,
    transfers: 0,
    cashbacks: 0,
  });
  try {
    const client = createRampClient({
      tenantId: "bench-coa",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
    });
    const control = sandboxControl(sb.url);
    const byRoute = async () =>
      (await control<{ byRoute: Record<string, number> }>("GET", "/stats")).byRoute as Record<string, number>;
    let tenant: TenantConfig = parseTenantConfig({
      tenantId: "bench-coa",
      displayName: "Bench CoA",
      ramp: { remoteProviderName: "Bench ERP" },
      // The surface comes from `erp` below; the journal path is never opened.
      erp: { kind: "journal", path: "unused.journal" },
      companies: [{ key: "acme", erpCompanyId: "1", currency: "USD", defaults: companyDefaults }],
      coa: { pushVendors: false, pushTax: false },
    });
    const erp = { readSurface: async () => surface() };
    const push = () =>
      pushCoa(
        {
          client,
          erp,
          onConnectionId: async (id) => {
            tenant = { ...tenant, ramp: { ...tenant.ramp, connectionId: id } };
          },
        },
        { tenant },
      );

    // The connection is set up once, outside both measurements.
    await control("POST", "/stats/reset");
    let t0 = performance.now();
    const first = await push();
    const firstSeconds = (performance.now() - t0) / 1000;
    const firstCalls = await byRoute();
    const optionUploads = sum(
      Object.entries(firstCalls).flatMap(([r, n]) => (OPTION_ROUTE.test(r) ? [n] : [])),
    );
    const firstWrites = sum(
      Object.entries(firstCalls).flatMap(([r, n]) =>
        /^(POST|PATCH|PUT|DELETE) /.test(r) && !r.includes("/token") ? [n] : [],
      ),
    );
    ctx.log(`first push: ${first.report.writeCalls} writes in ${firstSeconds.toFixed(1)} s`);

    await control("POST", "/stats/reset");
    t0 = performance.now();
    const second = await push();
    const secondSeconds = (performance.now() - t0) / 1000;
    const secondCalls = await byRoute();
    const writes = sum(
      Object.entries(secondCalls).flatMap(([r, n]) =>
        /^(POST|PATCH|PUT|DELETE) /.test(r) && !r.includes("/token") ? [n] : [],
      ),
    );
    const lists = sum(Object.entries(secondCalls).flatMap(([r, n]) => (r.startsWith("GET ") ? [n] : [])));
    ctx.log(`second push: ${second.operations.length} operations, ${lists} reads, ${writes} writes`);

    // Reads the surface must make at Ramp's largest page: GL accounts, fields, the field's
    // options, accounting vendors, tax rates and the tax-code field (each at least one call).
    // Not in the floor: the connection check (all-connections + the connection itself), as
    // the drain's floor leaves out the token mint.
    const pages = (n: number) => Math.max(1, Math.ceil(n / LIST_PAGE_MAX));
    const listFloor = pages(GL_ACCOUNTS) + pages(1) + pages(OPTIONS) + 1 + 1 + 1;
    const uploadFloor = Math.ceil(OPTIONS / COA_UPLOAD_MAX);
    return {
      figures: [
        fig(
          "options-upload-calls",
          `coa: first push of ${OPTIONS} options, upload calls`,
          optionUploads,
          "calls",
          {
            floor: uploadFloor,
            goal: `${uploadFloor} (batches of ${COA_UPLOAD_MAX})`,
            note: `naive: ${OPTIONS} (one call per option)`,
          },
        ),
        fig(
          "options-upload-vs-naive",
          "coa: first push, upload calls vs one per option",
          optionUploads,
          "calls",
          {
            baseline: OPTIONS,
          },
        ),
        fig("first-push-writes", "coa: first push, all write calls", firstWrites, "calls", {
          note: `options + ${GL_ACCOUNTS} GL accounts + the field`,
        }),
        fig("first-push-seconds", "coa: first push wall time", firstSeconds, "s"),
        fig("no-change-writes", "coa: second push, no change: write calls", writes, "calls", { goal: "0" }),
        fig("no-change-reads", "coa: second push, no change: read calls", lists, "calls", {
          floor: listFloor,
          note: "lists at page 100; the 2 connection-check reads are above the floor",
        }),
        fig("no-change-seconds", "coa: second push wall time", secondSeconds, "s", {
          note: "mostly the client's rate limiter pacing the reads",
        }),
      ],
      detail: { options: OPTIONS, glAccounts: GL_ACCOUNTS, firstCalls, secondCalls },
    };
  } finally {
    await sb.close();
  }
}
