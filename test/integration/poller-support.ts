/**
 * Shared set-up of the poller integration tests: the Ramp sandbox over HTTP,
 * a fresh table on DynamoDB Local, and fauxqs queues reached with the real SQS
 * client; plus the ground truth of what is ready, read straight from the
 * sandbox through the Ramp client's own list methods.
 */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { sendAllOrThrow, sendKeepingRefusals } from "../../lib/aws/sqs.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { Kind } from "../../lib/domain/kinds.js";
import type { PollJobDeps } from "../../lib/poll/run-job.js";
import type { Backlog } from "../../lib/poll/work.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { billPhases } from "../../lib/sync/bill-phases.js";
import { parseWorkMessage, type WorkMessage } from "../../lib/sync/work-message.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

// The SDK's Node 20 notice would otherwise be printed once per test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface PollerWorld {
  r: SandboxRamp;
  store: Store;
  tableName: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  sqs: SQSClient;
  queues: { work: string; priority: string; jobs: string };
  tenant: TenantConfig;
  entityIds: string[];
  backlogs: Array<{ tenantId: string; backlog: Backlog }>;
  /** Runner deps wired to the real parts; override per test. */
  deps(over?: Partial<PollJobDeps>): PollJobDeps;
  /** Every message on a queue (received and deleted), bodies parsed. */
  drain(queueUrl: string): Promise<string[]>;
  drainWork(queueUrl?: string): Promise<WorkMessage[]>;
  close(): Promise<void>;
}

const defaults = (k: string) => ({
  cardLiability: `${k}:2100`,
  accountsPayable: `${k}:2000`,
  bank: `${k}:1000`,
  reimbursementsPayable: `${k}:2200`,
  cashbackIncome: `${k}:4900`,
  defaultExpense: `${k}:6000`,
});

export async function pollerWorld(counts: Record<string, number> = {}): Promise<PollerWorld> {
  const r = await sandboxRamp({
    transactions: 30,
    reimbursements: 10,
    bills: 14,
    transfers: 5,
    cashbacks: 5,
    vendorCredits: 3,
    entities: 2,
    ...counts,
  });
  const { doc, tableName, endpoint } = await freshTable("poll");
  const store = createStore({ doc, tableName });
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: fauxqs.address, useQueueUrlAsEndpoint: false });
  const make = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const queues = {
    work: await make("work"),
    priority: await make("priority"),
    jobs: await make("poll-jobs"),
  };
  const entityIds: string[] = [];
  for await (const e of r.client.listEntities()) entityIds.push(e.id);
  const tenant = parseTenantConfig({
    tenantId: "t-poll",
    displayName: "Poll Co",
    ramp: { remoteProviderName: "Journal" },
    erp: { kind: "journal", path: "books.journal" },
    companies: [
      { key: "us", erpCompanyId: "US", currency: "USD", defaults: defaults("us") },
      { key: "eu", erpCompanyId: "EU", currency: "EUR", defaults: defaults("eu") },
    ],
    entities: entityIds.map((id, i) => ({ rampEntityId: id, companyKey: i === 0 ? "us" : "eu" })),
    objectTypes: { vendorCredits: true },
  });
  const backlogs: PollerWorld["backlogs"] = [];

  async function drain(queueUrl: string): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const msgs = res.Messages ?? [];
      if (!msgs.length) return out;
      out.push(...msgs.map((m) => m.Body as string));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
  }

  return {
    r,
    store,
    tableName,
    dynamoEndpoint: endpoint,
    sqsEndpoint: fauxqs.address,
    sqs,
    queues,
    tenant,
    entityIds,
    backlogs,
    deps: (over = {}) => ({
      ramp: r.client,
      store,
      sendWork: async (q, messages) =>
        (await sendKeepingRefusals(sqs, q === "work" ? queues.work : queues.priority, messages)).refused,
      sendJob: async (job) => {
        await sendAllOrThrow(sqs, queues.jobs, [{ id: "c", body: JSON.stringify(job) }]);
      },
      emitBacklog: (tenantId, backlog) => backlogs.push({ tenantId, backlog }),
      clock: Date.now,
      timeLeftMs: () => 900_000,
      reserveMs: 30_000,
      ...over,
    }),
    drain,
    async drainWork(queueUrl = queues.work) {
      return (await drain(queueUrl)).map((b) => {
        const p = parseWorkMessage(b);
        if (!p.ok) throw new Error(`bad work message: ${p.error}`);
        return p.message;
      });
    },
    async close() {
      await r.close();
      await fauxqs.stop();
      sqs.destroy();
    },
  };
}

export interface Expected {
  kind: Kind;
  rampId: string;
  entityId: string;
}

/** What every enabled listing holds ready right now, per entity, straight from the sandbox. */
export async function readyInSandbox(w: PollerWorld): Promise<Expected[]> {
  const c = w.r.client;
  const out: Expected[] = [];
  for (const entityId of w.entityIds) {
    const push = (kind: Kind, rampId: string) => out.push({ kind, rampId, entityId });
    for await (const b of c.listBills({ entityId, syncReady: true }))
      for (const k of billPhases(b)) push(k, b.id);
    for await (const t of c.listTransactions({ entityId, syncStatus: "SYNC_READY" }))
      push("transaction", t.id);
    for await (const x of c.listReimbursements({ entityId, syncStatus: "SYNC_READY" }))
      push("reimbursement", x.id);
    for await (const x of c.listTransfers({ entityId, syncStatus: "SYNC_READY" })) push("transfer", x.id);
    for await (const x of c.listCashbacks({ entityId, syncStatus: "SYNC_READY" })) push("cashback", x.id);
    // The poller lists fully used credits too (lib/ramp/resume.ts); Ramp leaves them out by default.
    for await (const x of c.listVendorCredits({ entityId, extra: { include_fully_used: true } }))
      push("vendor_credit", x.id);
  }
  return out;
}

export const keyOf = (m: { kind: string; rampId: string }) => `${m.kind}:${m.rampId}`;
export const sortedKeys = (ms: ReadonlyArray<{ kind: string; rampId: string }>) => ms.map(keyOf).sort();
