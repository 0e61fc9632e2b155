/**
 * The deadline job's write killed mid-way: a child process runs the real button-job Lambda
 * (test/e2e/support/deadline-child.ts) on a request whose rows were never synced, freezes
 * at a point inside the job (after the attachments, after a tell call, before the close)
 * and is SIGKILLed; a second child runs the redelivered job to the end. Over DynamoDB
 * Local, the Ramp sandbox over HTTP and the Secrets Manager stand-in (a local stack's).
 *
 * Holds at every point: every row is told under the request exactly once in Ramp's accepted
 * calls (a replayed call has the same content, hence the same key: "already applied"), none
 * is left PENDING for Ramp to auto-fail, and the request is closed once.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWorld, TENANT, type World } from "../../bench/drain/world.js";
import { buttonTimes } from "../../lib/domain/button-window.js";
import { DEADLINE_CRASH_POINTS } from "../../lib/poll/button-deadline.js";
import { buttonDeadlineJob, buttonJob } from "../../lib/poll/job.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { buttonRequestSk, tenantPk } from "../../lib/store/keys.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";
import { buildChild, runChild, stackEnv } from "./support/lambda-child.js";

let world: World;
let stack: LocalStack;
let childFile: string;
const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: inject("dynamoEndpoint") });

beforeAll(async () => {
  world = await startWorld({ transactions: 40 }, 5, { config: { syncRequestTimeoutMs: 600_000 } });
  stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    env: { LOG_LEVEL: "SILENT", JOURNAL_ROOT: world.root },
    concurrency: 1,
  });
  stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
    client_id: world.sb.clientId,
    client_secret: world.sb.clientSecret,
  });
  await stack.saveTenant({
    ...world.tenant,
    ramp: { ...world.tenant.ramp, settings: { ...world.tenant.ramp.settings, transactionSyncButton: true } },
    version: 0,
  });
  await stack.coaPush(TENANT);
  childFile = await buildChild("./deadline-child.ts");
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await world?.close();
});

function childEnv(): Record<string, string> {
  return {
    ...stackEnv(stack),
    WORK_QUEUE_URL: stack.queues.work.url,
    PRIORITY_QUEUE_URL: stack.queues.priority.url,
    POLL_JOBS_QUEUE_URL: stack.queues.pollJobs.url,
    BUTTON_JOBS_QUEUE_URL: stack.queues.buttonJobs.url,
  };
}

const child = (body: string, arm: string | null) =>
  runChild(childFile, "DEADLINE_CHILD", { env: childEnv(), body, arm });

describe("the deadline job killed inside its write", { timeout: 180_000 }, () => {
  for (const [n, point] of DEADLINE_CRASH_POINTS.entries()) {
    it(`SIGKILL at ${point}, then the redelivered job: every row told once, the request closed once`, async () => {
      const biz = world.sb.state.businesses.get(world.sb.businessId);
      const ids = [...(biz?.transactions.all() ?? [])]
        .filter((t) => t.status === "SYNC_READY")
        .map((t) => t.id);
      const mine = ids.slice(n * 8, n * 8 + 8);
      expect(mine).toHaveLength(8);
      // The click (no webhook subscription here: the request is recorded as the button job would have).
      const req = await world.control<{ sync_request_id: string; total: number }>("POST", "/sync-all", {
        kind: "transaction",
        ids: mine,
      });
      const now = Date.now();
      const job = buttonJob(
        { tenantId: TENANT, kind: "transaction", syncRequestId: req.sync_request_id },
        now,
        buttonTimes(new Date(now - 300_000).toISOString(), now),
      );
      await stack.store.buttonRequests.open({
        tenantId: TENANT,
        syncRequestId: req.sync_request_id,
        kind: "transaction",
        startedAt: now - 300_000,
        deadline: now - 45_000,
        receivedAt: now - 299_000,
      });
      await stack.store.buttonRequests.addRows(
        { tenantId: TENANT, syncRequestId: req.sync_request_id, deadline: now },
        mine.map((rampId) => ({ kind: "transaction" as const, rampId })),
      );
      const body = JSON.stringify(buttonDeadlineJob(job));

      const killed = child(body, point);
      expect(await killed.first).toBe("window");
      killed.proc.kill("SIGKILL");
      await new Promise((r) => killed.proc.on("exit", r));
      // The killed invocation's lease on the request (60 s) would hold the redelivery off: end it here.
      await doc.send(
        new UpdateCommand({
          TableName: stack.tableName,
          Key: { PK: tenantPk(TENANT), SK: buttonRequestSk(req.sync_request_id) },
          UpdateExpression: "SET deadlineLease = :past",
          ExpressionAttributeValues: { ":past": 0 },
        }),
      );
      const again = child(body, null);
      expect(await again.first).toBe("done");

      const view = await world.control<{ pending: number; failed: number; total: number }>(
        "GET",
        `/sync-requests/${req.sync_request_id}`,
      );
      expect(view).toMatchObject({ total: mine.length, pending: 0, failed: mine.length });
      const syncs = await world.control<Array<{ failed: string[]; syncRequestId: string | null }>>(
        "GET",
        "/syncs",
      );
      const told = syncs.filter((s) => s.syncRequestId === req.sync_request_id).flatMap((s) => s.failed);
      expect(told.sort()).toEqual([...mine].sort());
      const header = await stack.store.buttonRequests.get(TENANT, req.sync_request_id);
      expect(header?.outcome).toMatchObject({ rows: mine.length, toldAtDeadline: expect.any(Number) });
    });
  }
});
