/**
 * The smallest valid tenant input: one USD company "us" on the journal ERP, its defaults
 * plain remote ids. For suites that test something about the tenant's `ramp` section
 * (rate-limit scope, base URL) and need the rest only to parse.
 */
export function usJournalTenantInput(
  tenantId: string,
  displayName: string,
  ramp: Record<string, unknown> = {},
) {
  return {
    tenantId,
    displayName,
    ramp: { remoteProviderName: "Journal", ...ramp },
    erp: { kind: "journal", path: "books.journal" },
    companies: [
      {
        key: "us",
        erpCompanyId: "US",
        currency: "USD",
        defaults: {
          cardLiability: "us:5",
          accountsPayable: "us:4",
          bank: "us:2",
          reimbursementsPayable: "us:7",
          cashbackIncome: "us:9",
          defaultExpense: "us:10",
        },
      },
    ],
  };
}
