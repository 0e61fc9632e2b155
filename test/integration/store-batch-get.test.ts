/**
 * batchGetAll over DynamoDB Local: more keys than one call takes, rows that
 * are missing, a projection, and a table that hands keys back unprocessed
 * once (a wrapper around the real client, since DynamoDB Local never does);
 * and the ledger's getMany, which reads a poll page's rows with it.
 */
import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerKeyOf } from "../../lib/domain/kinds.js";
import { batchGetAll, type Key } from "../../lib/store/batch-get.js";
import { createLedger } from "../../lib/store/ledger.js";
import { freshTable } from "../support/dynamo-client.js";

let deps: Awaited<ReturnType<typeof freshTable>>;
const keyOf = (n: number) => ({ PK: "TENANT#bg", SK: `ROW#${String(n).padStart(4, "0")}` });
const STORED = 230;

beforeAll(async () => {
  deps = await freshTable("batchget");
  for (let i = 0; i < STORED; i += 25) {
    const puts = Array.from({ length: Math.min(25, STORED - i) }, (_, j) => ({
      PutRequest: { Item: { ...keyOf(i + j), n: i + j, state: i + j === 7 ? "MARKED" : "POSTED" } },
    }));
    await deps.doc.send(new BatchWriteCommand({ RequestItems: { [deps.tableName]: puts } }));
  }
});

describe("batchGetAll (DynamoDB Local)", () => {
  it("finds every stored row of a key list longer than one call, and skips the missing ones", async () => {
    const keys = Array.from({ length: STORED + 20 }, (_, n) => keyOf(n));
    const rows = await batchGetAll({ doc: deps.doc, tableName: deps.tableName, keys, what: "test" });
    expect(rows).toHaveLength(STORED);
    expect(new Set(rows.map((r) => r.n))).toEqual(new Set(Array.from({ length: STORED }, (_, n) => n)));
  });

  it("reads only the projected attributes", async () => {
    const rows = await batchGetAll({
      doc: deps.doc,
      tableName: deps.tableName,
      keys: [keyOf(7), keyOf(8)],
      projection: { expression: "n, #state", names: { "#state": "state" } },
      what: "test",
    });
    expect(rows.sort((a, b) => Number(a.n) - Number(b.n))).toEqual([
      { n: 7, state: "MARKED" },
      { n: 8, state: "POSTED" },
    ]);
  });

  it("asks again for keys the table handed back unprocessed", async () => {
    let calls = 0;
    const slept: number[] = [];
    // The first call sends only half its keys to the table and returns the rest as unprocessed.
    const flaky = {
      send: async (cmd: BatchGetCommand) => {
        calls++;
        const req = cmd.input.RequestItems?.[deps.tableName];
        const keys = (req?.Keys ?? []) as Key[];
        if (calls > 1) return deps.doc.send(cmd);
        const half = Math.ceil(keys.length / 2);
        const res = await deps.doc.send(
          new BatchGetCommand({
            RequestItems: { [deps.tableName]: { ...req, Keys: keys.slice(0, half) } },
          }),
        );
        return { ...res, UnprocessedKeys: { [deps.tableName]: { Keys: keys.slice(half) } } };
      },
    };
    const keys = Array.from({ length: 60 }, (_, n) => keyOf(n));
    const rows = await batchGetAll({
      doc: flaky as never,
      tableName: deps.tableName,
      keys,
      what: "test",
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(calls).toBe(2);
    expect(slept).toEqual([20]);
    expect(rows.map((r) => r.n).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 60 }, (_, n) => n),
    );
  });
});

describe("ledger getMany (DynamoDB Local)", () => {
  it("returns the rows of a page of objects by <kind>#<rampId>, the missing ones absent", async () => {
    const ledger = createLedger({ doc: deps.doc, tableName: deps.tableName });
    const claimed = Array.from({ length: 120 }, (_, n) => `t${n}`);
    for (const rampId of claimed) {
      await ledger.claim({
        tenantId: "t-many",
        kind: "transaction",
        rampId,
        owner: "w",
        leaseMs: 60_000,
        fingerprint: "f",
      });
    }
    await ledger.recordPosted("t-many", "transaction", "t3", "w", "erp-3");
    const keys = [
      ...claimed.map((rampId) => ({ kind: "transaction" as const, rampId })),
      { kind: "bill" as const, rampId: "t3" },
      { kind: "transaction" as const, rampId: "t3" },
    ];
    const rows = await ledger.getMany("t-many", keys);
    expect(rows.size).toBe(120);
    expect(rows.has(ledgerKeyOf({ kind: "bill", rampId: "t3" }))).toBe(false);
    expect(rows.get("transaction#t3")).toMatchObject({ state: "POSTED", erpRef: "erp-3", rampId: "t3" });
    expect(rows.get("transaction#t119")).toMatchObject({ state: "CLAIMED", kind: "transaction" });
    // Another tenant's rows are not this tenant's.
    expect((await ledger.getMany("t-other", keys)).size).toBe(0);
  });
});
