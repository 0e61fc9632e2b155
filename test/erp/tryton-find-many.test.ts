/**
 * findMany against the live trytond with both companies configured on one adapter:
 * each ref is looked up in the company it is asked under only (the contract suite runs
 * one company per adapter, so it cannot see a lookup leak into the other).
 */
import { describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { CardTransactionPosting } from "../../lib/erp/port.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { money } from "../../lib/money/index.js";
import { useLiveAdapter } from "./support/live-adapter.js";
import { type Live, type LiveCompany, newRampId, today } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
useLiveAdapter((l, e) => {
  live = l;
  erp = e;
});

function charge(c: LiveCompany, minor: number): CardTransactionPosting {
  const rampId = newRampId();
  return {
    kind: "transaction",
    ref: externalRef("transaction", rampId),
    rampId,
    companyKey: c.key,
    date: today(),
    currency: c.currency,
    memo: "findMany companies",
    link: null,
    lines: [
      {
        accountRemoteId: c.account("6100"),
        amount: money(minor, c.currency),
        tax: null,
        dimensions: [],
        memo: null,
      },
    ],
    creditAccountRemoteId: c.account("2100"),
    vendorRemoteId: null,
    merchantName: null,
    originalAmount: null,
  };
}

describe("Tryton findMany across companies", () => {
  it("finds each ref only in the company it is asked under, batched per company", async () => {
    const us = charge(live.us, 1_111);
    const eu = charge(live.eu, 2_222);
    const usId = (await erp.post(us)).erpId;
    const euId = (await erp.post(eu)).erpId;
    const before = erp.session.rpc.requests;
    const found = await erp.findMany([
      { ref: us.ref, companyKey: live.us.key },
      { ref: eu.ref, companyKey: live.eu.key },
      // asked under the other company: not there
      { ref: us.ref, companyKey: live.eu.key },
      { ref: eu.ref, companyKey: live.us.key },
    ]);
    const trips = erp.session.rpc.requests - before;
    expect(found.get(us.ref)).toEqual([
      {
        ref: us.ref,
        erpId: usId,
        companyKey: live.us.key,
        state: "complete",
        amount: money(1_111, live.us.currency),
        accountRemoteIds: [live.us.account("6100")],
      },
    ]);
    expect(found.get(eu.ref)).toEqual([
      {
        ref: eu.ref,
        erpId: euId,
        companyKey: live.eu.key,
        state: "complete",
        amount: money(2_222, live.eu.currency),
        accountRemoteIds: [live.eu.account("6100")],
      },
    ]);
    // two companies × (moves + their lines); no invoice refs, no tax lines
    expect(trips).toBeLessThanOrEqual(4);
  });
});
