/**
 * The shared ERP adapter contract suite against the live trytond, once per
 * company: Acme Corp (USD, EUR as the foreign currency) and Acme Europe (EUR,
 * USD as the foreign one). Each run uses an adapter configured with that one
 * company, because Tryton parties are shared and would otherwise be listed
 * once per company (the suite expects one vendor per name).
 */

import type { Posting } from "../../lib/erp/port.js";
import { tagDate, tagDecimal } from "../../lib/erp/tryton/wire.js";
import { type ErpContractFixture, erpContractSuite } from "../support/erp-contract.js";
import type { IncompleteState } from "../support/erp-contract-fixture.js";
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
  return async (): Promise<ErpContractFixture> => {
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
      // Someone entering the same journal entry again by hand, line by line, and posting it.
      async plantDuplicate(ref, erpId) {
        const [model, id] = erpId.split(",");
        if (model !== "account.move") throw new Error(`plantDuplicate: moves only, not ${model}`);
        const rpc = live.session.rpc;
        const ctx = live.session.ctx(c.id);
        const [move] = await rpc.read<{ journal: number; period: number; date: string }>(
          "account.move",
          [Number(id)],
          ["journal", "period", "date"],
          ctx,
        );
        const lines = await rpc.searchRead<Record<string, unknown>>(
          "account.move.line",
          [["move", "=", Number(id)]],
          ["account", "debit", "credit", "party", "second_currency", "amount_second_currency"],
          ctx,
          { order: [["id", "ASC"]] },
        );
        if (!move) throw new Error(`no move ${erpId}`);
        const decimal = (v: unknown) => (v === null ? null : tagDecimal(String(v)));
        const [copy] = await rpc.create(
          "account.move",
          [
            {
              company: c.id,
              journal: move.journal,
              period: move.period,
              date: tagDate(move.date),
              description: ref,
              lines: [
                [
                  "create",
                  lines.map((l) => ({
                    account: l.account,
                    debit: decimal(l.debit),
                    credit: decimal(l.credit),
                    party: l.party,
                    second_currency: l.second_currency,
                    amount_second_currency: decimal(l.amount_second_currency),
                  })),
                ],
              ],
            },
          ],
          ctx,
        );
        await rpc.button("account.move", "post", [copy as number], ctx);
      },
      roundTrips: () => port.session.rpc.requests,
      async teardown() {
        await closed.reopen();
        await port.close();
      },
    };
  };
}

erpContractSuite("tryton (Acme Corp, USD)", fixtureFor("us"));
erpContractSuite("tryton (Acme Europe, EUR)", fixtureFor("eu"));
