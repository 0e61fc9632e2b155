/**
 * postBatch does real batching: the number of HTTP requests for a batch of
 * journal entries does not grow with the batch (one lookup, one read per
 * reference model, one create, one post), while each posting keeps its own
 * outcome, in input order, across companies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Posting } from "../../lib/erp/port.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { countRef } from "./support/inspect.js";
import * as P from "./support/postings.js";
import { connectLive, type Live } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
  await erp.find("ramp:transaction:warm-up", live.us.key); // login, company and journals cached
  await erp.post(P.transaction(live.us));
});
afterAll(async () => {
  await erp?.close();
});

async function requestsFor(postings: Posting[]): Promise<number> {
  const before = erp.session.rpc.requests;
  const outcomes = await erp.postBatch(postings);
  expect(outcomes.every((o) => o.ok && o.result.created)).toBe(true);
  return erp.session.rpc.requests - before;
}

describe("postBatch", () => {
  it("posts 3 or 30 card entries with the same number of requests", async () => {
    const three = await requestsFor(Array.from({ length: 3 }, () => P.transaction(live.us)));
    const thirty = await requestsFor(Array.from({ length: 30 }, () => P.transaction(live.us)));
    expect(thirty).toBe(three);
    expect(three).toBeLessThan(3 * 5);
  });

  it("keeps input order across companies and kinds, posts a ref repeated in the batch once", async () => {
    const t = P.transaction(live.us);
    const batch: Posting[] = [
      P.cashback(live.eu, "2.00"),
      t,
      P.transfer(live.us, "9.00"),
      t,
      P.transaction(live.eu),
    ];
    const outcomes = await erp.postBatch(batch);
    expect(outcomes.map((o) => o.ok && o.result.created)).toEqual([true, true, true, false, true]);
    const [, first, , repeat] = outcomes;
    expect(first?.ok && repeat?.ok && repeat.result.erpId === first.result.erpId).toBe(true);
    expect(await countRef(live, live.us, t.ref)).toBe(1);
    for (const [i, p] of batch.entries()) {
      const o = outcomes[i];
      expect((await erp.find(p.ref, p.companyKey))?.erpId).toBe(o?.ok ? o.result.erpId : "");
    }
  });
});
