/**
 * The control API under `/sandbox/…`: what users do in Ramp's UI, plus test plumbing (reset,
 * seeding, clock, faults, counters). Never under `/developer/…`; no auth. Documented in README.md.
 * Each call acts on the business named by `?business_id=` (or `business_id` in the body), else
 * on the default business.
 */
import { activeConnection, findSpend, serializeContext } from "./business.js";
import { isoTime } from "./clock.js";
import { newConnection } from "./coa.js";
import { codeReadyObjects } from "./code-ready.js";
import { ChartTooSmallError } from "./coding.js";
import { applyConfigPatch, type ConfigPatch } from "./config.js";
import {
  approveBill,
  exportObjects,
  markReady,
  pay,
  SyncButtonDisabledError,
  syncAll,
  syncRequestToApi,
} from "./lifecycle.js";
import type { Bill, Business, SpendObject } from "./model.js";
import { childRng } from "./prng.js";
import { type SeedOptions, seedBusiness } from "./seed.js";
import {
  billToApi,
  cashbackToApi,
  reimbursementToApi,
  transactionToApi,
  transferToApi,
  vendorCreditToApi,
} from "./serialize.js";
import { emptyCounters, registerBusiness, removeAllBusinesses, type SandboxState } from "./state.js";

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

export interface ControlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Body;
}

export interface ControlHooks {
  /** Moves the sandbox clock (the offset added to the base clock). */
  advanceClock(ms: number): void;
}

function num(v: unknown, fallback?: number): number | undefined {
  if (v === undefined || v === null) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ControlError(400, `not a number: ${String(v)}`);
  return n;
}

/** Seed options from a control body (snake_case) or CLI flags. */
export function seedOptionsFrom(b: Body, fallbackSeed: number): SeedOptions {
  const s = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : undefined);
  const list = (k: string) =>
    Array.isArray(b[k])
      ? (b[k] as string[])
      : typeof b[k] === "string"
        ? (b[k] as string).split(",").filter(Boolean)
        : undefined;
  return {
    seed: num(b.seed, fallbackSeed) as number,
    name: s("name"),
    transactions: num(b.transactions),
    reimbursements: num(b.reimbursements),
    bills: num(b.bills),
    transfers: num(b.transfers),
    cashbacks: num(b.cashbacks),
    vendorCredits: num(b.vendor_credits),
    entities: Array.isArray(b.entities)
      ? (b.entities as { name: string; currency: string }[])
      : num(b.entities),
    currencies: list("currencies"),
    merchants: list("merchants"),
    departments: list("departments"),
    readyShare: num(b.ready_share),
    clientId: s("client_id"),
    clientSecret: s("client_secret"),
    scopes: list("scopes"),
  };
}

export function credentials(biz: Business): Record<string, unknown> {
  const app = biz.apps[0];
  return { business_id: biz.id, client_id: app?.clientId, client_secret: app?.clientSecret };
}

function business(sb: SandboxState, req: ControlRequest): Business {
  const id =
    req.query.get("business_id") ??
    (typeof req.body.business_id === "string" ? req.body.business_id : null) ??
    sb.defaultBusinessId;
  const biz = sb.businesses.get(id);
  if (!biz) throw new ControlError(404, `unknown business ${id}`);
  return biz;
}

export function objectToApi(biz: Business, o: SpendObject): Record<string, unknown> {
  const sc = serializeContext(biz);
  switch (o.kind) {
    case "transaction":
      return transactionToApi(o, sc);
    case "reimbursement":
      return reimbursementToApi(o);
    case "bill":
      return billToApi(o, sc);
    case "transfer":
      return transferToApi(o);
    case "cashback":
      return cashbackToApi(o);
  }
}

function storeFor(biz: Business, kind: string) {
  switch (kind) {
    case "transaction":
    case "transactions":
      return biz.transactions;
    case "reimbursement":
    case "reimbursements":
      return biz.reimbursements;
    case "bill":
    case "bills":
      return biz.bills;
    case "transfer":
    case "transfers":
      return biz.transfers;
    case "cashback":
    case "cashbacks":
      return biz.cashbacks;
    default:
      throw new ControlError(400, `unknown kind ${kind}`);
  }
}

function objectsById(biz: Business, ids: unknown): SpendObject[] {
  if (!Array.isArray(ids)) throw new ControlError(400, "ids must be a list");
  return ids.map((id) => {
    const o = findSpend(biz, String(id));
    if (!o) throw new ControlError(404, `unknown object ${String(id)}`);
    return o;
  });
}

function bill(biz: Business, id: string): Bill {
  const b = biz.bills.get(id);
  if (!b) throw new ControlError(404, `unknown bill ${id}`);
  return b;
}

export function handleControl(
  sb: SandboxState,
  req: ControlRequest,
  hooks: ControlHooks,
): { status: number; body: unknown } {
  const { method, path, body } = req;
  const m = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
  let g: RegExpExecArray | null;
  const done = (b: unknown, status = 200) => ({ status, body: b });

  if (m("GET", /^\/sandbox\/health$/)) return done({ ok: true, businesses: sb.businesses.size });

  if (m("POST", /^\/sandbox\/reset$/)) {
    const current = sb.businesses.get(sb.defaultBusinessId);
    const app = current?.apps[0];
    const opts = seedOptionsFrom({ ...body }, current?.seed ?? 1);
    opts.clientId ??= app?.clientId;
    opts.clientSecret ??= app?.clientSecret;
    removeAllBusinesses(sb);
    const biz = seedBusiness(opts, sb.clock.now());
    registerBusiness(sb, biz);
    sb.defaultBusinessId = biz.id;
    sb.counters = emptyCounters();
    return done(credentials(biz));
  }
  if (m("POST", /^\/sandbox\/businesses$/)) {
    const opts = seedOptionsFrom(body, sb.businesses.size + 1);
    const biz = seedBusiness(opts, sb.clock.now());
    if (sb.businesses.has(biz.id) || (opts.clientId && sb.apps.has(opts.clientId))) {
      throw new ControlError(409, "a business with this seed or client id already exists");
    }
    registerBusiness(sb, biz);
    return done(credentials(biz), 201);
  }
  if (m("GET", /^\/sandbox\/businesses$/)) {
    return done(
      [...sb.businesses.values()].map((b) => ({
        ...credentials(b),
        name: b.name,
        default: b.id === sb.defaultBusinessId,
      })),
    );
  }
  if (m("POST", /^\/sandbox\/apps$/)) {
    const biz = business(sb, req);
    const rng = childRng(sb.rng.int(0, 2 ** 31), "app");
    const scopes = Array.isArray(body.scopes) ? (body.scopes as string[]) : [];
    const app = {
      clientId: typeof body.client_id === "string" ? body.client_id : `sandbox_client_${rng.hex(8)}`,
      clientSecret:
        typeof body.client_secret === "string" ? body.client_secret : `sandbox_secret_${rng.hex(16)}`,
      scopes,
    };
    if (sb.apps.has(app.clientId)) throw new ControlError(409, `client id ${app.clientId} exists`);
    biz.apps.push(app);
    sb.apps.set(app.clientId, { app, businessId: biz.id });
    return done(
      { business_id: biz.id, client_id: app.clientId, client_secret: app.clientSecret, scopes },
      201,
    );
  }

  if (m("POST", /^\/sandbox\/code$/)) {
    const biz = business(sb, req);
    try {
      return done(
        codeReadyObjects(biz, sb.clock.now(), {
          seed: num(body.seed),
          vendorlessShare: num(body.vendorless_share),
          spreadEntities: body.spread_entities === true,
          entityRemoteIds: (body.entity_remote_ids as Record<string, string> | undefined) ?? undefined,
          expenseOnly: body.expense_only !== false,
          currentYear: body.current_year !== false,
          connectionId: typeof body.connection_id === "string" ? body.connection_id : undefined,
        }),
      );
    } catch (e) {
      if (e instanceof ChartTooSmallError) throw new ControlError(409, e.message);
      if (e instanceof Error) throw new ControlError(409, e.message);
      throw e;
    }
  }
  if (m("POST", /^\/sandbox\/mark-ready$/)) {
    const biz = business(sb, req);
    let objs: SpendObject[];
    if (body.ids !== undefined) objs = objectsById(biz, body.ids);
    else {
      const store = storeFor(biz, String(body.kind ?? "transaction"));
      const limit = num(body.count, Number.POSITIVE_INFINITY) as number;
      objs = (store.all() as readonly SpendObject[])
        .filter((o) => (o.kind === "bill" ? o.approval !== "APPROVED" : o.status === "NOT_SYNC_READY"))
        .slice(0, limit);
    }
    return done({ ids: markReady(sb, biz, objs) });
  }
  g = m("POST", /^\/sandbox\/bills\/([^/]+)\/approve$/);
  if (g) {
    const biz = business(sb, req);
    const b = bill(biz, g[1] as string);
    approveBill(sb, biz, b);
    return done(objectToApi(biz, b));
  }
  g = m("POST", /^\/sandbox\/bills\/([^/]+)\/pay$/);
  if (g) {
    const biz = business(sb, req);
    const b = bill(biz, g[1] as string);
    const method = String(body.method ?? "BANK").toUpperCase();
    if (method !== "BANK" && method !== "CARD" && method !== "PAID_IN_ERP")
      throw new ControlError(400, "method must be BANK, CARD or PAID_IN_ERP");
    if (b.approval !== "APPROVED") throw new ControlError(409, "approve the bill before paying it");
    if (b.payStatus === "PAID") throw new ControlError(409, "bill already paid");
    const txn = pay(sb, biz, b, method);
    return done({ bill: objectToApi(biz, b), card_transaction_id: txn?.id ?? null });
  }
  if (m("POST", /^\/sandbox\/vendor-credits$/)) {
    const biz = business(sb, req);
    const vendor =
      typeof body.vendor_id === "string" ? biz.vendors.get(body.vendor_id) : biz.vendors.all()[0];
    if (!vendor) throw new ControlError(404, "unknown vendor");
    const entity = biz.entities.find((e) => e.id === body.entity_id) ?? biz.entities[0];
    if (!entity) throw new ControlError(409, "business has no entity");
    const minor = num(body.amount_minor, 10_000) as number;
    if (!Number.isSafeInteger(minor) || minor <= 0)
      throw new ControlError(400, "amount_minor must be a positive integer");
    const template = biz.gen.chart.gl[0]?.selection;
    const credit = {
      id: sb.rng.uuid(),
      vendorId: vendor.id,
      entityId: entity.id,
      minor,
      remainingMinor: minor,
      currency: entity.currency,
      accountingDate: sb.clock.now(),
      createdAt: sb.clock.now(),
      memo: typeof body.memo === "string" ? body.memo : "Credit memo",
      lines: [{ minor, currency: entity.currency, memo: "Credit", selections: template ? [template] : [] }],
    };
    biz.vendorCredits.insert(credit);
    return done(vendorCreditToApi(credit), 201);
  }
  if (m("POST", /^\/sandbox\/sync-all$/)) {
    const biz = business(sb, req);
    const kind = String(body.kind ?? "transaction").replace(/s$/, "");
    if (kind !== "transaction" && kind !== "reimbursement")
      throw new ControlError(400, "kind must be transaction or reimbursement");
    try {
      const r = syncAll(sb, biz, kind, Array.isArray(body.ids) ? (body.ids as string[]) : undefined);
      return done(syncRequestToApi(r), 201);
    } catch (e) {
      if (e instanceof SyncButtonDisabledError) throw new ControlError(409, e.message);
      throw e;
    }
  }
  g = m("GET", /^\/sandbox\/sync-requests\/([^/]+)$/);
  if (g) {
    const r = business(sb, req).syncRequests.get(g[1] as string);
    if (!r) throw new ControlError(404, "unknown sync request");
    return done(syncRequestToApi(r));
  }
  if (m("GET", /^\/sandbox\/syncs$/)) {
    return done([...business(sb, req).syncs.values()].map((s) => ({ ...s, at: isoTime(s.at) })));
  }
  if (m("POST", /^\/sandbox\/export$/)) {
    const biz = business(sb, req);
    return done({ ids: exportObjects(sb, objectsById(biz, body.ids)) });
  }
  g = m("GET", /^\/sandbox\/objects\/([^/]+)$/);
  if (g) {
    const biz = business(sb, req);
    const o = findSpend(biz, g[1] as string);
    if (!o) throw new ControlError(404, "unknown object");
    return done({
      kind: o.kind,
      object: objectToApi(biz, o),
      sync: {
        status: o.status,
        last_error: o.sync.lastError,
        reference_id: o.sync.referenceId,
        requested_to_sync: o.sync.requestedToSync,
        sync_request_id: o.sync.syncRequestId,
        history: o.sync.history.map((h) => ({ ...h, at: isoTime(h.at) })),
      },
    });
  }
  if (m("GET", /^\/sandbox\/stats$/)) return done(sb.counters);
  if (m("POST", /^\/sandbox\/stats\/reset$/)) {
    sb.counters = emptyCounters();
    return done(sb.counters);
  }
  if (m("GET", /^\/sandbox\/config$/)) return done(sb.config);
  if (m("PUT", /^\/sandbox\/config$/)) {
    applyConfigPatch(sb.config, body as ConfigPatch);
    if (body.rateLimit) sb.limiter.reset();
    return done(sb.config);
  }
  if (m("POST", /^\/sandbox\/direct-connection$/)) {
    const biz = business(sb, req);
    const active = activeConnection(biz);
    if (body.active === false) {
      if (active?.type === "DIRECT") {
        active.isActive = false;
        active.status = "unlinked";
      }
      return done({ direct_connection_active: false });
    }
    if (active) {
      active.isActive = false;
      active.status = "unlinked";
    }
    const name = typeof body.name === "string" ? body.name : "QuickBooks Online";
    const direct =
      biz.connections.find((c) => c.type === "DIRECT") ??
      newConnection(sb.rng, sb.clock.now(), name, "DIRECT", true);
    if (!biz.connections.includes(direct)) biz.connections.push(direct);
    direct.isActive = true;
    direct.status = "linked";
    return done({ direct_connection_active: true, connection_id: direct.id });
  }
  g = m("POST", /^\/sandbox\/connections\/([^/]+)\/switch$/);
  if (g) {
    // Accounting → Settings → Danger Zone → Switch Providers.
    const biz = business(sb, req);
    const target = biz.connections.find((c) => c.id === g?.[1]);
    if (!target) throw new ControlError(404, "unknown connection");
    if (!target.readyToMigrate) throw new ControlError(409, "connection is not ready to migrate");
    const active = activeConnection(biz);
    if (active) {
      active.isActive = false;
      active.status = "unlinked";
    }
    target.isActive = true;
    target.status = "linked";
    target.readyToMigrate = false;
    target.lastLinkedAt = sb.clock.now();
    return done({ connection_id: target.id });
  }
  g = m("PUT", /^\/sandbox\/entities\/([^/]+)$/);
  if (g) {
    const e = business(sb, req).entities.find((x) => x.id === g?.[1]);
    if (!e) throw new ControlError(404, "unknown entity");
    e.remoteId = typeof body.remote_id === "string" ? body.remote_id : null;
    return done({ id: e.id, entity_name: e.name, currency: e.currency, remote_id: e.remoteId });
  }
  if (m("GET", /^\/sandbox\/entities$/)) {
    return done(
      business(sb, req).entities.map((e) => ({
        id: e.id,
        entity_name: e.name,
        currency: e.currency,
        remote_id: e.remoteId,
      })),
    );
  }
  if (m("GET", /^\/sandbox\/webhooks\/deliveries$/)) return done(sb.webhooks.attempts);
  if (m("GET", /^\/sandbox\/webhooks$/)) {
    return done(
      business(sb, req).webhooks.map((w) => ({
        id: w.id,
        status: w.status,
        endpoint_url: w.endpointUrl,
        secret: w.secret,
        challenge: w.challenge,
      })),
    );
  }
  if (m("POST", /^\/sandbox\/clock$/)) {
    hooks.advanceClock(num(body.advance_ms, 0) as number);
    return done({ now: isoTime(sb.clock.now()) });
  }
  if (m("GET", /^\/sandbox\/clock$/)) return done({ now: isoTime(sb.clock.now()) });
  if (m("GET", /^\/sandbox\/summary$/)) {
    const biz = business(sb, req);
    const count = (s: { all(): readonly { status: string }[] }, st: string) =>
      s.all().filter((o) => o.status === st).length;
    return done({
      transactions: {
        total: biz.transactions.size,
        ready: count(biz.transactions, "SYNC_READY"),
        synced: count(biz.transactions, "SYNCED"),
      },
      reimbursements: {
        total: biz.reimbursements.size,
        ready: count(biz.reimbursements, "SYNC_READY"),
        synced: count(biz.reimbursements, "SYNCED"),
      },
      bills: { total: biz.bills.size },
      transfers: { total: biz.transfers.size },
      cashbacks: { total: biz.cashbacks.size },
      vendor_credits: { total: biz.vendorCredits.size },
    });
  }
  throw new ControlError(404, `no control endpoint ${method} ${path}`);
}
