/**
 * The shared ERP adapter contract suite against the live trytond, once per
 * company: Acme Corp (USD, EUR as the foreign currency) and Acme Europe (EUR,
 * USD as the foreign one). Each run uses an adapter configured with that one
 * company, because Tryton parties are shared and would otherwise be listed
 * once per company (the suite expects one vendor per name).
 */

import type { Posting } from "../../lib/erp/port.js";
import { erpContractSuite } from "../support/erp-contract.js";
import type { ContractFixture, IncompleteState } from "../support/erp-contract-fixture.js";
import {
  beforePaymentMove,
  beforeSettling,
  freezingFetch,
  INVOICE_POST,
  MOVE_POST,
} from "./support/freeze.js";
import { countRef } from "./support/inspect.js";
import { closePastPeriod, connectLive, type LiveCompany, newRampId, today } from "./support/tryton-live.js";

type StopAt = Parameters<typeof freezingFetch>[0];

/** Where a kill leaves each kind in each incomplete state (null: no such state for the kind). */
function tearAt(kind: Posting["kind"], state: IncompleteState): StopAt | null {
  const batched = kind === "transaction" || kind === "transfer" || kind === "cashback";
  const invoice = kind === "bill" || kind === "vendor_credit" || kind === "reimbursement";
  if (state === "draft") {
    if (batched || kind === "bill_payment") return (m) => m === MOVE_POST;
    return invoice ? (m) => m === INVOICE_POST : null;
  }
  // partial: the invoice posted, the payment Ramp made not yet; a bill payment posted, not reconciled.
  if (kind === "reimbursement") return beforePaymentMove;
  if (kind === "bill_payment") return beforeSettling;
  return null;
}

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
      // A worker whose adapter's fetch never answers the request after the tear: frozen for good.
      async leaveIncomplete(posting, state) {
        const stopAt = tearAt(posting.kind, state);
        if (!stopAt) return false;
        if (state === "partial" && posting.kind === "reimbursement" && !posting.payment) return false;
        const freeze = freezingFetch(stopAt);
        const doomed = live.adapter(
          { companies: [{ key: c.key, erpCompanyId: String(c.id) }] },
          { fetch: freeze.fetch },
        );
        await Promise.race([
          freeze.frozen,
          doomed.post(posting).then(
            () => Promise.reject(new Error(`${posting.ref}: the write finished before the tear`)),
            (err) => Promise.reject(err),
          ),
        ]);
        return true;
      },
      recordsUnder: (ref) => countRef(live, c, ref),
      async teardown() {
        await closed.reopen();
        await port.close();
      },
    };
  };
}

erpContractSuite("tryton (Acme Corp, USD)", fixtureFor("us"));
erpContractSuite("tryton (Acme Europe, EUR)", fixtureFor("eu"));
