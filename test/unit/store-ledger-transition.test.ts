/**
 * The ledger's read → decide → conditional write loop against a fake document
 * client whose every write loses the race (someone else moves the row first):
 * `decide` sees each fresh read, and after the allowed races the loop answers
 * the caller's way, or throws.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { transitionLedgerItem } from "../../lib/store/ledger.js";
import { type LedgerItem, toLedgerRecord } from "../../lib/store/ledger-item.js";

const row = (rev: number): LedgerItem => ({
  tenantId: "acme",
  kind: "bill",
  rampId: "b1",
  state: "POSTED",
  rev,
  attempts: 0,
  told: false,
  erpRef: "erp-1",
  fingerprint: "f",
  createdAt: 1,
  updatedAt: 2,
});

/** Every read sees a newer revision; every write is refused. */
function losingDoc() {
  let reads = 0;
  const puts: Array<Record<string, unknown>> = [];
  const doc = {
    send: async (cmd: unknown) => {
      if (cmd instanceof GetCommand) return { Item: toLedgerRecord(row(reads++)) };
      if (cmd instanceof PutCommand) {
        puts.push(cmd.input as Record<string, unknown>);
        throw new ConditionalCheckFailedException({ message: "lost", $metadata: {} });
      }
      throw new Error("unexpected command");
    },
  };
  return { deps: { doc: doc as never, tableName: "t" }, puts };
}

const bump = (item: LedgerItem | undefined) =>
  item ? { next: { ...item, rev: item.rev + 1 }, result: () => "written" } : { result: "absent" };

describe("transitionLedgerItem", () => {
  it("re-reads after each lost race, each write conditional on the revision it read, then answers as told", async () => {
    const f = losingDoc();
    const out = await transitionLedgerItem(f.deps, "acme", "bill", "b1", bump, {
      max: 3,
      exhausted: () => "gave up",
    });
    expect(out).toBe("gave up");
    expect(f.puts.map((p) => (p.ExpressionAttributeValues as Record<string, unknown>)[":prior"])).toEqual([
      0, 1, 2,
    ]);
  });

  it("throws after the default number of lost races when no answer is given", async () => {
    const f = losingDoc();
    await expect(transitionLedgerItem(f.deps, "acme", "bill", "b1", bump)).rejects.toThrow(
      "ledger acme/bill/b1: lost 8 races in a row",
    );
    expect(f.puts).toHaveLength(8);
  });
});
