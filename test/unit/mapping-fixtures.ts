/**
 * Realistic normalised Ramp objects and a two-company tenant for the mapping
 * tests (shapes after ../shared/ramp-api/examples, ids invented).
 */
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { CodingContext } from "../../lib/erp/mapping/index.js";
import { type Money, money } from "../../lib/money/index.js";
import type { LineItem, RampBill, RampTransaction, Selection } from "../../lib/ramp/model.js";

export const usd = (minor: number): Money => money(minor, "USD");
export const eur = (minor: number): Money => money(minor, "EUR");

export const ENTITY_US = "b26860bd-dba1-4a8b-959b-11c967090b8c";
export const ENTITY_EU = "7c1e0a55-2f0e-4d7e-9f43-5d6c8a1e0b21";

/** A company's default accounts, by the `<key>:<number>` remote ids the fixtures use. */
export const defaults = (k: string) => ({
  cardLiability: `${k}:2000`,
  accountsPayable: `${k}:2100`,
  bank: `${k}:1000`,
  reimbursementsPayable: `${k}:2200`,
  cashbackIncome: `${k}:4900`,
  defaultExpense: `${k}:6999`,
  fallbackVendor: null,
});

export function tenant(overrides: { fallbackVendor?: string | null } = {}): TenantConfig {
  return parseTenantConfig({
    tenantId: "acme",
    displayName: "Acme",
    ramp: { remoteProviderName: "Tryton" },
    erp: { kind: "journal", path: "books.journal" },
    companies: [
      {
        key: "us",
        erpCompanyId: "1",
        currency: "USD",
        defaults: { ...defaults("us"), fallbackVendor: overrides.fallbackVendor ?? null },
      },
      { key: "eu", erpCompanyId: "2", currency: "EUR", defaults: defaults("eu") },
    ],
    entities: [
      { rampEntityId: ENTITY_US, companyKey: "us" },
      { rampEntityId: ENTITY_EU, companyKey: "eu" },
    ],
  });
}

export const ctx: CodingContext = {
  taxRates: new Map([
    ["us:tax/SALES10", "0.10"],
    ["us:tax/SALES825", "0.0825"],
  ]),
};

export function gl(remoteId: string | null, name = "Software"): Selection {
  return {
    optionRampId: `opt-${remoteId ?? name}`,
    optionRemoteId: remoteId,
    optionName: name,
    optionCode: null,
    fieldRampId: "field-gl",
    fieldRemoteId: "gl",
    fieldName: "GL Account",
    type: "GL_ACCOUNT",
  };
}
export function dept(remoteId: string, name = "Engineering"): Selection {
  return {
    optionRampId: `opt-${remoteId}`,
    optionRemoteId: remoteId,
    optionName: name,
    optionCode: null,
    fieldRampId: "field-dept",
    fieldRemoteId: "field:department",
    fieldName: "Department",
    type: "OTHER",
  };
}
export function vendorSel(remoteId: string, name = "Northwind Cloud LLC"): Selection {
  return {
    ...dept(remoteId, name),
    fieldRampId: "field-vendor",
    fieldRemoteId: "vendors",
    fieldName: "Vendor",
    type: "MERCHANT",
  };
}
export function taxSel(remoteId: string): Selection {
  return {
    ...dept(remoteId, remoteId),
    fieldRampId: "field-tax",
    fieldRemoteId: "tax",
    fieldName: "Tax code",
    type: "TAX_CODE",
  };
}

export const line = (amount: Money, selections: Selection[], memo: string | null = null): LineItem => ({
  amount,
  memo,
  selections,
});

export function transaction(over: Partial<RampTransaction> = {}): RampTransaction {
  return {
    id: "00c1d12c-58d2-47f5-ba78-065ef60b02bb",
    entityId: ENTITY_US,
    state: "CLEARED",
    syncStatus: "SYNC_READY",
    amount: usd(123456),
    originalAmount: null,
    accountingDate: "2026-03-04T00:00:00+00:00",
    userTransactionTime: "2026-03-02T18:22:41+00:00",
    merchantId: "f62dda77-c5bb-4713-b9ea-be176cfd7949",
    merchantName: "Northwind Cloud",
    memo: "Annual hosting renewal - split between teams",
    cardHolder: { userId: "e22ea729", firstName: "Dana", lastName: "Okafor", employeeId: "E-1042" },
    limitId: "f2370c21-4141-4ba6-af71-19b86955558a",
    selections: [],
    lineItems: [],
    requiresAccountingVendorCreation: false,
    syncedAt: null,
    originalTransactionId: null,
    receiptIds: [],
    ...over,
  };
}

export function bill(over: Partial<RampBill> = {}): RampBill {
  return {
    id: "9b7e3c2a-1d4f-4e8b-a6c5-0f1e2d3c4b5a",
    entityId: ENTITY_US,
    status: "OPEN",
    syncStatus: "NOT_SYNCED",
    approvalStatus: "APPROVED",
    amount: usd(250000),
    invoiceNumber: "INV-2026-0042",
    memo: "March consulting",
    issuedAt: "2026-03-01T00:00:00+00:00",
    dueAt: "2026-03-31T00:00:00+00:00",
    accountingDate: null,
    paidAt: null,
    vendor: { id: "ramp-vendor-1", name: "Contoso Consulting", remoteId: "us:V-100" },
    selections: [],
    lineItems: [line(usd(250000), [gl("us:6200", "Consulting")])],
    payment: null,
    remoteId: null,
    deepLinkUrl: "https://app.ramp.com/bills/9b7e3c2a",
    invoiceUrls: [],
    ...over,
  };
}
