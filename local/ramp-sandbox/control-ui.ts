/**
 * Control calls for what users do in Ramp's UI: code ready objects against the active chart, mark
 * ready, approve and pay bills, create Ramp vendors and vendor credits, Sync All, Export, switch providers, link
 * entities, and read any object with its sync state and history.
 */
import { applyCredit } from "./apply-credit.js";
import { activeConnection, findSpend, serializeContext } from "./business.js";
import { isoTime } from "./clock.js";
import { newConnection } from "./coa.js";
import { codeReadyObjects } from "./code-ready.js";
import { ChartTooSmallError } from "./coding.js";
import { business, ControlError, type ControlReply, type ControlRequest, num } from "./control-common.js";
import { createBill, payInEntityCurrency, rateFrom } from "./fx-bills.js";
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
import {
  billToApi,
  cashbackToApi,
  reimbursementToApi,
  transactionToApi,
  transferToApi,
  vendorCreditToApi,
  vendorToApi,
} from "./serialize.js";
import type { SandboxState } from "./state.js";

export function objectToApi(biz: Business, o: SpendObject, sb?: SandboxState): Record<string, unknown> {
  const sc = serializeContext(biz, sb);
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

/** What users do in Ramp's UI; null when the call is not one of these. */
export function handleUiAction(sb: SandboxState, req: ControlRequest): ControlReply | null {
  const { method, path, body } = req;
  const m = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
  let g: RegExpExecArray | null;
  const done = (b: unknown, status = 200) => ({ status, body: b });

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
    return done(objectToApi(biz, b, sb));
  }
  g = m("POST", /^\/sandbox\/bills\/([^/]+)\/apply-credit$/);
  if (g) {
    const biz = business(sb, req);
    const b = bill(biz, g[1] as string);
    const credit =
      typeof body.vendor_credit_id === "string" ? biz.vendorCredits.get(body.vendor_credit_id) : undefined;
    if (!credit) throw new ControlError(404, "unknown vendor_credit_id");
    applyCredit(sb, b, credit, num(body.amount_minor, credit.remainingMinor) as number);
    return done(objectToApi(biz, b, sb));
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
    const paymentRate = rateFrom(body);
    const txn = pay(sb, biz, b, method);
    payInEntityCurrency(biz, b, paymentRate);
    return done({ bill: objectToApi(biz, b, sb), card_transaction_id: txn?.id ?? null });
  }
  if (m("POST", /^\/sandbox\/bills$/)) {
    const biz = business(sb, req);
    return done(objectToApi(biz, createBill(sb, biz, body), sb), 201);
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
    // A test may code the credit like one of the vendor's bills (whose coding uses the pushed chart).
    const like =
      typeof body.coding_from_bill_id === "string" ? biz.bills.get(body.coding_from_bill_id) : undefined;
    const template = biz.gen.chart.gl[0]?.selection;
    const credit = {
      id: sb.rng.uuid(),
      vendorId: vendor.id,
      entityId: entity.id,
      minor,
      remainingMinor: minor,
      currency: entity.currency,
      accountingDate: sb.clock.now(),
      // A test may back-date a credit (the incremental credit poll's window is on created_at).
      createdAt: typeof body.created_at === "string" ? parseCreatedAt(body.created_at) : sb.clock.now(),
      memo: typeof body.memo === "string" ? body.memo : "Credit memo",
      lines: [
        {
          minor,
          currency: entity.currency,
          memo: "Credit",
          selections: like
            ? [...(like.lines[0]?.selections ?? []), ...like.header]
            : template
              ? [template]
              : [],
        },
      ],
    };
    biz.vendorCredits.insert(credit);
    return done(vendorCreditToApi(credit), 201);
  }
  if (m("POST", /^\/sandbox\/vendors$/)) {
    const biz = business(sb, req);
    const str = (k: string) => (typeof body[k] === "string" && body[k] ? (body[k] as string) : null);
    const name = str("name");
    if (!name) throw new ControlError(400, "name is required");
    const vendor = {
      id: sb.rng.uuid(),
      name,
      nameLegal: str("name_legal") ?? name,
      externalVendorId: str("external_vendor_id"),
      accountingVendorRemoteId: str("accounting_vendor_remote_id"),
      country: str("country") ?? "US",
      createdAt: sb.clock.now(),
      isActive: body.is_active !== false,
      merchantId: sb.rng.uuid(),
      ownerId: biz.vendors.all()[0]?.ownerId ?? sb.rng.uuid(),
    };
    biz.vendors.insert(vendor);
    return done(vendorToApi(vendor, true), 201);
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
      object: objectToApi(biz, o, sb),
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
  return null;
}

function parseCreatedAt(v: string): number {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ControlError(400, "created_at must be an ISO date-time");
  return t;
}
