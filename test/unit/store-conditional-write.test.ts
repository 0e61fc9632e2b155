/**
 * The conditional-write helpers' outcome mapping, against a fake document
 * client: a failed condition is a typed outcome (with the item as it stood,
 * unmarshalled, when asked for), every other error is thrown, and the
 * optimistic-concurrency condition names the prior value or the item's absence.
 * (Against DynamoDB Local: test/integration/store-conditional-write.test.ts.)
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { deleteIf, putIf, unchangedSince, updateIf } from "../../lib/store/conditional-write.js";

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: "The conditional request failed",
    $metadata: {},
    ...(item ? { Item: item as never } : {}),
  });

function fakeDoc(answer: (input: Record<string, unknown>) => unknown) {
  const sent: Array<Record<string, unknown>> = [];
  const doc = {
    send: async (cmd: { input: Record<string, unknown> }) => {
      sent.push(cmd.input);
      return answer(cmd.input);
    },
  };
  return { doc: doc as never, sent };
}

const KEY = { PK: "TENANT#a", SK: "X" };

describe("conditional writes", () => {
  it("a write whose condition holds is ok, with what was written (put) or the item after (update)", async () => {
    const put = fakeDoc(() => ({}));
    expect(
      await putIf(put.doc, {
        TableName: "t",
        Item: { ...KEY, n: 1 },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    ).toEqual({ ok: true, item: { ...KEY, n: 1 } });
    const update = fakeDoc(() => ({ Attributes: { ...KEY, n: 2 } }));
    expect(
      await updateIf(update.doc, {
        TableName: "t",
        Key: KEY,
        UpdateExpression: "SET n = :n",
        ConditionExpression: "n = :one",
      }),
    ).toEqual({ ok: true, item: { ...KEY, n: 2 } });
    expect(update.sent[0]).toMatchObject({ ReturnValues: "ALL_NEW" });
    expect(update.sent[0]).not.toHaveProperty("ReturnValuesOnConditionCheckFailure");
  });

  it("a failed condition is { ok: false }, with the current item unmarshalled only when asked for", async () => {
    const f = fakeDoc(() => {
      throw conditionFailed({ PK: { S: "TENANT#a" }, SK: { S: "X" }, version: { N: "4" } });
    });
    const input = { TableName: "t", Item: KEY, ConditionExpression: "version = :v" };
    expect(await putIf(f.doc, input)).toEqual({ ok: false, reason: "condition" });
    expect(await putIf(f.doc, input, { current: true })).toEqual({
      ok: false,
      reason: "condition",
      current: { ...KEY, version: 4 },
    });
    expect(f.sent[1]).toMatchObject({ ReturnValuesOnConditionCheckFailure: "ALL_OLD" });
    // A failed condition on an absent item brings nothing back.
    const absent = fakeDoc(() => {
      throw conditionFailed();
    });
    expect(
      await deleteIf(
        absent.doc,
        { TableName: "t", Key: KEY, ConditionExpression: "#o = :o" },
        { current: true },
      ),
    ).toEqual({
      ok: false,
      reason: "condition",
    });
  });

  it("any other error is thrown, not mistaken for a lost race", async () => {
    const throttled = Object.assign(new Error("slow down"), {
      name: "ProvisionedThroughputExceededException",
    });
    const f = fakeDoc(() => {
      throw throttled;
    });
    await expect(
      putIf(f.doc, { TableName: "t", Item: KEY, ConditionExpression: "attribute_not_exists(PK)" }),
    ).rejects.toBe(throttled);
  });

  it("unchangedSince: the prior value of one attribute, or no item yet", () => {
    expect(unchangedSince("rev", undefined)).toEqual({ ConditionExpression: "attribute_not_exists(PK)" });
    expect(unchangedSince("rev", 0)).toEqual({
      ConditionExpression: "#prior = :prior",
      ExpressionAttributeNames: { "#prior": "rev" },
      ExpressionAttributeValues: { ":prior": 0 },
    });
  });
});
