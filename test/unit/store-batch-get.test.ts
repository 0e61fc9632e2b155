/**
 * batchGetAll against a fake document client: chunking, the UnprocessedKeys
 * retry with back-off, giving up, and what each call asks for. (Against
 * DynamoDB Local: test/integration/store-batch-get.test.ts.)
 */
import type { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { BATCH_GET_MAX_RETRIES, batchGetAll, type Key } from "../../lib/store/batch-get.js";

const TABLE = "t";
const keyOf = (n: number) => ({ PK: "TENANT#a", SK: `K#${n}` });

/** Answers every key it is asked for, except that `refuse(call, keys)` may hand some back unprocessed. */
function fakeDoc(refuse: (call: number, keys: Key[]) => Key[] = () => []) {
  const calls: Array<NonNullable<BatchGetCommand["input"]["RequestItems"]>[string]> = [];
  const doc = {
    send: async (cmd: BatchGetCommand) => {
      const req = cmd.input.RequestItems?.[TABLE];
      if (!req?.Keys) throw new Error("no keys");
      calls.push(req);
      const unprocessed = refuse(calls.length, req.Keys as Key[]);
      const held = new Set(unprocessed.map((k) => JSON.stringify(k)));
      const answered = (req.Keys as Key[]).filter((k) => !held.has(JSON.stringify(k)));
      return {
        Responses: { [TABLE]: answered.map((k) => ({ ...k, value: k.SK })) },
        ...(unprocessed.length ? { UnprocessedKeys: { [TABLE]: { Keys: unprocessed } } } : {}),
      };
    },
  };
  return { doc: doc as never, calls };
}

describe("batchGetAll", () => {
  it("asks in chunks of 100, strongly consistent, each key once", async () => {
    const f = fakeDoc();
    const keys = Array.from({ length: 250 }, (_, n) => keyOf(n));
    const rows = await batchGetAll({ doc: f.doc, tableName: TABLE, keys: [...keys, keyOf(3)], what: "test" });
    expect(f.calls.map((c) => c.Keys?.length)).toEqual([100, 100, 50]);
    expect(f.calls.every((c) => c.ConsistentRead === true)).toBe(true);
    expect(rows.map((r) => r.SK).sort()).toEqual(keys.map((k) => k.SK).sort());
  });

  it("asks again for the keys DynamoDB left unprocessed, waiting longer each time", async () => {
    const slept: number[] = [];
    // The first call leaves 30 keys unprocessed, the second 5 of those, the third none.
    const f = fakeDoc((call, keys) => (call === 1 ? keys.slice(0, 30) : call === 2 ? keys.slice(0, 5) : []));
    const keys = Array.from({ length: 80 }, (_, n) => keyOf(n));
    const rows = await batchGetAll({
      doc: f.doc,
      tableName: TABLE,
      keys,
      what: "test",
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(f.calls.map((c) => c.Keys?.length)).toEqual([80, 30, 5]);
    expect(slept).toEqual([20, 40]);
    expect(rows).toHaveLength(80);
  });

  it("gives up with an error naming the caller when DynamoDB keeps refusing", async () => {
    const slept: number[] = [];
    const f = fakeDoc((_call, keys) => keys.slice(0, 1));
    await expect(
      batchGetAll({
        doc: f.doc,
        tableName: TABLE,
        keys: [keyOf(1), keyOf(2)],
        what: "ledger rows",
        sleep: async (ms) => {
          slept.push(ms);
        },
      }),
    ).rejects.toThrow(/^ledger rows: DynamoDB kept 1 keys unprocessed after 10 retries$/);
    expect(f.calls).toHaveLength(BATCH_GET_MAX_RETRIES + 1);
    expect(slept).toHaveLength(BATCH_GET_MAX_RETRIES);
    expect(slept.at(-1)).toBe(20 * 2 ** (BATCH_GET_MAX_RETRIES - 1));
  });

  it("passes a projection and eventual consistency through, and makes no call for no keys", async () => {
    const f = fakeDoc();
    await batchGetAll({
      doc: f.doc,
      tableName: TABLE,
      keys: [keyOf(1)],
      what: "test",
      consistentRead: false,
      projection: { expression: "rampId, #state", names: { "#state": "state" } },
    });
    expect(f.calls[0]).toMatchObject({
      ConsistentRead: false,
      ProjectionExpression: "rampId, #state",
      ExpressionAttributeNames: { "#state": "state" },
    });
    await batchGetAll({ doc: f.doc, tableName: TABLE, keys: [], what: "test" });
    expect(f.calls).toHaveLength(1);
  });
});
