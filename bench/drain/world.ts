/**
 * The world a drain and its naive baseline both run against, built the same way for both
 * so their figures compare: a Ramp sandbox business (seeded, every object ready, two
 * entities — the demo journal's two companies) and a fresh journal ERP on disk, with the
 * tenant configuration that connects them. Coding (coa-push, then the sandbox's coding
 * control) is the caller's: the drain pushes through the local stack's coa-push function,
 * the baseline through the same use case called directly.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TenantConfigInput } from "../../lib/config/tenant.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { type SandboxControl, sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { type RunningSandbox, type StartOptions, startSandbox } from "../../local/ramp-sandbox/server.js";

export const TENANT = "bench";
export const DEFAULT_SEED = 11;

export interface WorldCounts {
  transactions: number;
  bills?: number;
  reimbursements?: number;
  transfers?: number;
  cashbacks?: number;
  vendorCredits?: number;
}

export interface World {
  /** The JOURNAL_ROOT: the tenant's journal is `<root>/bench/books.journal`. */
  root: string;
  journalPath: string;
  sb: RunningSandbox;
  control: SandboxControl;
  /** Ramp entity id → the journal company key it posts to. */
  entityMap: Record<string, string>;
  tenant: TenantConfigInput;
  /** The sandbox's coding control: every ready object coded against the chart coa-push uploaded. */
  code(vendorlessShare: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  counts: WorldCounts,
  seed = DEFAULT_SEED,
  sandbox: Pick<StartOptions, "config"> = {},
): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), "bench-drain-"));
  mkdirSync(join(root, TENANT), { recursive: true });
  const journalPath = join(root, TENANT, "books.journal");
  await createDemoJournal(journalPath);
  const [us, eu] = demoCompanies();
  if (!us || !eu) throw new Error("the demo journal has two companies");
  const sb = await startSandbox({
    port: 0,
    seed,
    log: () => {},
    transactions: counts.transactions,
    bills: counts.bills ?? 0,
    reimbursements: counts.reimbursements ?? 0,
    transfers: counts.transfers ?? 0,
    cashbacks: counts.cashbacks ?? 0,
    vendorCredits: counts.vendorCredits ?? 0,
    readyShare: 1,
    // The demo journal's two companies, one entity each (as `npm run demo`): objects split between them.
    entities: [
      { name: "Acme Corp", currency: "USD" },
      { name: "Acme Europe", currency: "EUR" },
    ],
    currencies: ["USD", "EUR"],
    ...sandbox,
  });
  const control = sandboxControl(sb.url);
  const entities = await control<Array<{ id: string; entity_name: string }>>("GET", "/entities");
  const idOf = (name: string) => entities.find((e) => e.entity_name === name)?.id ?? "";
  const entityMap = { [idOf("Acme Corp")]: us.key, [idOf("Acme Europe")]: eu.key };
  const tenant: TenantConfigInput = {
    tenantId: TENANT,
    displayName: "Bench",
    ramp: {
      baseUrl: sb.url,
      remoteProviderName: "Journal (bench)",
      settings: { vendorCreationOnSync: true },
    },
    erp: { kind: "journal", path: "books.journal" },
    companies: [us, eu],
    entities: Object.entries(entityMap).map(([rampEntityId, companyKey]) => ({ rampEntityId, companyKey })),
    objectTypes: { vendorCredits: true },
  };
  return {
    root,
    journalPath,
    sb,
    control,
    entityMap,
    tenant,
    async code(vendorlessShare) {
      await control("POST", "/code", {
        seed,
        vendorless_share: vendorlessShare,
        entity_remote_ids: entityMap,
      });
    },
    async close() {
      await sb.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
