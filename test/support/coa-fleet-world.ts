/**
 * A fleet of small-chart tenants on the local stack, as the coa fleet test
 * (test/integration/coa-fleet.test.ts) and its bench (bench/suites/coa-fleet.ts)
 * start it: one Ramp sandbox over HTTP with a business (and so a client app and
 * a rate limit) per tenant, a journal with 7 GL accounts and a 2-option
 * Department dimension per tenant, and the coa-push window and concurrency set
 * through the manifest both stacks read.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MANIFEST, type Trigger, withFunction } from "../../infra/functions.js";
import type { CompanyConfig } from "../../lib/config/tenant.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { demoCompany } from "../../local/demo-journal.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { type SandboxRamp, sandboxRamp } from "../integration/coa-harness.js";

export const FLEET_ACCOUNTS = 7;
export const FLEET_OPTIONS = 2;

/** One company per tenant; the chart below uses the demo chart's account names, so its defaults fit. */
const company = (key: string): CompanyConfig => demoCompany(key, "USD");

/** A small chart: FLEET_ACCOUNTS GL accounts and a Department dimension with FLEET_OPTIONS options. */
const smallChart = (key: string, name: string) =>
  `${[
    `; ramp-company: ${key} | USD | ${name}`,
    "; ramp-field: department | Department",
    `; ramp-option: ${key} | department | Engineering | ENG`,
    `; ramp-option: ${key} | department | Sales | SAL`,
    "commodity 1000.00 USD",
    `account ${key}:Assets:Bank:Operating  ; type: C, code: 1000`,
    `account ${key}:Liabilities:Ramp Card  ; type: L, code: 2000, ramp-class: CREDCARD`,
    `account ${key}:Liabilities:Accounts Payable  ; type: L, code: 2100`,
    `account ${key}:Liabilities:Reimbursements Payable  ; type: L, code: 2200`,
    `account ${key}:Revenue:Cashback  ; type: R, code: 4900`,
    `account ${key}:Expenses:Meals  ; type: X, code: 6100`,
    `account ${key}:Expenses:Office Supplies  ; type: X, code: 6400`,
    "payee Office Depot",
  ].join("\n")}\n`;

type Creds = { client_id: string; client_secret: string };

export interface CoaFleetWorld {
  r: SandboxRamp;
  stack: LocalStack;
  /** The journals' root (JOURNAL_ROOT of the stack). */
  root: string;
  ids: string[];
  /** Every tenant added so far (the fleet and any added later). */
  tenantCount(): number;
  /** A new tenant on a business of its own (seed must be unused). */
  addTenant(id: string, seed: number): Promise<void>;
  /** A Ramp client for a tenant's business, to read what its push left there. */
  rampOf(id: string, fetchImpl?: typeof fetch): ReturnType<typeof createRampClient>;
  stop(): Promise<void>;
}

export async function startCoaFleetWorld(o: {
  dynamoEndpoint: string;
  tenants: number;
  windowS: number;
  concurrency: number;
}): Promise<CoaFleetWorld> {
  const r = await sandboxRamp({ transactions: 0 });
  const root = await mkdtemp(join(tmpdir(), "coa-fleet-"));
  const spec = MANIFEST.functions.coaPush;
  const manifest = withFunction(MANIFEST, "coaPush", {
    env: { ...spec.env, COA_PUSH_WINDOW_SECONDS: { value: String(o.windowS) } },
    triggers: spec.triggers.map(
      (t): Trigger => ("queue" in t ? { ...t, maximumConcurrency: o.concurrency } : t),
    ),
  });
  const stack = await startLocalStack({
    dynamoEndpoint: o.dynamoEndpoint,
    env: { JOURNAL_ROOT: root },
    manifest,
  });
  const creds = new Map<string, Creds>();
  const addTenant = async (id: string, seed: number) => {
    const c = await r.control<Creds>("POST", "/businesses", {
      seed,
      transactions: 0,
      reimbursements: 0,
      bills: 0,
      transfers: 0,
      cashbacks: 0,
    });
    creds.set(id, c);
    await mkdir(join(root, id));
    await writeFile(join(root, id, "books.journal"), smallChart("co", `${id} Inc`));
    stack.seedSecret(`ramp-erp-sync/${id}/ramp`, c);
    await stack.saveTenant({
      tenantId: id,
      displayName: id,
      version: 0,
      ramp: { baseUrl: r.sb.url, remoteProviderName: `Journal ${id}` },
      erp: { kind: "journal", path: "books.journal" },
      companies: [company("co")],
      coa: { pushVendors: false, pushTax: false },
    });
  };
  const ids = Array.from({ length: o.tenants }, (_, i) => `fleet-${String(i).padStart(4, "0")}`);
  for (let k = 0; k < ids.length; k += 20)
    await Promise.all(ids.slice(k, k + 20).map((id, j) => addTenant(id, 1000 + k + j)));
  return {
    r,
    stack,
    root,
    ids,
    tenantCount: () => creds.size,
    addTenant,
    rampOf(id, fetchImpl) {
      const c = creds.get(id);
      if (!c) throw new Error(`no tenant ${id}`);
      return createRampClient({
        tenantId: id,
        baseUrl: r.sb.url,
        credentials: { get: async () => ({ clientId: c.client_id, clientSecret: c.client_secret }) },
        tokens: createMemoryTokenStore(),
        limiter: createMemoryRateLimiter(),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
    },
    async stop() {
      await stack.stop();
      await r.close();
    },
  };
}
