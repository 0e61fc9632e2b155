/**
 * Two local stacks in one process (local/runtime/stack.ts): each built from the
 * deployment manifest with its own table, queues, Secrets Manager, metrics and
 * environment, and nothing shared through process.env. Each serves only its own
 * tenant, end to end over the real wire: coa-push into its own Ramp business,
 * the poll schedule, the queues drained by its own mappings, its webhook route.
 * The running queues carry the plan's settings (the plan itself is compared
 * with the CDK template in test/unit/manifest-parity.test.ts).
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MANIFEST, withFunction } from "../../infra/functions.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

let r: SandboxRamp;
const stacks: Record<"alpha" | "beta", LocalStack> = {} as never;

beforeAll(async () => {
  r = await sandboxRamp({ transactions: 6, readyShare: 0.5 });
  const second = await r.control<{ client_id: string; client_secret: string }>("POST", "/businesses", {
    seed: 5,
    transactions: 6,
  });
  const creds = {
    alpha: { client_id: r.sb.clientId, client_secret: r.sb.clientSecret },
    beta: second,
  };
  for (const [tenantId, scale] of [
    ["alpha", 0.1],
    ["beta", 0.2],
  ] as const) {
    // Each stack's own journal root: a per-stack environment, not a process-wide one.
    const root = await mkdtemp(join(tmpdir(), `stack-${tenantId}-`));
    await mkdir(join(root, tenantId));
    await createDemoJournal(join(root, tenantId, "books.journal"));
    const stack = await startLocalStack({
      dynamoEndpoint: inject("dynamoEndpoint"),
      timeScale: scale,
      env: { JOURNAL_ROOT: root },
    });
    stacks[tenantId] = stack;
    stack.seedSecret(`ramp-erp-sync/${tenantId}/ramp`, {
      client_id: creds[tenantId].client_id,
      client_secret: creds[tenantId].client_secret,
    });
    await stack.saveTenant({
      tenantId,
      displayName: tenantId,
      version: 0,
      ramp: { baseUrl: r.sb.url, remoteProviderName: `Journal ${tenantId}` },
      erp: { kind: "journal", path: "books.journal" },
      companies: demoCompanies(),
    });
  }
});
afterAll(async () => {
  await Promise.all(Object.values(stacks).map((s) => s.stop()));
  await r?.close();
});

describe("two local stacks in one process", () => {
  it("each pushes, polls and syncs only its own tenant, with its own queues and metrics", async () => {
    const { alpha, beta } = stacks;
    expect(alpha.tableName).not.toBe(beta.tableName);
    expect(alpha.queues.work.url).not.toBe(beta.queues.work.url);

    const [pa, pb] = await Promise.all([alpha.coaPush("alpha"), beta.coaPush("beta")]);
    expect(pa.writeCalls).toBeGreaterThan(0);
    expect(pb.writeCalls).toBeGreaterThan(0);
    expect((await alpha.store.tenants.get("alpha"))?.ramp.connectionId).toBeTruthy();
    expect(await alpha.store.tenants.get("beta")).toBeUndefined();
    expect(await beta.store.tenants.get("alpha")).toBeUndefined();

    expect((await alpha.pollSchedule()).dispatched).toEqual(["alpha"]);
    expect((await beta.pollSchedule()).dispatched).toEqual(["beta"]);
    const [da, db] = await Promise.all([
      alpha.drain({ timeoutMs: 120_000 }),
      beta.drain({ timeoutMs: 120_000 }),
    ]);
    expect(da.pollJobs.invocations).toBeGreaterThan(0);
    expect(db.pollJobs.invocations).toBeGreaterThan(0);
    expect(da.work.received).toBeGreaterThan(0);
    expect(db.work.received).toBeGreaterThan(0);

    // Each stack's metrics name its own tenant only (the backlog EMF of its own poll job).
    const tenantsIn = (s: LocalStack) =>
      new Set(s.metrics.values("SyncReadyBacklog").map((v) => v.dimensions.tenantId));
    expect(tenantsIn(alpha)).toEqual(new Set(["alpha"]));
    expect(tenantsIn(beta)).toEqual(new Set(["beta"]));
    for (const s of [alpha, beta]) {
      const d = await s.depths();
      for (const [name, depth] of Object.entries(d))
        expect({ name, total: depth.total }).toEqual({ name, total: 0 });
    }
  });

  it("each serves the webhook route for its own tenants only", async () => {
    const post = (s: LocalStack, tenant: string) =>
      fetch(`${s.webhookUrl}/webhooks/${tenant}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "forged", type: "transactions.ready_to_sync" }),
      });
    // Unknown to alpha's stack; known to beta's, but unsigned.
    expect((await post(stacks.alpha, "beta")).status).toBe(404);
    expect((await post(stacks.beta, "beta")).status).toBe(401);
    // Only POST is routed.
    expect((await fetch(`${stacks.beta.webhookUrl}/webhooks/beta`)).status).toBe(404);
  });

  it("the running queues carry the plan's visibility and receive counts, scaled per stack", async () => {
    for (const s of Object.values(stacks)) {
      const client = s.sqs.client();
      for (const q of Object.values(s.plan.queues)) {
        const url = s.queues[q.name].url;
        const got = await client.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ["VisibilityTimeout", "RedrivePolicy"],
          }),
        );
        expect(Number(got.Attributes?.VisibilityTimeout)).toBe(q.visibilityTimeoutS);
        expect(JSON.parse(got.Attributes?.RedrivePolicy ?? "{}").maxReceiveCount).toBe(q.maxReceiveCount);
      }
    }
    expect(stacks.alpha.plan.functions.syncer.timeoutMs).toBe(30_000);
    expect(stacks.beta.plan.functions.syncer.timeoutMs).toBe(60_000);
    expect(stacks.alpha.plan.queues.work.visibilityTimeoutS).toBe(180);
  });

  it("a timeout changed in the manifest reaches the running stack: one past its queue's visibility is refused, as AWS refuses the mapping", async () => {
    const longer = withFunction(MANIFEST, "syncer", { timeoutS: 1_200 });
    const ok = await startLocalStack({ dynamoEndpoint: inject("dynamoEndpoint"), manifest: longer });
    try {
      expect(ok.plan.functions.syncer.timeoutMs).toBe(240_000);
    } finally {
      await ok.stop();
    }
    // 2,000 s × 0.2 = 400 s of function time against 1,800 s × 0.2 = 360 s of work-queue visibility.
    const tooLong = withFunction(MANIFEST, "syncer", { timeoutS: 2_000 });
    await expect(
      startLocalStack({ dynamoEndpoint: inject("dynamoEndpoint"), manifest: tooLong }),
    ).rejects.toThrow(/visibility timeout .* less than the function timeout/);
  });
});
