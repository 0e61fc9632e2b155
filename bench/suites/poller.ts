/**
 * One tenant's poll at scale over real wires: the Ramp sandbox over HTTP (two
 * entities, thousands of ready objects), DynamoDB Local for ledger and cursors,
 * fauxqs for the work queue. Reports wall time and calls per object for a
 * first poll (everything enqueued) and a second one right after, when the
 * ledger shows every object in flight (everything skipped). Ramp pages are
 * held against the list part of the floor (bench/floor.ts), per listing and entity.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { sendAllOrThrow } from "../../lib/aws/sqs.js";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import type { Kind } from "../../lib/domain/kinds.js";
import { pollJob } from "../../lib/poll/job.js";
import { enabledSources } from "../../lib/poll/plan.js";
import { runPollJob } from "../../lib/poll/run-job.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { createTable } from "../../lib/store/create-tables.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createStore } from "../../lib/store/index.js";
import { MAIN_TABLE } from "../../lib/store/table.js";
import { parseWorkMessage } from "../../lib/sync/work-message.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";
import { readyCounts } from "../drain/ready-counts.js";
import { figureMaker } from "../figure.js";
import { rampFloor } from "../floor.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const AWS = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
const fig = figureMaker("poller");
const FULL = {
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

/** Quick: a tenth of each count (~390 objects), the same mix: pages and calls per object hold. */
const countsFor = (quick: boolean) =>
  Object.fromEntries(
    Object.entries(FULL).map(([k, v]) => [k, quick ? Math.round(v / 10) : v]),
  ) as typeof FULL;

export default async function poller(ctx: BenchContext): Promise<SuiteOutput> {
  const COUNTS = countsFor(ctx.quick);
  // One DynamoDB Local serves every suite: a table of our own.
  const table = `bench-poller-${randomUUID().slice(0, 8)}`;
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const sb = await startSandbox({ port: 0, seed: 5, log: () => {}, entities: 2, ...COUNTS });
  try {
    const raw = new DynamoDBClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
    await createTable(raw, table, MAIN_TABLE);
    raw.destroy();
    const doc = createDocumentClient({ ...AWS, endpoint: ctx.dynamoEndpoint });
    let dynamoCalls = 0;
    const send = doc.send.bind(doc);
    doc.send = ((cmd: Parameters<typeof send>[0]) => {
      dynamoCalls++;
      return send(cmd);
    }) as typeof doc.send;
    const store = createStore({ doc, tableName: table });
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

    const biz = sb.state.businesses.get(sb.businessId);
    if (!biz) throw new Error("the sandbox has no business");
    // The poll lists, never reports: the list part of the floor is its floor.
    const floor = rampFloor(readyCounts(biz, enabledSources(tenant), entityIds), {});
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
    const note = `${objects} ready objects over 6 listings × 2 entities`;
    const figures = [
      fig("first.rate", "first poll (all enqueued): rate", objects / first.seconds, "objects/s", { note }),
      fig("first.pages", "first poll: Ramp pages", first.pages, "calls", { floor: floor.list }),
      fig(
        "first.dynamodb-per-object",
        "first poll: DynamoDB calls/object",
        first.dynamoCalls / objects,
        "calls",
      ),
      fig("first.sqs-per-object", "first poll: SQS calls/object", first.sqsCalls / objects, "calls", {
        floor: Math.ceil(objects / 10) / objects,
        note: "SendMessageBatch carries 10",
      }),
      fig("second.rate", "second poll (all in flight): rate", second.skipped / second.seconds, "objects/s"),
    ];
    const detail = {
      counts: COUNTS,
      floorPages: floor.list,
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
    return { figures, detail };
  } finally {
    await sb.close();
    await fauxqs.stop();
  }
}
