import { describe, expect, it } from "vitest";
import { findTargetConnection, nextStepText, readyToMigrateProblems } from "../../lib/migration/migrate.js";
import { describeCounts } from "../../lib/migration/preflight.js";
import type { Connection } from "../../lib/ramp/index.js";

const conn = (over: Partial<Connection> & { id: string }): Connection => ({
  remote_provider_name: "Acme ERP",
  is_active: false,
  status: "unlinked",
  connection_type: "API",
  is_ready_to_migrate: false,
  created_at: "2026-06-01T00:00:00Z",
  ...over,
});
const direct = conn({
  id: "d",
  is_active: true,
  status: "linked",
  connection_type: "DIRECT",
  remote_provider_name: "QBO",
});

describe("ready-to-migrate preconditions", () => {
  it("holds for an inactive API connection beside an active one", () => {
    expect(readyToMigrateProblems([direct, conn({ id: "t" })], "t")).toEqual([]);
  });

  it("explains each failed precondition", () => {
    const problems = readyToMigrateProblems(
      [
        conn({ id: "t", is_active: true, is_ready_to_migrate: true }),
        conn({ id: "o", is_ready_to_migrate: true }),
      ],
      "t",
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/must be an inactive API connection \(it is active/);
    expect(problems[1]).toMatch(/no separate active accounting connection/);
    expect(problems[2]).toMatch(/already marked ready/);
    expect(problems[3]).toMatch(/Another ERP migration is already in progress \(connection o/);
    expect(readyToMigrateProblems([direct], "gone")).toEqual(["Connection gone does not exist in Ramp."]);
  });

  it("finds the connection of an earlier run by provider name, preferring one already marked ready", () => {
    const older = conn({ id: "a", created_at: "2026-05-01T00:00:00Z" });
    const newer = conn({ id: "b", created_at: "2026-06-01T00:00:00Z", remote_provider_name: "acme erp " });
    const other = conn({ id: "c", remote_provider_name: "Other" });
    expect(findTargetConnection([direct, older, newer, other], "Acme ERP")?.id).toBe("b");
    expect(
      findTargetConnection([direct, { ...older, is_ready_to_migrate: true }, newer], "Acme ERP")?.id,
    ).toBe("a");
    expect(findTargetConnection([direct, other], "Acme ERP")).toBeNull();
  });

  it("words the counts and the customer's next step", () => {
    expect(
      describeCounts({ transactions: 3, reimbursements: 0, bills: 1, transfers: 0, cashbacks: 0, total: 4 }),
    ).toBe("3 transactions, 1 bills");
    expect(nextStepText("Acme ERP")).toMatch(/Danger Zone → Switch Providers, pick "Acme ERP"/);
  });
});
