/**
 * One tenant's poll at scale over real wires: the Ramp sandbox over HTTP (two
 * entities, thousands of ready objects), DynamoDB Local for ledger and cursors,
 * fauxqs for the work queue. Reports wall time and calls per object for a
 * first poll (everything enqueued) and a second one right after, when the
 * ledger shows every object in flight (everything skipped).
 */
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { sendAllOrThrow } from "../lib/aws/sqs.js";
import { parseTenantConfig } from "../lib/config/tenant.js";
import type { Kind } from "../lib/domain/kinds.js";
import { pollJob } from "../lib/poll/job.js";
import { runPollJob } from "../lib/poll/run-job.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../lib/ramp/index.js";
import { createTable } from "../lib/store/create-tables.js";
import { createDocumentClient } from "../lib/store/dynamo.js";
import { createStore } from "../lib/store/index.js";
import { MAIN_TABLE } from "../lib/store/table.js";
import { parseWorkMessage } from "../lib/sync/work-message.js";
import { startSandbox } from "../local/ramp-sandbox/server.js";
import { startDynamoLocal } from "../local/runtime/dynamo-local.js";

const AWS = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
const COUNTS = {
  transactions: 3000,
  reimbursements: 500,
  bills: 300,
  transfers: 50,
  cashbacks: 50,
  vendorCredits: 30,
};

const defaults = (k: string) => ({
  cardLiability: `${k}:2100`,
  accountsPayable: `${k}:2000`,
  bank: `${k}:1000`,
  reimbursementsPayable: `${k}:2200`,
  cashbackIncome: `${k}:4900`,
  defaultExpense: `${k}:6000`,
});

export default async function bench() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const dynamo = await startDynamoLocal();
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const sb = await startSandbox({ port: 0, seed: 5, log: () => {}, entities: 2, ...COUNTS });
  try {
    const raw = new DynamoDBClient({ ...AWS, endpoint: dynamo.endpoint });
    await createTable(raw, "bench", MAIN_TABLE);
    raw.destroy();
    const doc = createDocumentClient({ ...AWS, endpoint: dynamo.endpoint });
    let dynamoCalls = 0;
    const send = doc.send.bind(doc);
    doc.send = ((cmd: Parameters<typeof send>[0]) => {
      dynamoCalls++;
      return send(cmd);
    }) as typeof doc.send;
    const store = createStore({ doc, tableName: "bench" });
    const sqs = new SQSClient({ ...AWS, endpoint: fauxqs.address, useQueueUrlAsEndpoint: false });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "work" }))).QueueUrl as string;
    const ramp = createRampClient({
      tenantId: "bench",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
    });
    let rampMs = 0;
    const request = ramp.http.request.bind(ramp.http);
    const timedRamp = {
      ...ramp,
      http: {
        ...ramp.http,
        request: (async (spec: Parameters<typeof request>[0]) => {
          const t0 = performance.now();
          try {
            return await request(spec);
          } finally {
            rampMs += performance.now() - t0;
          }
        }) as typeof request,
      },
    };
    const entityIds: string[] = [];
    for await (const e of ramp.listEntities()) entityIds.push(e.id);
    const tenant = parseTenantConfig({
      tenantId: "bench",
      displayName: "Bench",
      ramp: { remoteProviderName: "Journal" },
      erp: { kind: "journal", path: "books.journal" },
      companies: [
        { key: "us", erpCompanyId: "US", currency: "USD", defaults: defaults("us") },
        { key: "eu", erpCompanyId: "EU", currency: "EUR", defaults: defaults("eu") },
      ],
      entities: entityIds.map((id, i) => ({ rampEntityId: id, companyKey: i === 0 ? "us" : "eu" })),
      objectTypes: { vendorCredits: true },
    });
    let sqsCalls = 0;
    let sqsMs = 0;
    const sent: string[] = [];
    const deps = {
      ramp: timedRamp,
      store,
      sendWork: async (_q: "work" | "priority", messages: { id: string; body: string }[]) => {
        sqsCalls += Math.ceil(messages.length / 10);
        sent.push(...messages.map((m) => m.body));
        const t0 = performance.now();
        await sendAllOrThrow(sqs, queueUrl, messages);
        sqsMs += performance.now() - t0;
        return [];
      },
      sendJob: async () => {},
      emitBacklog: () => {},
      clock: Date.now,
      timeLeftMs: () => 900_000,
      reserveMs: 30_000,
    };

    const measure = async () => {
      dynamoCalls = 0;
      sqsCalls = 0;
      sqsMs = 0;
      rampMs = 0;
      const t0 = performance.now();
      const r = await runPollJob(deps, tenant, pollJob("bench", Date.now()));
      const seconds = (performance.now() - t0) / 1000;
      return {
        seconds,
        sqsSeconds: Math.round(sqsMs) / 1000,
        rampSeconds: Math.round(rampMs) / 1000,
        pages: r.pages,
        enqueued: r.enqueued,
        skipped: r.skipped,
        dynamoCalls,
        sqsCalls,
      };
    };

    const first = await measure();
    const objects = first.enqueued;
    // Every object goes in flight, as if the syncer had claimed it.
    const messages = sent.map((b) => {
      const p = parseWorkMessage(b);
      if (!p.ok) throw new Error(p.error);
      return p.message;
    });
    for (let i = 0; i < messages.length; i += 50) {
      await Promise.all(
        messages.slice(i, i + 50).map((m) =>
          store.ledger.claim({
            tenantId: "bench",
            kind: m.kind as Kind,
            rampId: m.rampId,
            owner: "bench",
            leaseMs: 3_600_000,
            fingerprint: "x",
          }),
        ),
      );
    }
    const second = await measure();
    sqs.destroy();
    doc.destroy();
    const per = (n: number, d: number) => Math.round((n / d) * 1000) / 1000;
    return {
      counts: COUNTS,
      objects,
      firstPoll: {
        ...first,
        objectsPerSecond: Math.round(objects / first.seconds),
        rampPagesPerObject: per(first.pages, objects),
        dynamoCallsPerObject: per(first.dynamoCalls, objects),
        sqsCallsPerObject: per(first.sqsCalls, objects),
      },
      secondPollAllInFlight: {
        ...second,
        objectsPerSecond: Math.round(second.skipped / second.seconds),
      },
    };
  } finally {
    await sb.close();
    await fauxqs.stop();
    await dynamo.stop();
  }
}
