/** The DynamoDB repositories held to the store contract lib/sync relies on (the in-memory fakes pass it too). */
import { createStore } from "../../lib/store/index.js";
import { freshTable } from "../support/dynamo-client.js";
import { describeStoreContract } from "../support/store-contract.js";

let table: Promise<Awaited<ReturnType<typeof freshTable>>> | undefined;

describeStoreContract("DynamoDB", async (clock) => {
  table ??= freshTable("contract");
  const { doc, tableName } = await table;
  return createStore({ doc, tableName, clock: () => clock.now });
});
