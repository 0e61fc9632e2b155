/** Shared fixtures of the poll unit tests: a minimal tenant document and Ramp objects. */
import { parseTenantConfig, type TenantConfig, type TenantConfigInput } from "../../lib/config/tenant.js";
import { money } from "../../lib/money/index.js";
import type { RampBill, RampTransaction } from "../../lib/ramp/model.js";

const defaults = (k: string) => ({
  cardLiability: `${k}:2100`,
  accountsPayable: `${k}:2000`,
  bank: `${k}:1000`,
  reimbursementsPayable: `${k}:2200`,
  cashbackIncome: `${k}:4900`,
  defaultExpense: `${k}:6000`,
});

export function tenant(overrides: Partial<TenantConfigInput> = {}): TenantConfig {
  return parseTenantConfig({
    tenantId: "t1",
    displayName: "Tenant One",
    ramp: { remoteProviderName: "Journal" },
    erp: { kind: "journal", path: "books.journal" },
    companies: [
      { key: "us", erpCompanyId: "US", currency: "USD", defaults: defaults("us") },
      { key: "eu", erpCompanyId: "EU", currency: "EUR", defaults: defaults("eu") },
    ],
    ...overrides,
  });
}

export function txn(id: string, extra: Partial<RampTransaction> = {}): RampTransaction {
  return {
    id,
    entityId: "ent-1",
    state: "CLEARED",
    syncStatus: "SYNC_READY",
    amount: money(1_234, "USD"),
    originalAmount: null,
    accountingDate: "2026-04-04T00:00:00+00:00",
    userTransactionTime: null,
    merchantId: null,
    merchantName: "Blue Bottle",
    memo: null,
    cardHolder: null,
    limitId: null,
    selections: [],
    lineItems: [],
    requiresAccountingVendorCreation: false,
    syncedAt: null,
    originalTransactionId: null,
    receiptIds: [],
    ...extra,
  };
}

export function bill(id: string, extra: Partial<RampBill> = {}): RampBill {
  return {
    id,
    entityId: "ent-1",
    status: "OPEN",
    syncStatus: "NOT_SYNCED",
    approvalStatus: "APPROVED",
    amount: money(50_000, "USD"),
    invoiceNumber: "INV-1",
    memo: null,
    issuedAt: null,
    dueAt: null,
    accountingDate: null,
    paidAt: null,
    vendor: null,
    selections: [],
    lineItems: [],
    payment: null,
    remoteId: null,
    deepLinkUrl: null,
    invoiceUrls: [],
    ...extra,
  };
}
