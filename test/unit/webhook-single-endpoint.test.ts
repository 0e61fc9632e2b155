/**
 * The single webhook endpoint (`POST /webhooks`, no tenant in the path) through
 * the handler: the tenant comes from the subscription's header, and only that
 * tenant's secret verifies — a delivery for tenant B signed with tenant A's
 * secret is refused. A missing or unknown header is 401, counted in
 * WebhookDeliveries{outcome=unauthorized} with its reason; no body is parsed
 * before a signature matched.
 */
import { createHmac } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeHandler } from "../../functions/webhook/make-handler.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { PollJob } from "../../lib/poll/job.js";
import type { ReceiverDeps } from "../../lib/webhook/receive.js";
import type { WebhookSecretDoc } from "../../lib/webhook/secret-doc.js";
import { TENANT_HEADER } from "../../lib/webhook/tenant-header.js";
import { testObservability } from "../support/observability.js";

const NOW = Date.UTC(2026, 5, 15, 12);
const defaults = (k: string) => ({
  cardLiability: `${k}:1`,
  accountsPayable: `${k}:2`,
  bank: `${k}:3`,
  reimbursementsPayable: `${k}:4`,
  cashbackIncome: `${k}:5`,
  defaultExpense: `${k}:6`,
});
const tenantOf = (id: string): TenantConfig =>
  parseTenantConfig({
    tenantId: id,
    displayName: id,
    ramp: { webhookSecretId: `ramp-erp-sync/${id}/webhook`, remoteProviderName: "X" },
    erp: { kind: "journal", path: "books.journal" },
    companies: [{ key: "us", erpCompanyId: "1", currency: "USD", defaults: defaults("us") }],
  });
const TENANTS = { "tenant-a": tenantOf("tenant-a"), "tenant-b": tenantOf("tenant-b") };
const SECRETS: Record<string, WebhookSecretDoc> = {
  "ramp-erp-sync/tenant-a/webhook": {
    v: 1,
    businessId: "biz-a",
    secrets: [{ secret: "secret-a", subscriptionId: "sub-a", addedAt: null }],
    setupUntil: null,
  },
  "ramp-erp-sync/tenant-b/webhook": {
    v: 1,
    businessId: "biz-b",
    secrets: [{ secret: "secret-b", subscriptionId: "sub-b", addedAt: null }],
    setupUntil: null,
  },
};

function world() {
  const jobs: PollJob[] = [];
  const secretReads: string[] = [];
  const receiver: ReceiverDeps = {
    tenants: { get: async (id) => TENANTS[id as keyof typeof TENANTS] },
    secrets: {
      get: async (id) => {
        secretReads.push(id);
        return SECRETS[id];
      },
    },
    events: {
      markSeen: async () => "new",
      forget: async () => {},
      park: async () => {
        throw new Error("nothing should be parked");
      },
    },
    challenges: { put: async () => {} },
    sendPollJob: async (job) => void jobs.push(job),
    sendButtonJob: async () => {},
    clock: () => NOW,
    coalesceSeconds: 0,
  };
  const obs = testObservability("webhook");
  const handler = makeHandler({ obs, receiver }) as unknown as (
    e: APIGatewayProxyEventV2,
    c: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
  return { handler, jobs, secretReads, sink: obs.sink };
}

const body = (business: string) =>
  JSON.stringify({
    id: `evt-${business}`,
    type: "transactions.ready_to_sync",
    created_at: "2026-06-15T12:00:00Z",
    business_id: business,
    object: { id: "t1" },
  });
const sign = (raw: string, secret: string) => createHmac("sha256", secret).update(raw).digest("hex");

/** A delivery on the shared route (no path parameters), as API Gateway v2 hands it over. */
function shared(raw: string, headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "POST /webhooks",
    rawPath: "/webhooks",
    rawQueryString: "",
    headers: { "content-type": "application/json", ...headers },
    requestContext: { http: { method: "POST", path: "/webhooks" } },
    body: raw,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}
const header = TENANT_HEADER.toLowerCase();
const context = { functionName: "webhook", awsRequestId: "r1" } as unknown as Context;
const outcome = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(String(r.body)).outcome;

describe("the single webhook endpoint", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a delivery for tenant B signed with tenant A's secret is refused 401; only B's secret was tried", async () => {
    const w = world();
    const raw = body("biz-b");
    const parse = vi.spyOn(JSON, "parse");
    const r = await w.handler(
      shared(raw, { [header]: "tenant-b", "x-ramp-signature": sign(raw, "secret-a") }),
      context,
    );
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(r.statusCode).toBe(401);
    expect(outcome(r)).toBe("unauthorized");
    expect(new Set(w.secretReads)).toEqual(new Set(["ramp-erp-sync/tenant-b/webhook"]));
    expect(w.jobs).toEqual([]);
    expect(w.sink.values("WebhookDeliveries")).toEqual([
      expect.objectContaining({
        value: 1,
        dimensions: expect.objectContaining({ outcome: "unauthorized", reason: "mismatch" }),
      }),
    ]);
  });

  it("the same delivery signed with B's own secret is accepted and becomes B's poll job", async () => {
    const w = world();
    const raw = body("biz-b");
    const r = await w.handler(
      shared(raw, { [header]: "tenant-b", "x-ramp-signature": sign(raw, "secret-b") }),
      context,
    );
    expect(r.statusCode).toBe(200);
    expect(outcome(r)).toBe("enqueued");
    expect(w.jobs.map((j) => j.tenantId)).toEqual(["tenant-b"]);
  });

  it("a missing or unknown tenant header is 401 with its reason, before any secret is read or body parsed", async () => {
    const w = world();
    const raw = body("biz-a");
    const sig = sign(raw, "secret-a");
    const parse = vi.spyOn(JSON, "parse");
    const missing = await w.handler(shared(raw, { "x-ramp-signature": sig }), context);
    const unknown = await w.handler(shared(raw, { [header]: "tenant-z", "x-ramp-signature": sig }), context);
    const garbage = await w.handler(shared(raw, { [header]: "../a", "x-ramp-signature": sig }), context);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    for (const r of [missing, unknown, garbage]) {
      expect(r.statusCode).toBe(401);
      expect(outcome(r)).toBe("unauthorized");
    }
    expect(w.secretReads).toEqual([]);
    expect(w.jobs).toEqual([]);
    expect(
      w.sink.values("WebhookDeliveries").map((v) => [v.dimensions.outcome, v.dimensions.reason]),
    ).toEqual([
      ["unauthorized", "missing-tenant-header"],
      ["unauthorized", "unknown-tenant-header"],
      ["unauthorized", "unknown-tenant-header"],
    ]);
  });

  it("the body never picks the tenant: B's header with A's business in the body is verified as B", async () => {
    const w = world();
    const raw = body("biz-a");
    const r = await w.handler(
      shared(raw, { [header]: "tenant-b", "x-ramp-signature": sign(raw, "secret-a") }),
      context,
    );
    expect(r.statusCode).toBe(401);
    expect(w.jobs).toEqual([]);
  });
});
