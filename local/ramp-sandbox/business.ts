/** Lookups and invariants over one business that several route modules share. */
import { ApiError, CODES, refused } from "./errors.js";
import type { Business, Connection, SpendObject } from "./model.js";
import { invoiceUrls } from "./receipts.js";
import type { SerializeContext } from "./serialize.js";
import type { SandboxState } from "./state.js";

export function activeConnection(biz: Business): Connection | null {
  return biz.connections.find((c) => c.isActive) ?? null;
}

export function activeApiConnection(biz: Business): Connection | null {
  const c = activeConnection(biz);
  return c && c.type === "API" ? c : null;
}

/**
 * The connection a CoA call addresses: `accounting_connection_id` when given (it must be an
 * API-based connection of this business), else the active one. Writes to a DIRECT connection
 * are refused: its chart is read-only via the API (the guide; docs/ramp-api.md, Guide "Chart of accounts").
 */
export function targetConnection(
  biz: Business,
  connectionId: string | undefined | null,
  write: boolean,
): Connection {
  if (connectionId) {
    const c = biz.connections.find((x) => x.id === connectionId);
    if (!c) throw new ApiError(404, CODES.notFound, `Accounting connection ${connectionId} not found`);
    if (c.type !== "API")
      throw refused("accounting_connection_id must refer to an API-based accounting connection");
    return c;
  }
  const c = activeConnection(biz);
  if (!c) throw refused("No active accounting connection");
  if (write && c.type === "DIRECT") {
    throw refused(
      "Chart of Accounts cannot be modified for Ramp accounts using a direct accounting connection",
    );
  }
  return c;
}

/** `sb` mints the bills' pre-signed invoice URLs (fresh on each read); without it they are omitted. */
export function serializeContext(biz: Business, sb?: SandboxState): SerializeContext {
  const active = activeConnection(biz);
  return {
    activeConnection: active,
    invoiceUrls: (b) => (sb ? invoiceUrls(sb, b) : []),
    vendors: (id) => biz.vendors.get(id),
    accountingVendorName: (remoteId) => {
      if (!active) return undefined;
      for (const r of active.coa.vendors.all()) if (r.item.id === remoteId) return r.item.name;
      return undefined;
    },
  };
}

export function findSpend(biz: Business, id: string): SpendObject | undefined {
  return (
    biz.transactions.get(id) ??
    biz.reimbursements.get(id) ??
    biz.bills.get(id) ??
    biz.transfers.get(id) ??
    biz.cashbacks.get(id)
  );
}

export function addHistory(
  o: SpendObject,
  at: number,
  event: string,
  detail?: Record<string, unknown>,
): void {
  o.sync.updatedAt = at;
  o.sync.history.push({ at, event, ...(detail ? { detail } : {}) });
}

/** A bill has outstanding export work (the guide's `sync_ready` decision table, docs/ramp-api.md, Guide "Bills"). */
export function billSyncReady(b: {
  status: string;
  payStatus: string;
  approval: string;
  archived: boolean;
}): boolean {
  if (b.archived || b.approval !== "APPROVED") return false;
  if (b.status === "NOT_SYNCED") return true;
  return b.status === "BILL_SYNCED" && b.payStatus === "PAID";
}
