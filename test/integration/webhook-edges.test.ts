/**
 * Webhook edges against the real store (DynamoDB Local): an event id longer than
 * DynamoDB's 1024-byte sort-key limit is keyed by its hash, so a signed delivery
 * with one is accepted (not a 500 that Ramp retries forever) and its redelivery
 * is a duplicate; a short id keeps the raw key every record stored before the
 * rule has, so those keep deduplicating.
 */
import { createHmac } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import type { PollJob } from "../../lib/poll/job.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { eventSeenSk, tenantPk } from "../../lib/store/keys.js";
import { type ReceiverDeps, receiveDelivery } from "../../lib/webhook/receive.js";
import type { WebhookSecretDoc } from "../../lib/webhook/secret-doc.js";
import { freshTable } from "../support/dynamo-client.js";

const T = "acme-edges";
const SECRET = "whsec-edges-0123456789";
let store: Store;
let db: Awaited<ReturnType<typeof freshTable>>;
const jobs: PollJob[] = [];
let deps: ReceiverDeps;

const tenant = parseTenantConfig({
  tenantId: T,
  displayName: "Acme",
  ramp: { remoteProviderName: "X", webhookSecretId: `ramp-erp-sync/${T}/webhook` },
  erp: { kind: "journal", path: "books.journal" },
  companies: [
    {
      key: "us",
      erpCompanyId: "1",
      currency: "USD",
      defaults: {
        cardLiability: "us:1",
        accountsPayable: "us:2",
        bank: "us:3",
        reimbursementsPayable: "us:4",
        cashbackIncome: "us:5",
        defaultExpense: "us:6",
      },
    },
  ],
});
const doc: WebhookSecretDoc = {
  v: 1,
  businessId: "biz-1",
  secrets: [{ secret: SECRET, subscriptionId: "sub-1", addedAt: null }],
  setupUntil: null,
};

const signed = (body: string) => ({
  tenantId: T,
  rawBody: Buffer.from(body),
  headers: { "x-ramp-signature": createHmac("sha256", SECRET).update(body).digest("hex") },
});
const event = (id: string, type = "transactions.ready_to_sync") =>
  JSON.stringify({
    id,
    type,
    created_at: "2026-06-15T12:00:00Z",
    business_id: "biz-1",
    object: { id: "t1" },
  });

beforeAll(async () => {
  db = await freshTable("webhook-edges");
  store = createStore({ doc: db.doc, tableName: db.tableName });
  deps = {
    tenants: { get: async (id) => (id === T ? tenant : undefined) },
    secrets: { get: async () => doc },
    events: store.webhookEvents,
    challenges: { put: async () => undefined },
    sendPollJob: async (job) => {
      jobs.push(job);
    },
    sendButtonJob: async (job) => {
      jobs.push(job);
    },
    coalesceSeconds: 0,
  };
});

describe("event ids against DynamoDB's key limit", () => {
  it("a signed event with a 2 KB id is enqueued once; its redelivery is a duplicate, not a 500", async () => {
    const longId = `evt-${"x".repeat(2048)}`;
    const first = await receiveDelivery(deps, signed(event(longId)));
    expect(first).toMatchObject({ status: 200, outcome: "enqueued" });
    const again = await receiveDelivery(deps, signed(event(longId)));
    expect(again).toMatchObject({ status: 200, outcome: "duplicate" });
    expect(jobs).toHaveLength(1);
  });

  it("a signed but unhandled event with a 2 KB id is parked (by its hashed key), once", async () => {
    const longId = `evt-${"y".repeat(2048)}`;
    const first = await receiveDelivery(deps, signed(event(longId, "something.new")));
    expect(first).toMatchObject({ status: 200, outcome: "parked" });
    expect(first.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await receiveDelivery(deps, signed(event(longId, "something.new")))).toMatchObject({
      outcome: "duplicate",
    });
    const parked = await store.webhookEvents.listParked(T);
    expect(parked.filter((p) => p.eventId === first.eventId)).toHaveLength(1);
  });

  it("a short id keeps its raw key, so records stored before the rule still deduplicate", async () => {
    const id = "3f0c9a1e-0000-4000-8000-000000000001";
    expect(await receiveDelivery(deps, signed(event(id)))).toMatchObject({ outcome: "enqueued" });
    const row = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { PK: tenantPk(T), SK: eventSeenSk(id) } }),
    );
    expect(row.Item?.type).toBe("event");
    expect(await receiveDelivery(deps, signed(event(id)))).toMatchObject({ outcome: "duplicate" });
  });
});
