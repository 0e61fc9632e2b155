/**
 * `ops dlq list | redrive` on a whole local stack (local/runtime/stack.ts),
 * through `runOps` on the stack as an ops target (`opsTarget()`), with the
 * real syncer consuming the work queue:
 *
 * - a poison body (not a work message) and a valid work message whose tenant's
 *   books cannot be read both land in the work DLQ after maxReceiveCount — the
 *   message id survives the move, so `dlq list --json` shows each with the
 *   error the syncer recorded for it;
 * - `dlq redrive --dry-run` moves nothing (depths unchanged) and says how many
 *   it would move;
 * - once the books are back, `dlq redrive` empties the DLQ: the fixable message
 *   is synced, the poison one fails again and returns with a fresh record;
 * - a target without DLQ URLs is refused (exit 2) with a hint.
 */
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MANIFEST, withFunction } from "../../infra/functions.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { contextOnTarget } from "../../ops/context.js";
import type { ListedQueue } from "../../ops/dlq-commands.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANT = "acme";
let r: SandboxRamp;
let stack: LocalStack;
let journal: string;

// Two deliveries before the DLQ, 3 s apart (a 30 s syncer and visibility at the 0.1 scale): seconds, not
// minutes. The scale stays at 0.1 so coa-push keeps more than its 30 s safety margin.
const manifest = {
  ...withFunction(MANIFEST, "syncer", { timeoutS: 30 }),
  queues: {
    ...MANIFEST.queues,
    work: { ...MANIFEST.queues.work, visibilityTimeoutS: 30, maxReceiveCount: 2 },
  },
};

beforeAll(async () => {
  r = await sandboxRamp({ transactions: 4, readyShare: 1 });
  const root = await mkdtemp(join(tmpdir(), "ops-dlq-"));
  await mkdir(join(root, TENANT));
  journal = join(root, TENANT, "books.journal");
  await createDemoJournal(journal);
  stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    timeScale: 0.1,
    manifest,
    env: { JOURNAL_ROOT: root },
  });
  stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
    client_id: r.sb.clientId,
    client_secret: r.sb.clientSecret,
  });
  // The sandbox's USD and EUR entities → the demo journal's two companies, as syncer-harness.ts links them.
  const entities = await r.control<Array<{ id: string; currency: string }>>("GET", "/entities");
  const link = (currency: string, companyKey: string) =>
    entities.filter((e) => e.currency === currency).map((e) => ({ rampEntityId: e.id, companyKey }));
  const links = [...link("USD", "demo").slice(0, 1), ...link("EUR", "demo-eu").slice(0, 1)];
  await stack.saveTenant({
    tenantId: TENANT,
    displayName: "Acme",
    version: 0,
    ramp: { baseUrl: r.sb.url, remoteProviderName: "Journal" },
    erp: { kind: "journal", path: "books.journal" },
    companies: demoCompanies(),
    entities: links,
    coa: { pushTax: false },
  });
  expect((await stack.coaPush(TENANT)).writeCalls).toBeGreaterThan(0);
  // Code the ready objects against the pushed chart, so a synced transaction posts.
  await r.control("POST", "/code", {
    seed: 5,
    vendorless_share: 0,
    entity_remote_ids: Object.fromEntries(links.map((l) => [l.rampEntityId, l.companyKey])),
  });
});
afterAll(async () => {
  await stack?.stop();
  await r?.close();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** One ops command on the stack, as an operator would run it with `--local`. */
async function ops(argv: string[], target = stack.opsTarget()) {
  const c = capture();
  const ctx = contextOnTarget(() => OpsTargetSchema.parse(target), silentLogger);
  try {
    const code = await runOps(argv, ctx, c.io);
    return { code, ...c, json: () => JSON.parse(c.out[0] as string) };
  } finally {
    ctx.close();
  }
}

const workDepths = async () => {
  const d = await stack.depths();
  return { work: d.work?.total, dlq: d["work-dlq"]?.total };
};

describe("ops dlq on the local stack", () => {
  it("lists poison messages with their recorded errors, dry-runs, and redrives them back to the syncer", async () => {
    const [txn] = await (async () => {
      const ids: string[] = [];
      for await (const t of r.client.listTransactions({ syncStatus: "SYNC_READY" })) ids.push(t.id);
      return ids;
    })();
    expect(txn).toBeTruthy();
    const good = JSON.stringify({
      v: 1,
      tenantId: TENANT,
      kind: "transaction",
      rampId: txn,
      source: "poll",
      enqueuedAt: new Date().toISOString(),
    });
    const poison = '{"v":1,"tenantId":"acme","kind":"invoice"';

    // The books go missing: every delivery of the good message fails (retried), as does the poison one.
    const books = await readFile(journal, "utf8");
    await rename(journal, `${journal}.away`);
    // A directory where the file was: reading the books fails (EISDIR) until it is put back.
    await mkdir(journal);
    const client = stack.sqs.client();
    const sent: Record<string, string> = {};
    for (const [name, body] of [
      ["good", good],
      ["poison", poison],
    ] as const) {
      const res = await client.send(
        new SendMessageCommand({ QueueUrl: stack.queues.work.url, MessageBody: body }),
      );
      sent[name] = res.MessageId as string;
    }
    await stack.drain({ timeoutMs: 60_000 });
    expect(await stack.store.ledger.get(TENANT, "transaction", txn as string)).toBeUndefined();
    expect(await workDepths()).toEqual({ work: 0, dlq: 2 });

    const listed = await ops(["dlq", "list", "--queue", "work", "--json"]);
    expect(listed.code).toBe(0);
    const [work] = listed.json().queues as ListedQueue[];
    expect(work).toMatchObject({ queue: "work", depth: 2, dlqUrl: stack.queues.work.dlq?.url });
    const byId = new Map(work?.messages.map((m) => [m.messageId, m]));
    // The ids the messages were sent with: SQS (and fauxqs) keep them on the move to the DLQ.
    expect([...byId.keys()].sort()).toEqual([sent.good, sent.poison].sort());
    const g = byId.get(sent.good as string);
    expect(g?.body).toEqual({ type: "work", tenantId: TENANT, kind: "transaction", rampId: txn });
    expect(g?.lastError?.error).toMatch(/^RecordNotDone: retry later: tenant runtime unavailable/);
    expect(g?.lastError?.functionName).toBe("syncer");
    expect(g?.receiveCount).toBeGreaterThanOrEqual(3);
    expect(g?.ageSeconds).toBeGreaterThanOrEqual(0);
    const p = byId.get(sent.poison as string);
    expect(p?.body.type).toBe("unknown");
    expect(p?.lastError?.error).toMatch(/^RecordNotDone: poison message: work message is not JSON/);
    // Listing hides nothing: both are visible again at once.
    expect((await stack.depths())["work-dlq"]).toMatchObject({ visible: 2, inFlight: 0 });

    const readable = await ops(["dlq", "list"]);
    expect(readable.out[0]).toBe("work DLQ: 2 messages");
    expect(readable.out.join("\n")).toContain(`work ${TENANT}/transaction/${txn}`);
    expect(readable.out.some((l) => l.startsWith("pollJobs DLQ: 0 messages"))).toBe(true);

    const dry = await ops(["dlq", "redrive", "--queue", "work", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(dry.json()).toEqual({ dryRun: true, queues: [{ queue: "work", wouldMove: 2 }] });
    expect(await workDepths()).toEqual({ work: 0, dlq: 2 });

    // The books are back: the redriven good message syncs; the poison one fails again.
    await rm(journal, { recursive: true });
    await rename(`${journal}.away`, journal);
    expect(await readFile(journal, "utf8")).toBe(books);
    const moved = await ops(["dlq", "redrive", "--queue", "work", "--json"]);
    expect(moved.code).toBe(0);
    expect(moved.json()).toEqual({ queues: [{ queue: "work", moved: 2, failed: 0 }] });
    await stack.drain({ timeoutMs: 60_000 });

    const item = await stack.store.ledger.get(TENANT, "transaction", txn as string);
    expect(item?.state).toMatch(/^(POSTED|REPORTING|MARKED)$/);
    expect(await readFile(journal, "utf8")).toContain(txn);
    const again = (await ops(["dlq", "list", "--queue", "work", "--json"])).json().queues[0] as ListedQueue;
    expect(again.messages.map((m) => m.body.type)).toEqual(["unknown"]);
    expect(again.messages[0]?.messageId).not.toBe(sent.poison);
    expect(again.messages[0]?.lastError?.error).toMatch(/poison message/);
  }, 120_000);

  it("refuses (exit 2, with a hint) a target that names no DLQ for the queue", async () => {
    const t = stack.opsTarget();
    const noDlq = { ...t, queues: { work: { url: stack.queues.work.url } } };
    const res = await ops(["dlq", "redrive", "--queue", "work"], noDlq);
    expect(res.code).toBe(2);
    expect(res.err[0]).toMatch(/names no DLQ for the work queue/);
    expect(res.err[1]).toMatch(/^hint: /);
    expect((await ops(["dlq", "list", "--queue", "nope"])).code).toBe(64);
  });
});
