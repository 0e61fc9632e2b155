/**
 * The on-call walk (README "Operations") run as an operator would, every command
 * through the CLI's own entry (`runOps`, --json) against a whole local stack:
 * DynamoDB Local, the SQS emulator with DLQs, the Ramp sandbox over HTTP and the
 * journal ERP. A drain leaves known failures (an account made inactive in the
 * journal); the operator fixes the cause and retries; `--dry-run` changes
 * nothing anywhere (table, queues, sandbox, journal).
 */
import { readFile } from "node:fs/promises";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import type { LocalStack } from "../../local/runtime/stack.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";
import {
  codeSpend,
  deactivateAccount,
  demoEntityLinks,
  opsOn,
  reactivateAccount,
  startJournalStack,
} from "../support/journal-stack.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANT = "acme";
let r: SandboxRamp;
let stack: LocalStack;
let journal: string;

const ops = (...argv: string[]) => opsOn(stack, ...argv);

/** Everything an operator command could change: table, queues, Ramp's side, the journal. */
async function world() {
  const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: inject("dynamoEndpoint") });
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: stack.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const sortKey = (i: unknown) => JSON.stringify(i);
  return {
    table: items.map(sortKey).sort(),
    queues: await stack.depths(),
    ramp: await r.control("GET", "/summary"),
    syncs: await r.control("GET", "/syncs"),
    journal: await readFile(journal, "utf8"),
  };
}

/** How many journal entries carry each reference (exactly once = one). */
async function refsInJournal(): Promise<Map<string, number>> {
  const text = await readFile(journal, "utf8");
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/ramp-ref:(ramp:[a-z_]+:[^,\s]+)/g))
    counts.set(m[1] as string, (counts.get(m[1] as string) ?? 0) + 1);
  return counts;
}

beforeAll(async () => {
  r = await sandboxRamp({ transactions: 16, readyShare: 1, entities: 2, currencies: ["USD", "EUR"] });
  const links = await demoEntityLinks(r);
  // Tax codes are not entity-scoped in the sandbox coding; the test keeps to GL, vendors and dimensions.
  ({ stack, journal } = await startJournalStack(r, {
    tenantId: TENANT,
    prefix: "ops-stack",
    tenant: { entities: links, coa: { pushTax: false } },
  }));
  await codeSpend(r, links);
  // The known failure: Meals goes inactive in the ERP after the spend was coded to it.
  await deactivateAccount(journal);
  await stack.pollSchedule();
  await stack.drain({ timeoutMs: 120_000 });
  await stack.sweep();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await r?.close();
});

describe("ops on a drained local stack", () => {
  let failedIds: string[] = [];

  it("the drain left known failures: objects coded to the inactive account", async () => {
    const ledger = stack.store.ledger;
    const page = await ledger.listBucket({
      tenantId: TENANT,
      bucket: "FAILED_TOLD",
      stream: "TRANSACTION_SYNC",
      limit: 100,
    });
    failedIds = page.items.map((i) => i.rampId).sort();
    expect(failedIds.length).toBeGreaterThan(0);
    for (const i of page.items)
      expect(i.message).toMatch(/^Account "demo:Expenses:Meals" \(6100\) is inactive/);
  });

  it("--dry-run changes nothing: retry, sync-now, mark-synced", async () => {
    const before = await world();
    const retry = await ops("retry", "--tenant", TENANT, "--failed", "--dry-run", "--json");
    expect(retry.code).toBe(0);
    expect(retry.json).toMatchObject({ tenantId: TENANT, dryRun: true });
    expect(retry.json.outcomes.map((o: { rampId: string }) => o.rampId).sort()).toEqual(failedIds);
    expect(new Set(retry.json.outcomes.map((o: { outcome: string }) => o.outcome))).toEqual(
      new Set(["would-queue"]),
    );
    const now = await ops("sync-now", "--tenant", TENANT, "--kind", "transaction", "--dry-run", "--json");
    expect(now.json).toMatchObject({
      dryRun: true,
      sent: false,
      job: { type: "poll", tenantId: TENANT, sources: ["transaction"] },
    });
    const mark = await ops(
      "mark-synced",
      "--tenant",
      TENANT,
      failedIds[0] as string,
      "--erp-id",
      "J-HAND-1",
      "--reason",
      "posted by hand",
      "--dry-run",
      "--json",
    );
    expect(mark.json).toMatchObject({ dryRun: true, outcome: "would-mark", kind: "transaction" });
    expect(await world()).toEqual(before);
  });

  it("mark-synced records an object the operator posted by hand, tells Ramp, and audits who and why", async () => {
    const id = failedIds.at(-1) as string;
    const res = await ops(
      "mark-synced",
      "--tenant",
      TENANT,
      id,
      "--erp-id",
      "J-HAND-1",
      "--reason",
      "posted by hand (ticket 42)",
      "--json",
    );
    expect(res.code).toBe(0);
    expect(res.json).toEqual({
      tenantId: TENANT,
      dryRun: false,
      kind: "transaction",
      rampId: id,
      outcome: "marked",
      toldRamp: true,
      message: "recorded J-HAND-1; Ramp shows it synced",
    });
    const o = await r.control<{ sync: { status: string; reference_id: string } }>("GET", `/objects/${id}`);
    expect(o.sync).toMatchObject({ status: "SYNCED", reference_id: "J-HAND-1" });
    const row = await stack.store.ledger.get(TENANT, "transaction", id);
    expect(row).toMatchObject({ state: "MARKED", erpRef: "J-HAND-1" });
    expect(row?.history?.find((h) => h.action === "mark-synced")).toMatchObject({
      by: expect.stringMatching(/^ops:/),
      note: "posted by hand (ticket 42)",
      erpRef: "J-HAND-1",
    });
    // Nothing was posted by us for it, and a second mark is refused.
    expect((await refsInJournal()).get(`ramp:transaction:${id}`)).toBeUndefined();
    expect(
      (await ops("mark-synced", "--tenant", TENANT, id, "--erp-id", "J-2", "--reason", "again")).code,
    ).toBe(2);
    failedIds = failedIds.slice(0, -1);
  });

  it("retry of a failed object before its cause is fixed fails again (and says why); after the fix it syncs exactly once", async () => {
    const [first, ...rest] = failedIds as [string, ...string[]];
    const early = await ops("retry", "--tenant", TENANT, first, "--reason", "trying", "--json");
    expect(early.json.outcomes).toEqual([
      { kind: "transaction", rampId: first, outcome: "queued", message: "was FAILED" },
    ]);
    await stack.drain({ timeoutMs: 60_000 });
    const still = await stack.store.ledger.get(TENANT, "transaction", first);
    expect(still).toMatchObject({ state: "FAILED" });
    expect(still?.history?.filter((h) => h.action === "retry")).toMatchObject([
      { by: expect.stringMatching(/^ops:/), note: "trying" },
    ]);

    // The fix: Meals is active again in the ERP. Then every failed object is retried.
    await reactivateAccount(journal);
    const again = await ops(
      "retry",
      "--tenant",
      TENANT,
      "--failed",
      "--reason",
      "Meals reactivated",
      "--json",
    );
    expect(again.code).toBe(0);
    expect(again.json.outcomes.map((o: { rampId: string }) => o.rampId).sort()).toEqual(
      [first, ...rest].sort(),
    );
    await stack.drain({ timeoutMs: 60_000 });
    await stack.sweep();
    const refs = await refsInJournal();
    for (const id of failedIds) {
      expect({ id, entries: refs.get(`ramp:transaction:${id}`) }).toEqual({ id, entries: 1 });
      expect((await stack.store.ledger.get(TENANT, "transaction", id))?.state).toBe("MARKED");
      const o = await r.control<{ sync: { status: string } }>("GET", `/objects/${id}`);
      expect(o.sync.status).toBe("SYNCED");
    }
    // Retrying a synced object is refused with the reason (exit 2), and queues nothing.
    const done = await ops("retry", "--tenant", TENANT, first, "--json");
    expect(done.code).toBe(2);
    expect(done.json.outcomes).toEqual([
      { kind: "transaction", rampId: first, outcome: "refused", message: "is synced; nothing to retry" },
    ]);
  });

  it("sync-now queues a poll job that the stack runs", async () => {
    const res = await ops("sync-now", "--tenant", TENANT, "--json");
    expect(res.json).toMatchObject({ sent: true, job: { type: "poll", tenantId: TENANT } });
    expect((await stack.depths())[stack.queues.pollJobs.name]?.total).toBe(1);
    const d = await stack.drain({ timeoutMs: 60_000 });
    expect(d.pollJobs.invocations).toBeGreaterThan(0);
  });

  it("an unknown tenant is refused with a hint (exit 2)", async () => {
    const res = await ops("retry", "--tenant", "nobody", "x1");
    expect(res.code).toBe(2);
    expect(res.err).toEqual(["unknown tenant nobody", "hint: ramp-erp-sync tenants list"]);
  });
});
