/** The in-memory store fakes (test/support/memory-store) held to the store contract the DynamoDB repositories pass. */
import { createMemoryStore } from "../../support/memory-store/index.js";
import { describeStoreContract } from "../../support/store-contract.js";

describeStoreContract("in memory", async (clock) => createMemoryStore(() => clock.now));
