import { describe, expect, it } from "vitest";
import { type ListedCount, rampFloor, SYNC_ROUTE } from "../../bench/floor.js";

const listed = (source: ListedCount["source"], ...perEntity: number[]): ListedCount[] =>
  perEntity.map((objects, i) => ({ source, entityId: `e${i}`, objects }));

describe("the Ramp-call floor of a drain", () => {
  it("pages each (listing, entity) on its own, 100 a page", () => {
    const f = rampFloor(listed("transaction", 100, 101), {});
    expect(f.list).toBe(1 + 2);
    expect(f.byRoute["GET /developer/v1/transactions"]).toBe(3);
  });

  it("charges one call for an enabled listing with nothing ready", () => {
    const f = rampFloor([...listed("transaction", 50, 50), ...listed("cashback", 0, 0)], {});
    expect(f.byRoute["GET /developer/v1/cashbacks"]).toBe(2);
    expect(f.list).toBe(4);
  });

  it("names routes as the sandbox counts them (vendor credits under /vendors/credits)", () => {
    const f = rampFloor(listed("vendor_credit", 1), {});
    expect(Object.keys(f.byRoute)).toEqual(["GET /developer/v1/vendors/credits"]);
  });

  it("adds ⌈N/5000⌉ sync calls per sync type, bills counting for both of theirs", () => {
    const f = rampFloor(listed("bill", 120), {
      TRANSACTION_SYNC: { synced: 10_000, failed: 0 },
      BILL_SYNC: { synced: 100, failed: 0 },
      BILL_PAYMENT_SYNC: { synced: 5_001, failed: 0 },
    });
    expect(f.sync).toBe(2 + 1 + 2);
    expect(f.byRoute[SYNC_ROUTE]).toBe(5);
    expect(f.total).toBe(2 + 5);
  });

  it("lets one sync call carry 5,000 successes and 5,000 failures together", () => {
    expect(rampFloor([], { TRANSACTION_SYNC: { synced: 5_000, failed: 5_000 } }).sync).toBe(1);
    expect(rampFloor([], { TRANSACTION_SYNC: { synced: 4_000, failed: 5_001 } }).sync).toBe(2);
  });

  it("is the brief's example at 10,000 transactions over two entities", () => {
    const f = rampFloor(
      [
        ...listed("transaction", 5_000, 5_000),
        ...listed("bill", 0, 0),
        ...listed("reimbursement", 0, 0),
        ...listed("transfer", 0, 0),
        ...listed("cashback", 0, 0),
        ...listed("vendor_credit", 0, 0),
      ],
      { TRANSACTION_SYNC: { synced: 10_000, failed: 0 } },
    );
    expect(f).toMatchObject({ list: 100 + 10, sync: 2, total: 112 });
  });
});
