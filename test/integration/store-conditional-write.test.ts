/**
 * The conditional-write helpers over DynamoDB Local: the condition alone
 * decides (no read first), a lost race comes back typed with the item as it
 * stood, and a chain of optimistic-concurrency writes lets exactly one of two
 * writers based on the same value win.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteIf, putIf, unchangedSince, updateIf } from "../../lib/store/conditional-write.js";
import { freshTable } from "../support/dynamo-client.js";

let deps: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  deps = await freshTable("condwrite");
});
const key = (sk: string) => ({ PK: "TENANT#cw", SK: sk });
/** The outcome of a refused write; `current` is the item as it stood, when there was one. */
const refused = (current?: Record<string, unknown>) => ({
  ok: false,
  reason: "condition",
  ...(current ? { current } : {}),
});
const ownedBy = (owner: string, values: Record<string, unknown> = {}) => ({
  ConditionExpression: "#owner = :owner",
  ExpressionAttributeNames: { "#owner": "owner" },
  ExpressionAttributeValues: { ":owner": owner, ...values },
});

describe("conditional writes (DynamoDB Local)", () => {
  it("create-only: the first put wins, the second is refused with the winner's item", async () => {
    const { doc, tableName } = deps;
    const create = (owner: string) =>
      putIf(
        doc,
        { TableName: tableName, Item: { ...key("A"), owner, rev: 0 }, ...unchangedSince("rev", undefined) },
        { current: true },
      );
    expect(await create("w1")).toEqual({ ok: true, item: { ...key("A"), owner: "w1", rev: 0 } });
    expect(await create("w2")).toEqual(refused({ ...key("A"), owner: "w1", rev: 0 }));
  });

  it("two writers based on the same revision: exactly one wins", async () => {
    const { doc, tableName } = deps;
    await putIf(doc, {
      TableName: tableName,
      Item: { ...key("B"), rev: 0 },
      ...unchangedSince("rev", undefined),
    });
    const results = await Promise.all(
      ["w1", "w2"].map((owner) =>
        putIf(doc, {
          TableName: tableName,
          Item: { ...key("B"), owner, rev: 1 },
          ...unchangedSince("rev", 0),
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const stored = await doc.send(
      new GetCommand({ TableName: tableName, Key: key("B"), ConsistentRead: true }),
    );
    const winner = results.find((r) => r.ok);
    expect(stored.Item).toEqual(winner?.ok ? winner.item : undefined);
  });

  it("update and delete: the condition decides, the outcome carries the item", async () => {
    const { doc, tableName } = deps;
    await putIf(doc, {
      TableName: tableName,
      Item: { ...key("C"), owner: "w1", n: 1 },
      ConditionExpression: "attribute_not_exists(PK)",
    });
    const renew = (owner: string) =>
      updateIf(
        doc,
        {
          TableName: tableName,
          Key: key("C"),
          UpdateExpression: "SET n = n + :one",
          ...ownedBy(owner, { ":one": 1 }),
        },
        { current: true },
      );
    expect(await renew("w1")).toEqual({ ok: true, item: { ...key("C"), owner: "w1", n: 2 } });
    expect(await renew("w2")).toEqual(refused({ ...key("C"), owner: "w1", n: 2 }));
    const release = (owner: string) =>
      deleteIf(doc, {
        TableName: tableName,
        Key: key("C"),
        ...ownedBy(owner),
      });
    expect(await release("w2")).toEqual(refused());
    expect(await release("w1")).toEqual({ ok: true, item: { ...key("C"), owner: "w1", n: 2 } });
    // Nothing left: a condition on an attribute fails on a missing item, and nothing comes back.
    expect(await renew("w1")).toEqual(refused());
  });
});
