/**
 * The headline end-to-end drain, ERP-agnostic: a Ramp sandbox business with three
 * entities (USD → the ERP's USD company, USD → its EUR company, so those documents
 * are foreign; CAD → no company), ~500 ready objects of every kind coded against
 * the chart that coa-push uploaded from the ERP, vendor creation on; three
 * deliberate breakages (the unmapped entity, one card transaction dated in a closed
 * period, one coded to an account retired in the ERP); then the poll schedule, the
 * queues drained through the real handlers, and the report sweep.
 *
 * It returns what the assertions need: the objects as they were listed before the
 * poll, which of them the test broke, the stack (for the ledger) and the ERP side.
 */

import type { Kind } from "../../../lib/domain/kinds.js";
import { DEFAULT_SCOPES } from "../../../lib/ramp/http.js";
import {
  createMemoryRateLimiter,
  createMemoryTokenStore,
  createRampClient,
  type RampClient,
} from "../../../lib/ramp/index.js";
import type {
  RampBill,
  RampCashback,
  RampReimbursement,
  RampTransaction,
  RampTransfer,
  RampVendorCredit,
} from "../../../lib/ramp/model.js";
import { billPhases, paymentMode, settlingTransactionIds } from "../../../lib/sync/bill-phases.js";
import { sandboxControl } from "../../../local/ramp-sandbox/control-client.js";
import { type RunningSandbox, startSandbox } from "../../../local/ramp-sandbox/server.js";
import { type DrainStats, type LocalStack, startLocalStack } from "../../../local/runtime/stack.js";
import type { ErpSide } from "./erp-side.js";

export const TENANT = "e2e-drain";
/** The sandbox's "today": every seeded date falls in the 60 days before it (2026-04-16 … 2026-06-15). */
export const SANDBOX_NOW = Date.UTC(2026, 5, 15, 12);
export const RATE_WINDOW = { from: "2026-04-01", to: "2026-06-30" };

export type RampObject =
  | { kind: "transaction"; object: RampTransaction }
  | { kind: "bill"; object: RampBill }
  | { kind: "reimbursement"; object: RampReimbursement }
  | { kind: "transfer"; object: RampTransfer }
  | { kind: "cashback"; object: RampCashback }
  | { kind: "vendor_credit"; object: RampVendorCredit };

export interface Listed {
  kind: RampObject["kind"];
  id: string;
  entityId: string | null;
  obj: RampObject;
  /** Bill phases owed when listed. */
  phases: Kind[];
}

export interface ScenarioRun {
  sb: RunningSandbox;
  ramp: RampClient;
  stack: LocalStack;
  side: ErpSide;
  entities: { us: string; eu: string; unmapped: string };
  listed: Listed[];
  broken: { closed: string; retired: string };
  /** Card transaction id → the bill it paid. */
  settledBy: Map<string, RampBill>;
  drain: DrainStats;
  /** Errors the handlers threw (each made the mapping retry a whole batch). */
  handlerErrors: string[];
  sweep: { calls: number };
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface ScenarioOptions {
  side: ErpSide;
  dynamoEndpoint: string;
  seed: number;
}

const COUNTS = {
  // All ready: with these counts every seed lists well over 500 objects (bills vary with the seed).
  transactions: 320,
  bills: 60,
  reimbursements: 80,
  transfers: 20,
  cashbacks: 20,
  vendorCredits: 20,
};

export async function runDrainScenario(o: ScenarioOptions): Promise<ScenarioRun> {
  const { side } = o;
  const sb = await startSandbox({
    port: 0,
    seed: o.seed,
    log: () => {},
    // Real time shifted to SANDBOX_NOW: dates are fixed, but rate-limit windows and lockouts run as in Ramp.
    clock: shiftedClock(SANDBOX_NOW),
    ...COUNTS,
    readyShare: 1,
    entities: [
      { name: "Acme Corp", currency: "USD" },
      { name: "Acme US Dollar Europe", currency: "USD" },
      { name: "Acme Canada", currency: "CAD" },
    ],
    // Merchant currencies of foreign card charges: ones both ERPs know.
    currencies: ["USD", "EUR"],
  });
  const control = sandboxControl(sb.url);
  // The test's own view of Ramp (listing, and the user's re-coding), through the real client, as a
  // client app of its own: Ramp's rate limit is per app, and the service's app must keep its budget.
  const observer = await control<{ client_id: string; client_secret: string }>("POST", "/apps", {
    scopes: [...DEFAULT_SCOPES],
  });
  const ramp = createRampClient({
    tenantId: "e2e-observer",
    baseUrl: sb.url,
    credentials: {
      get: async () => ({ clientId: observer.client_id, clientSecret: observer.client_secret }),
    },
    tokens: createMemoryTokenStore(),
    limiter: createMemoryRateLimiter(),
  });
  const entityList = await control<Array<{ id: string; entity_name: string }>>("GET", "/entities");
  const byName = (n: string) => {
    const e = entityList.find((x) => x.entity_name === n);
    if (!e) throw new Error(`entity ${n} missing`);
    return e.id;
  };
  const entities = {
    us: byName("Acme Corp"),
    eu: byName("Acme US Dollar Europe"),
    unmapped: byName("Acme Canada"),
  };

  const handlerErrors: string[] = [];
  const stack = await startLocalStack({
    dynamoEndpoint: o.dynamoEndpoint,
    ...(side.journalRoot ? { env: { JOURNAL_ROOT: side.journalRoot } } : {}),
    // A batch of ten bills into Tryton on a loaded CI machine ran past the scaled 60 s syncer
    // timeout (cut off mid-write, its messages waited out the 6-minute visibility): the
    // deployed 5 minutes, capped at the work queue's scaled visibility.
    minFunctionTimeoutMs: 180_000,
    onHandlerError: (fn, err) =>
      handlerErrors.push(`${fn}: ${err instanceof Error ? err.stack : String(err)}`),
  });
  const [us, eu] = side.companies;
  stack.seedSecret("ramp-erp-sync/e2e-drain/ramp", {
    client_id: sb.clientId,
    client_secret: sb.clientSecret,
  });
  for (const [id, value] of Object.entries(side.secrets)) stack.seedSecret(id, value);
  await stack.saveTenant({
    tenantId: TENANT,
    displayName: "Acme (e2e)",
    version: 0,
    ramp: {
      baseUrl: sb.url,

      remoteProviderName: `E2E ${side.name}`,
      settings: { vendorCreationOnSync: true },
    },
    erp: side.erp,
    companies: [us, eu],
    // The third entity is deliberately left unmapped.
    entities: [
      { rampEntityId: entities.us, companyKey: us.key },
      { rampEntityId: entities.eu, companyKey: eu.key },
    ],
    objectTypes: { vendorCredits: true },
    sync: { supportContact: "support@acme.test" },
  });

  await side.setRates(RATE_WINDOW);
  await pushChart(stack);
  await control("POST", "/code", {
    seed: o.seed,
    vendorless_share: 0.2,
    // In Ramp the third entity is linked to a subsidiary too (so it can be coded); the tenant
    // configuration is what leaves it unmapped.
    entity_remote_ids: { [entities.us]: us.key, [entities.eu]: eu.key, [entities.unmapped]: us.key },
  });

  const listed = await listReady(ramp, Object.values(entities));
  const settledBy = new Map<string, RampBill>();
  for (const l of listed)
    if (l.obj.kind === "bill")
      for (const t of settlingTransactionIds(l.obj.object)) settledBy.set(t, l.obj.object);
  // Ordinary card spend of the USD company, fully coded: the objects the test breaks on purpose.
  const plain = listed.filter(
    (l) =>
      l.obj.kind === "transaction" &&
      l.entityId === entities.us &&
      !settledBy.has(l.id) &&
      !l.obj.object.requiresAccountingVendorCreation &&
      l.obj.object.amount.minor > 0,
  );
  const [closed, retired] = plain;
  if (!closed || !retired) throw new Error("the seed has too few plain card transactions");

  // Breakage 1: the ERP retires an account Ramp still offers. It was active when the chart was
  // pushed and the user coded one transaction to it; then the ERP deactivated it.
  await side.activateRetired();
  await pushChart(stack);
  let retiredRampId: string | undefined;
  for await (const a of ramp.listGlAccounts()) if (a.id === side.retiredAccount) retiredRampId = a.ramp_id;
  if (!retiredRampId) throw new Error(`${side.retiredAccount} was not uploaded`);
  await ramp.setTransactionCoding(retired.id, [{ accounting_field_option_id: retiredRampId }]);
  await side.deactivateRetired();

  // Breakage 2: the user moved one transaction's accounting date into a period the ERP has closed
  // (Ramp's UI allows it; the sandbox has no API for it, so its state is edited in place).
  await side.closePeriod();
  const business = sb.state.businesses.get(sb.businessId);
  const txn = business?.transactions.get(closed.id);
  if (!txn) throw new Error("transaction to re-date not found in the sandbox");
  txn.accountingDate = Date.parse(`${side.closedDate}T12:00:00Z`);

  // Re-list: the two broken transactions changed.
  const final = await listReady(ramp, Object.values(entities));
  const needVendor = (entityId: string) =>
    new Set(
      final.flatMap((l) =>
        l.obj.kind === "transaction" &&
        l.entityId === entityId &&
        l.obj.object.requiresAccountingVendorCreation
          ? [l.obj.object.merchantName ?? ""]
          : [],
      ),
    );
  const inUs = needVendor(entities.us);
  await side.shareVendors([...needVendor(entities.eu)].filter((n) => n && inUs.has(n)).sort());
  await control("POST", "/stats/reset");

  const schedule = await stack.pollSchedule();
  if (!schedule.dispatched.includes(TENANT))
    throw new Error(`tenant not polled: ${JSON.stringify(schedule)}`);
  // Under the suite's 420 s hook: a stuck queue fails with its depths, not a bare hook timeout.
  // An unloaded CI machine drains in ~3 min; the rest is margin for a slower one.
  const drain = await stack.drain({ timeoutMs: 360_000 }).catch((err: unknown) => {
    // A stuck queue is most often a batch a handler threw (its messages wait out the visibility
    // timeout): say what it threw.
    const thrown = handlerErrors.length ? `; handlers threw:\n${handlerErrors.join("\n")}` : "";
    throw new Error(`${err instanceof Error ? err.message : String(err)}${thrown}`);
  });
  const sweep = await stack.sweep();

  return {
    sb,
    ramp,
    stack,
    side,
    entities,
    listed: final,
    broken: { closed: closed.id, retired: retired.id },
    settledBy,
    drain,
    sweep,
    handlerErrors,
    control,
    async close() {
      await stack.stop();
      await sb.close();
    },
  };
}

function shiftedClock(start: number): { now(): number } {
  const offset = start - Date.now();
  return { now: () => Date.now() + offset };
}

async function pushChart(stack: LocalStack): Promise<void> {
  const res = await stack.coaPush(TENANT);
  if (res.failures.length) throw new Error(`coa-push refused items: ${JSON.stringify(res.failures)}`);
}

async function listReady(ramp: RampClient, entityIds: string[]): Promise<Listed[]> {
  const out: Listed[] = [];
  const add = (obj: RampObject, entityId: string, phases: Kind[] = [obj.kind]) =>
    out.push({ kind: obj.kind, id: obj.object.id, entityId, obj, phases });
  for (const entityId of entityIds) {
    for await (const b of ramp.listBills({ entityId, syncReady: true }))
      add({ kind: "bill", object: b }, entityId, billPhases(b));
    for await (const t of ramp.listTransactions({ entityId, syncStatus: "SYNC_READY" }))
      add({ kind: "transaction", object: t }, entityId);
    for await (const r of ramp.listReimbursements({ entityId, syncStatus: "SYNC_READY" }))
      add({ kind: "reimbursement", object: r }, entityId);
    for await (const t of ramp.listTransfers({ entityId, syncStatus: "SYNC_READY" }))
      add({ kind: "transfer", object: t }, entityId);
    for await (const c of ramp.listCashbacks({ entityId, syncStatus: "SYNC_READY" }))
      add({ kind: "cashback", object: c }, entityId);
    for await (const v of ramp.listVendorCredits({ entityId }))
      add({ kind: "vendor_credit", object: v }, entityId);
  }
  return out;
}

export { paymentMode };
