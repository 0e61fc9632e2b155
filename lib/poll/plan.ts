/**
 * What one tenant's poll walks, in order: a list of steps (listing × Ramp
 * entity). Pure.
 *
 * Order matters: every bill step comes before every transaction step, because
 * a card-paid bill records settles-links for the card transactions that paid
 * it, and the syncer must see those links before it would expense the
 * transactions (ARCHITECTURE posting rules). Kinds are the outer loop so this
 * holds across entities too.
 */
import type { TenantConfig } from "../config/tenant.js";
import type { ReadySource } from "../ramp/resume.js";

export interface PollStep {
  source: ReadySource;
  /** Ramp entity id; null = one unscoped pass (a tenant without entities). */
  entityId: string | null;
}

/** Listing order: bills first (settles-links), then the rest. */
const SOURCE_ORDER: readonly ReadySource[] = [
  "bill",
  "bill_payment",
  "transaction",
  "reimbursement",
  "transfer",
  "cashback",
  "vendor_credit",
];

const ENABLED_BY: Record<ReadySource, keyof TenantConfig["objectTypes"]> = {
  bill: "bills",
  bill_payment: "bills",
  transaction: "transactions",
  reimbursement: "reimbursements",
  transfer: "transfers",
  cashback: "cashbacks",
  vendor_credit: "vendorCredits",
};

/**
 * The listings a tenant has switched on, in SOURCE_ORDER. A scheduled walk lists `bill` (every
 * sync-ready bill, both phases); the payment-only listing is for walks that ask for it.
 */
export function enabledSources(tenant: Pick<TenantConfig, "objectTypes">): ReadySource[] {
  return SOURCE_ORDER.filter((s) => s !== "bill_payment" && tenant.objectTypes[ENABLED_BY[s]]);
}

/** Sources a walk may be asked for (`sync-now --kind`): the enabled ones, payment-only included. */
export function askableSources(tenant: Pick<TenantConfig, "objectTypes">): ReadySource[] {
  return SOURCE_ORDER.filter((s) => tenant.objectTypes[ENABLED_BY[s]]);
}

/**
 * The entities to scope reads by. A tenant with an entity map is polled per
 * entity — the mapped ones plus any other entity Ramp lists (`rampEntities`),
 * so that spend in an entity nobody mapped reaches the syncer and fails there
 * as user-actionable instead of silently never syncing. A tenant without an
 * entity map gets one unscoped pass.
 */
export function entityScopes(
  tenant: Pick<TenantConfig, "entities">,
  rampEntities: readonly string[] = [],
): Array<string | null> {
  if (tenant.entities.length === 0) return [null];
  const ids = new Set(tenant.entities.map((e) => e.rampEntityId));
  for (const id of rampEntities) ids.add(id);
  return [...ids];
}

export function pollSteps(
  tenant: Pick<TenantConfig, "objectTypes" | "entities">,
  rampEntities: readonly string[] = [],
  sources: readonly ReadySource[] = enabledSources(tenant),
): PollStep[] {
  const scopes = entityScopes(tenant, rampEntities);
  const steps: PollStep[] = [];
  for (const source of SOURCE_ORDER) {
    if (!sources.includes(source)) continue;
    // The bill listing already holds every payment-only candidate: listing both reads them twice.
    if (source === "bill_payment" && sources.includes("bill")) continue;
    for (const entityId of scopes) steps.push({ source, entityId });
  }
  return steps;
}
