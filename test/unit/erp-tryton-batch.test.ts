import { describe, expect, it } from "vitest";
import { userError } from "../../lib/erp/port.js";
import { planGroup, writeUnits } from "../../lib/erp/tryton/batch.js";
import type { Found } from "../../lib/erp/tryton/lookup.js";
import { chunked, shouldIsolate } from "../../lib/erp/tryton/move-chunks.js";
import { TrytonRpcError, TrytonTransportError } from "../../lib/erp/tryton/rpc.js";
import { bill, billPayment, reimbursement, transaction, transfer } from "./erp-tryton-postings.js";

const found = (entries: [string, Found][]) => new Map(entries);

describe("planGroup (lib/erp/tryton/batch.ts: what a batch writes, from the lookup alone)", () => {
  it("reports posted records as found and writes the rest", () => {
    const postings = [transaction("t1"), transaction("t2"), bill("b1")];
    const plan = planGroup(
      postings,
      [0, 1, 2],
      found([
        ["ramp:transaction:t1", { model: "account.move", id: 11, state: "posted" }],
        ["ramp:bill:b1", { model: "account.invoice", id: 12, state: "posted" }],
      ]),
    );
    expect(plan.done).toEqual([
      [0, { erpId: "account.move,11", created: false }],
      [2, { erpId: "account.invoice,12", created: false }],
    ]);
    expect(plan.todo).toEqual([1]);
    expect(plan.repeats).toEqual([]);
  });

  it("writes drafts again (a kill between create and post)", () => {
    const plan = planGroup(
      [transaction("t1")],
      [0],
      found([["ramp:transaction:t1", { model: "account.move", id: 11, state: "draft" }]]),
    );
    expect(plan.done).toEqual([]);
    expect(plan.todo).toEqual([0]);
  });

  it("always writes through bill payments and reimbursements: their later steps may be missing", () => {
    const postings = [billPayment("p1"), reimbursement("r1", true)];
    const plan = planGroup(
      postings,
      [0, 1],
      found([
        ["ramp:bill_payment:p1", { model: "account.move", id: 21, state: "posted" }],
        ["ramp:reimbursement:r1", { model: "account.invoice", id: 22, state: "posted" }],
      ]),
    );
    expect(plan.done).toEqual([]);
    expect(plan.todo).toEqual([0, 1]);
  });

  it("writes a ref once; its repeats point at the first", () => {
    const postings = [transfer("x"), transaction("t"), transfer("x"), transfer("x")];
    const plan = planGroup(postings, [0, 1, 2, 3], found([]));
    expect(plan.todo).toEqual([0, 1]);
    expect(plan.repeats).toEqual([
      [2, 0],
      [3, 0],
    ]);
  });

  it("looks only at the indexes of its group", () => {
    const plan = planGroup([transfer("a"), transfer("b"), transfer("c")], [2, 0], found([]));
    expect(plan.todo).toEqual([2, 0]);
  });
});

describe("writeUnits (the erp-between windows of a batch)", () => {
  it("counts each stale draft, each chunk of new moves and each document", () => {
    expect(writeUnits(0, 0, 0, 50)).toBe(0);
    expect(writeUnits(2, 0, 0, 50)).toBe(2);
    expect(writeUnits(0, 1, 0, 50)).toBe(1);
    expect(writeUnits(0, 50, 0, 50)).toBe(1);
    expect(writeUnits(0, 51, 0, 50)).toBe(2);
    expect(writeUnits(1, 3, 2, 2)).toBe(1 + 2 + 2);
  });
});

describe("shouldIsolate (lib/erp/tryton/move-chunks.ts: isolate-and-retry)", () => {
  const refused = new TrytonRpcError(
    "model.account.move.create",
    "UserError",
    ["Account 6999 is inactive", "", null],
    200,
  );

  it("retries a refused chunk one move at a time", () => {
    expect(shouldIsolate(2, refused)).toBe(true);
    expect(shouldIsolate(50, userError("UNKNOWN_ACCOUNT", "bad account", "re-code it"))).toBe(true);
  });

  it("fails a single move as it is, and a transient failure without isolating", () => {
    expect(shouldIsolate(1, refused)).toBe(false);
    expect(shouldIsolate(50, new TrytonTransportError("model.account.move.post", "timeout", null))).toBe(
      false,
    );
    expect(shouldIsolate(50, new TrytonRpcError("model.account.move.create", "HTTP 503", null, 503))).toBe(
      false,
    );
  });
});

describe("chunked", () => {
  it("cuts into consecutive chunks of at most the size, the last one shorter", () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([1, 2], 2)).toEqual([[1, 2]]);
    expect(chunked([], 3)).toEqual([]);
  });
});
