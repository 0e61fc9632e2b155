/**
 * The shared ERP adapter contract suite against the live trytond, once per
 * company: Acme Corp (USD, EUR as the foreign currency) and Acme Europe (EUR,
 * USD as the foreign one). Each run uses an adapter configured with that one
 * company, because Tryton parties are shared and would otherwise be listed
 * once per company (the suite expects one vendor per name).
 */

import { erpContractSuite } from "../support/erp-contract.js";
import type { ContractFixture } from "../support/erp-contract-fixture.js";
import { closePastPeriod, connectLive, type LiveCompany, newRampId, today } from "./support/tryton-live.js";

function fixtureFor(pick: "us" | "eu") {
  return async (): Promise<ContractFixture> => {
    const live = await connectLive();
    const c: LiveCompany = live[pick];
    const port = live.adapter({ companies: [{ key: c.key, erpCompanyId: String(c.id) }] });
    const closed = await closePastPeriod(live, c);
    return {
      port,
      companyKey: c.key,
      currency: c.currency,
      foreignCurrency: c.currency === "USD" ? "EUR" : "USD",
      accounts: {
        expense: c.account("6100"),
        expense2: c.account("6200"),
        cardLiability: c.account("2100"),
        bank: c.account("1000"),
        payable: c.account("2000"),
        reimbursementsPayable: c.account("2300"),
        cashbackIncome: c.account("4900"),
        inactive: c.account("6999"),
      },
      vendor: c.vendor,
      dimension: { fieldRemoteId: "field:DEPT", optionRemoteId: c.dept("ENG") },
      tax: { taxCodeRemoteId: c.tax("Purchase Tax 10%"), rate: "0.10" },
      closedPeriodDate: closed.date,
      openDate: today(),
      balance: (account) => live.balance(c, Number(account.slice(account.indexOf(":") + 1))),
      newRampId,
      async teardown() {
        await closed.reopen();
        await port.close();
      },
    };
  };
}

erpContractSuite("tryton (Acme Corp, USD)", fixtureFor("us"));
erpContractSuite("tryton (Acme Europe, EUR)", fixtureFor("eu"));
