/**
 * Internal records → Ramp's wire shapes. Every money value is emitted in each shape docs/ramp-api.md's
 * "Header decisions" and §1.1 list, side by side: the 2025 decimal `amount` in major units (transactions,
 * reimbursements), `CurrencyAmount` objects in minor units with the 2026
 * `minor_unit_conversion_rate`, and the 2026 `entity_amount` / `merchant_amount` signed minor units.
 * Fields the 2025 spec types as non-nullable are omitted rather than sent as null.
 */
import { currencyExponent, money, toMajorString } from "../../lib/money/index.js";
import { isoDate, isoDay, isoTime } from "./clock.js";
import type {
  Bill,
  Cashback,
  Connection,
  Entity,
  Line,
  RampVendor,
  Reimb,
  Selection,
  Transfer,
  Txn,
  VendorCredit,
} from "./model.js";

export function rate(currency: string): number {
  return 10 ** currencyExponent(currency);
}

export function currencyAmount(minor: number, currency: string): Record<string, unknown> {
  return { amount: minor, currency_code: currency, minor_unit_conversion_rate: rate(currency) };
}

export function signedAmount(minor: number, currency: string): Record<string, unknown> {
  return { currency, value: minor };
}

/** The legacy decimal, computed by string arithmetic from minor units (no float maths on money). */
export function majorDecimal(minor: number, currency: string): number {
  return Number(toMajorString(money(minor, currency)));
}

const iso = (t: number | null): string | null => (t === null ? null : isoTime(t));

export function selectionForCard(s: Selection): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    display_name: null,
    external_id: s.external_id,
    external_code: s.external_code,
    type: s.type,
    provider_name: s.provider_name,
    source: { type: "USER" },
    category_info: { ...s.category },
  };
}

/** Bills use `ApiAccountingFieldSelection`: no top-level `type`, no `source`. */
export function selectionForBill(s: Selection): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    display_name: null,
    external_id: s.external_id,
    external_code: s.external_code,
    provider_name: s.provider_name,
    category_info: { ...s.category },
  };
}

export function hasVendorSelection(o: { header: Selection[]; lines: Line[] }): boolean {
  return (
    o.header.some((s) => s.category.type === "MERCHANT") ||
    o.lines.some((l) => l.selections.some((s) => s.category.type === "MERCHANT"))
  );
}

export interface SerializeContext {
  activeConnection: Connection | null;
  vendors: (id: string) => RampVendor | undefined;
  /** Name of the accounting vendor with this remote id in the active chart, if any. */
  accountingVendorName: (remoteId: string) => string | undefined;
  /** Fresh pre-signed URLs of a bill's invoice files. */
  invoiceUrls: (b: Bill) => string[];
}

export function transactionToApi(t: Txn, sc: SerializeContext): Record<string, unknown> {
  const r = rate(t.currency);
  const out: Record<string, unknown> = {
    id: t.id,
    state: t.state,
    sync_status: t.status,
    synced_at: iso(t.syncedAt),
    amount: majorDecimal(t.minor, t.currency),
    currency_code: t.currency,
    entity_amount: signedAmount(t.minor, t.currency),
    merchant_amount: signedAmount(t.merchantMinor, t.merchantCurrency),
    original_transaction_amount: currencyAmount(t.merchantMinor, t.merchantCurrency),
    minor_unit_conversion_rate: r,
    accounting_date: isoDay(t.accountingDate),
    user_transaction_time: isoTime(t.userTime),
    settlement_date: isoDay(t.settlementDate),
    updated_at: isoTime(t.sync.updatedAt),
    entity_id: t.entityId,
    card_id: t.cardId,
    limit_id: t.limitId,
    card_present: false,
    card_holder: {
      user_id: t.cardHolder.userId,
      first_name: t.cardHolder.first,
      last_name: t.cardHolder.last,
      employee_id: t.cardHolder.employeeId,
      department_id: t.cardHolder.departmentId,
      department_name: t.cardHolder.department,
      location_id: t.cardHolder.locationId,
      location_name: t.cardHolder.location,
    },
    merchant_id: t.merchant.id,
    merchant_name: t.merchant.name,
    merchant_descriptor: t.merchant.descriptor,
    merchant_category_code: t.merchant.mcc,
    merchant_category_code_description: t.merchant.mccDescription,
    merchant_location: { city: t.merchant.city, state: null, country: t.merchant.country, postal_code: null },
    sk_category_id: t.skCategory.id,
    sk_category_name: t.skCategory.name,
    memo: t.memo,
    receipts: t.receipts,
    accounting_categories: [],
    accounting_field_selections: t.header.map(selectionForCard),
    line_items: t.lines.map((l) => ({
      amount: currencyAmount(l.minor, l.currency),
      converted_amount: currencyAmount(l.minor, l.currency),
      memo: l.memo,
      accounting_field_selections: l.selections.map(selectionForCard),
    })),
    attendees: [],
    disputes: [],
    policy_violations: [],
    original_transaction_id: t.originalTransactionId,
    all_requirements_met_and_approved: t.status !== "NOT_SYNC_READY",
  };
  if (t.statementId) out.statement_id = t.statementId;
  if (sc.activeConnection?.settings.transaction_accounting_vendor_creation_on_sync_enabled) {
    out.requires_accounting_vendor_creation_to_sync = requiresVendorCreation(t, sc);
  }
  return out;
}

export function requiresVendorCreation(t: Txn, sc: SerializeContext): boolean {
  return (
    !!sc.activeConnection?.settings.transaction_accounting_vendor_creation_on_sync_enabled &&
    t.status === "SYNC_READY" &&
    !hasVendorSelection(t)
  );
}

export function reimbursementToApi(x: Reimb): Record<string, unknown> {
  return {
    id: x.id,
    type: x.type,
    state: x.state,
    direction: "BUSINESS_TO_USER",
    sync_status: x.status,
    synced_at: iso(x.syncedAt),
    amount: majorDecimal(x.minor, x.currency),
    currency: x.currency,
    original_reimbursement_amount: currencyAmount(x.merchantMinor, x.merchantCurrency),
    payee_amount: currencyAmount(x.minor, x.currency),
    entity_amount: signedAmount(x.minor, x.currency),
    merchant_amount: signedAmount(x.merchantMinor, x.merchantCurrency),
    accounting_date: isoDay(x.accountingDate),
    transaction_date: isoDate(x.transactionDate),
    created_at: isoTime(x.createdAt),
    submitted_at: isoTime(x.submittedAt),
    approved_at: isoTime(x.approvedAt),
    updated_at: isoTime(x.sync.updatedAt),
    entity_id: x.entityId,
    user_id: x.user.id,
    user_email: x.user.email,
    user_full_name: x.user.name,
    employee_id: x.user.employeeId,
    merchant: x.merchant,
    merchant_id: null,
    memo: x.memo,
    receipts: x.receipts,
    accounting_field_selections: x.header.map(selectionForCard),
    line_items: x.lines.map((l) => ({
      amount: currencyAmount(l.minor, l.currency),
      memo: l.memo,
      accounting_field_selections: l.selections.map(selectionForCard),
    })),
    spend_limit_id: null,
    payment_id: null,
    attendees: [],
    distance: x.distanceMiles,
    start_location: x.type === "MILEAGE" ? "Office" : null,
    end_location: x.type === "MILEAGE" ? "Client site" : null,
    waypoints: [],
  };
}

export function transferToApi(x: Transfer): Record<string, unknown> {
  return {
    id: x.id,
    amount: currencyAmount(x.minor, x.currency),
    created_at: isoTime(x.createdAt),
    entity_id: x.entityId,
    payment_id: x.paymentId,
    status: x.transferStatus,
    sync_status: x.status,
    synced_at: iso(x.syncedAt),
    statement_id: x.statementId,
  };
}

export function cashbackToApi(x: Cashback): Record<string, unknown> {
  return {
    id: x.id,
    amount: currencyAmount(x.minor, x.currency),
    created_at: isoTime(x.createdAt),
    entity_id: x.entityId,
    sync_status: x.status,
    synced_at: iso(x.syncedAt),
  };
}

function paymentToApi(b: Bill): Record<string, unknown> | null {
  const p = b.payment;
  if (!p) return null;
  let details: Record<string, unknown>;
  let method: string;
  if (p.kind === "CARD") {
    method = "CARD";
    details = {
      schema_type: "CardPaymentDetailsSchema",
      spend_limit_id: p.spendLimitId,
      transaction_ids: p.transactionIds ?? [],
    };
  } else if (p.kind === "PAID_IN_ERP") {
    method = "PAID_MANUALLY";
    details = { schema_type: "ManualPaymentDetailsSchema", manual_payment_method: "PAID_IN_ERP" };
  } else {
    method = "ACH";
    details = {
      schema_type: "VendorPaymentDetailsSchema",
      approval_status: "APPROVED",
      is_same_day: false,
      source_bank_account_id: p.sourceBankAccountId ?? null,
      vendor_account_id: p.vendorAccountId ?? null,
    };
  }
  return {
    id: p.id,
    customer_friendly_payment_id: `PMT-${p.id.slice(0, 5).toUpperCase()}`,
    amount: currencyAmount(p.minor, p.currency),
    payment_method: method,
    payment_date: isoDay(p.paymentDate),
    effective_date: p.effectiveDate === null ? null : isoDay(p.effectiveDate),
    details,
    trace_id: null,
  };
}

export function billToApi(b: Bill, sc: SerializeContext): Record<string, unknown> {
  const vendor = sc.vendors(b.vendorId);
  // The bill's vendor link is its entity's (an ERP vendor of the entity's company), as in multi-entity Ramp.
  const remoteId =
    vendor?.accountingVendorRemoteIdByEntity?.[b.entityId] ?? vendor?.accountingVendorRemoteId ?? null;
  const apiVendor: Record<string, unknown> = {
    id: b.vendorId,
    name: vendor?.name ?? "Unknown vendor",
    type: "BUSINESS",
  };
  if (remoteId) {
    apiVendor.remote_id = remoteId;
    apiVendor.remote_code = remoteId;
    apiVendor.remote_name = sc.accountingVendorName(remoteId) ?? vendor?.name ?? remoteId;
  }
  const out: Record<string, unknown> = {
    id: b.id,
    status: b.payStatus,
    status_summary:
      b.payStatus === "PAID"
        ? "PAYMENT_COMPLETED"
        : b.approval === "APPROVED"
          ? "PAYMENT_SCHEDULED"
          : "APPROVAL_PENDING",
    approval_status: b.approval,
    sync_status: b.status,
    enable_accounting_sync: true,
    amount: currencyAmount(b.minor, b.currency),
    fx_conversion_rate: b.fxRate ?? "1.0",
    invoice_number: b.invoiceNumber,
    memo: b.memo,
    issued_at: isoDay(b.issuedAt),
    due_at: isoDay(b.dueAt),
    accounting_date: isoDay(b.accountingDate),
    created_at: isoTime(b.createdAt),
    archived_at: b.archived ? isoTime(b.createdAt) : null,
    entity_id: b.entityId,
    vendor: apiVendor,
    vendor_contact_id: null,
    bill_owner: { id: b.ownerId, first_name: "Priya", last_name: "Nair" },
    accounting_field_selections: b.header.map(selectionForBill),
    line_items: b.lines.map((l) => ({
      amount: currencyAmount(l.minor, l.currency),
      memo: l.memo,
      accounting_field_selections: l.selections.map(selectionForBill),
      item_receipt_line_item_ids: [],
      purchase_order_line_item_id: null,
    })),
    inventory_line_items: [],
    applied_vendor_credits: b.appliedCredits.map((c) => ({
      id: c.id,
      amount: currencyAmount(c.minor, b.currency),
    })),
    invoice_urls: sc.invoiceUrls(b),
    payment: paymentToApi(b),
    draft_bill_id: null,
    purchase_order_id: null,
  };
  if (b.paidAt !== null) out.paid_at = isoTime(b.paidAt);
  if (b.remoteId !== null) out.remote_id = b.remoteId;
  if (b.deepLinkUrl !== null) out.deep_link_url = b.deepLinkUrl;
  return out;
}

export function vendorToApi(v: RampVendor, detail = false): Record<string, unknown> {
  const zero = currencyAmount(0, "USD");
  const out: Record<string, unknown> = {
    id: v.id,
    name: v.name,
    name_legal: v.nameLegal,
    external_vendor_id: v.externalVendorId,
    accounting_vendor_remote_id: v.accountingVendorRemoteId,
    is_active: v.isActive,
    is_deletable: false,
    country: v.country,
    contacts: [],
    created_at: isoTime(v.createdAt),
    merchant_id: v.merchantId,
    vendor_owner_id: v.ownerId,
    vendor_type: "BUSINESS",
    total_spend_all_time: zero,
    total_spend_last_30_days: zero,
    total_spend_last_365_days: zero,
    total_spend_ytd: zero,
  };
  if (detail) out.custom_form_collection_response = null;
  return out;
}

export function vendorCreditToApi(c: VendorCredit): Record<string, unknown> {
  return {
    id: c.id,
    vendor_id: c.vendorId,
    entity_id: c.entityId,
    amount: currencyAmount(c.minor, c.currency),
    remaining_amount: currencyAmount(c.remainingMinor, c.currency),
    accounting_date: isoDay(c.accountingDate),
    created_at: isoTime(c.createdAt),
    memo: c.memo,
    line_items: c.lines.map((l) => ({
      amount: currencyAmount(l.minor, l.currency),
      memo: l.memo,
      accounting_field_selections: l.selections.map(selectionForBill),
    })),
  };
}

export function entityToApi(e: Entity): Record<string, unknown> {
  return {
    id: e.id,
    entity_name: e.name,
    currency: e.currency,
    is_primary: e.isPrimary,
    location_ids: [],
    accounts: [],
  };
}

export function connectionToApi(c: Connection): Record<string, unknown> {
  return {
    id: c.id,
    remote_provider_name: c.name,
    connection_type: c.type,
    is_active: c.isActive,
    is_ready_to_migrate: c.readyToMigrate,
    status: c.status,
    created_at: isoTime(c.createdAt),
    last_linked_at: c.lastLinkedAt === null ? null : isoTime(c.lastLinkedAt),
    settings: c.type === "API" ? { ...c.settings } : null,
  };
}
