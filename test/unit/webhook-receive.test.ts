/**
 * The receiver's decisions with its collaborators faked in memory (the real
 * wire is covered by test/integration/webhook-*.test.ts): status codes, dedupe,
 * parking, routing to poll and button jobs, forgetting ids when the hand-off
 * fails, the set-up window, rotation re-reads.
 */
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { PollJob } from "../../lib/poll/job.js";
import type { ParkedEvent } from "../../lib/store/webhook-events.js";
import {
  type Delivery,
  MAX_BODY_BYTES,
  type ReceiverDeps,
  receiveDelivery,
} from "../../lib/webhook/receive.js";
import type { WebhookSecretDoc } from "../../lib/webhook/secret-doc.js";

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const tenant = (over: Partial<TenantConfig["ramp"]> = {}, enabled = true): TenantConfig =>
  parseTenantConfig({
    tenantId: "acme",
    displayName: "Acme",
    enabled,
    ramp: { webhookSecretId: "ramp-erp-sync/acme/webhook", remoteProviderName: "X", ...over },
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

function world(opts: { doc?: WebhookSecretDoc; tenant?: TenantConfig; coalesce?: number } = {}) {
  let doc: WebhookSecretDoc | undefined = opts.doc ?? {
    v: 1,
    businessId: "biz-1",
    secrets: [{ secret: "s-live", subscriptionId: "sub-1", addedAt: null }],
    setupUntil: null,
  };
  const seen = new Set<string>();
  const parked: ParkedEvent[] = [];
  const jobs: Array<{ job: PollJob; delay: number }> = [];
  const challenges: Array<[string, string, string]> = [];
  const reads = { cached: 0, fresh: 0 };
  let failSends = 0;
  const deps: ReceiverDeps = {
    tenants: { get: async (id) => (id === "acme" ? (opts.tenant ?? tenant()) : undefined) },
    secrets: {
      get: async (_id, o) => {
        if (o?.fresh) reads.fresh++;
        else reads.cached++;
        return doc;
      },
    },
    events: {
      markSeen: async (t, id) => {
        const k = `${t}/${id}`;
        if (seen.has(k)) return "duplicate";
        seen.add(k);
        return "new";
      },
      forget: async (t, id) => {
        seen.delete(`${t}/${id}`);
      },
      park: async (_t, e) => {
        const p = {
          eventId: e.eventId ?? "unknown-x",
          reason: e.reason,
          body: e.body,
          truncated: false,
          receivedAt: new Date(NOW).toISOString(),
        };
        parked.push(p);
        return p;
      },
    },
    challenges: { put: async (t, s, c) => void challenges.push([t, s, c]) },
    sendPollJob: async (job, delay) => {
      if (failSends > 0) {
        failSends--;
        throw new Error("SQS down");
      }
      jobs.push({ job, delay });
    },
    sendButtonJob: async (job) => {
      if (failSends > 0) {
        failSends--;
        throw new Error("SQS down");
      }
      jobs.push({ job, delay: 0 });
    },
    clock: () => NOW,
    coalesceSeconds: opts.coalesce ?? 0,
  };
  return {
    deps,
    seen,
    parked,
    jobs,
    challenges,
    reads,
    setDoc: (d: WebhookSecretDoc | undefined) => {
      doc = d;
    },
    failNextSends: (n: number) => {
      failSends = n;
    },
  };
}

const signed = (body: string, secret = "s-live", tenantId: string | undefined = "acme"): Delivery => ({
  tenantId,
  rawBody: Buffer.from(body),
  headers: { "x-ramp-signature": createHmac("sha256", secret).update(body).digest("hex") },
});
const event = (id: string, type: string, object: Record<string, unknown>, business = "biz-1") =>
  JSON.stringify({ id, type, created_at: "2026-06-15T12:00:00Z", business_id: business, object });

describe("receiving a delivery", () => {
  it("ready_to_sync → one poll job for the tenant; a duplicate of the same event id → nothing more", async () => {
    const w = world();
    const body = event("e1", "transactions.ready_to_sync", { id: "t1" });
    expect(await receiveDelivery(w.deps, signed(body))).toEqual({
      status: 200,
      outcome: "enqueued",
      eventId: "e1",
    });
    expect(await receiveDelivery(w.deps, signed(body))).toEqual({
      status: 200,
      outcome: "duplicate",
      eventId: "e1",
    });
    expect(w.jobs).toEqual([
      { job: { v: 1, type: "poll", tenantId: "acme", dispatchedAt: new Date(NOW).toISOString() }, delay: 0 },
    ]);
  });

  it("sync_requested → a button job carrying the sync_request_id", async () => {
    const w = world();
    const r = await receiveDelivery(
      w.deps,
      signed(event("e2", "transactions.sync_requested", { id: "x", sync_request_id: "sr-1" })),
    );
    expect(r.outcome).toBe("enqueued");
    expect(w.jobs.map((j) => j.job)).toEqual([
      {
        v: 1,
        type: "button",
        tenantId: "acme",
        kind: "transaction",
        syncRequestId: "sr-1",
        dispatchedAt: new Date(NOW).toISOString(),
        // Ramp's clock started at the event's created_at (= NOW here): 5 minutes less the 45 s margin.
        startedAt: new Date(NOW).toISOString(),
        deadline: new Date(NOW + 255_000).toISOString(),
      },
    ]);
  });

  it("the button deadline counts from the event's created_at, never from a time later than our receipt", async () => {
    const w = world();
    const at = (createdAt: string | null) =>
      JSON.stringify({
        id: `e-${createdAt}`,
        type: "reimbursements.sync_requested",
        ...(createdAt ? { created_at: createdAt } : {}),
        business_id: "biz-1",
        object: { id: "x", sync_request_id: `sr-${createdAt}` },
      });
    // A delivery retried 2 minutes after the click: 3 minutes less the margin remain.
    await receiveDelivery(w.deps, signed(at(new Date(NOW - 120_000).toISOString())));
    // A sender clock ahead of ours, and no created_at at all: counted from our receipt.
    await receiveDelivery(w.deps, signed(at(new Date(NOW + 60_000).toISOString())));
    await receiveDelivery(w.deps, signed(at(null)));
    const deadlines = w.jobs.map((j) => (j.job.type === "button" ? Date.parse(j.job.deadline ?? "") : 0));
    expect(deadlines).toEqual([NOW - 120_000 + 255_000, NOW + 255_000, NOW + 255_000]);
  });

  it("coalesces ready_to_sync events of one window into one delayed poll job", async () => {
    const w = world({ coalesce: 15 });
    for (const id of ["a", "b", "c"])
      await receiveDelivery(w.deps, signed(event(id, "bills.ready_to_sync", { id: `bill-${id}` })));
    expect(w.jobs).toHaveLength(1);
    expect(w.jobs[0]?.delay).toBe(16);
    // Sync Button jobs are never coalesced.
    await receiveDelivery(
      w.deps,
      signed(event("d", "transactions.sync_requested", { id: "x", sync_request_id: "s" })),
    );
    expect(w.jobs).toHaveLength(2);
  });

  it("a failed hand-off answers 503 and forgets the event id (and the window), so Ramp's retry is enqueued", async () => {
    const w = world({ coalesce: 15 });
    const d = signed(event("e3", "reimbursements.ready_to_sync", { id: "r1" }));
    w.failNextSends(1);
    expect(await receiveDelivery(w.deps, d)).toEqual({
      status: 503,
      outcome: "enqueue-failed",
      eventId: "e3",
    });
    expect(w.seen.size).toBe(0);
    expect(await receiveDelivery(w.deps, d)).toMatchObject({ status: 200, outcome: "enqueued" });
    expect(w.jobs).toHaveLength(1);
  });

  it("forged, unsigned or wrong-tenant deliveries are 401/404 and touch nothing", async () => {
    const w = world();
    const body = event("e4", "transactions.ready_to_sync", { id: "t" });
    expect(await receiveDelivery(w.deps, signed(body, "guessed"))).toEqual({
      status: 401,
      outcome: "unauthorized",
      reason: "mismatch",
    });
    expect(await receiveDelivery(w.deps, { ...signed(body), headers: {} })).toEqual({
      status: 401,
      outcome: "unauthorized",
      reason: "unsigned",
    });
    expect((await receiveDelivery(w.deps, signed(body, "s-live", "other"))).status).toBe(404);
    expect((await receiveDelivery(w.deps, { ...signed(body), tenantId: undefined })).status).toBe(404);
    expect((await receiveDelivery(w.deps, signed(body, "s-live", "../etc"))).status).toBe(404);
    expect(w.jobs).toEqual([]);
    expect(w.parked).toEqual([]);
    expect(w.seen.size).toBe(0);
  });

  it("a tenant without a webhook secret refuses every delivery", async () => {
    const w = world({ tenant: tenant({ webhookSecretId: null }) });
    expect((await receiveDelivery(w.deps, signed(event("e", "tests.test_event", { id: "t" })))).status).toBe(
      401,
    );
  });

  it("signed but malformed, unknown or for another business → 200 and parked once", async () => {
    const w = world();
    for (const body of [
      "{oops",
      event("e5", "bills.paid", { id: "b" }),
      JSON.stringify({ id: "e6", type: "transactions.ready_to_sync" }),
      event("e7", "transactions.ready_to_sync", { id: "t" }, "biz-other"),
    ]) {
      expect(await receiveDelivery(w.deps, signed(body))).toMatchObject({ status: 200, outcome: "parked" });
    }
    expect(w.parked.map((p) => p.reason)).toEqual([
      "body is not JSON",
      "unhandled event type bills.paid",
      expect.stringContaining("envelope: object"),
      "business_id is not this tenant's Ramp business",
    ]);
    expect(await receiveDelivery(w.deps, signed(event("e5", "bills.paid", { id: "b" })))).toMatchObject({
      outcome: "duplicate",
    });
    expect(w.parked).toHaveLength(4);
    expect(w.jobs).toEqual([]);
  });

  it("a disabled tenant's events are parked, not enqueued", async () => {
    const w = world({ tenant: tenant({}, false) });
    const r = await receiveDelivery(w.deps, signed(event("e8", "transactions.ready_to_sync", { id: "t" })));
    expect(r).toMatchObject({ status: 200, outcome: "parked" });
    expect(w.parked[0]?.reason).toBe("tenant disabled");
  });

  it("records the verification challenge for the subscription whose secret signed it", async () => {
    const w = world();
    const body = JSON.stringify({
      id: "v1",
      type: "webhooks.verification",
      business_id: "biz-1",
      challenge: "ch",
    });
    expect(await receiveDelivery(w.deps, signed(body))).toEqual({
      status: 200,
      outcome: "challenge-recorded",
    });
    expect(w.challenges).toEqual([["acme", "sub-1", "ch"]]);
  });

  it("during a set-up, a delivery signed with a secret not stored yet is 503 (Ramp retries), then accepted", async () => {
    const w = world();
    w.setDoc({ v: 1, businessId: null, secrets: [], setupUntil: new Date(NOW + 60_000).toISOString() });
    const body = JSON.stringify({ id: "v2", type: "webhooks.verification", challenge: "ch2" });
    expect(await receiveDelivery(w.deps, signed(body, "s-new"))).toEqual({
      status: 503,
      outcome: "setup-pending",
    });
    // Which unmatched delivery is the verification cannot be told without parsing it, so while the
    // set-up is open any of them is 503; nothing is enqueued for it.
    const forged = event("e9", "transactions.ready_to_sync", { id: "t" });
    expect(await receiveDelivery(w.deps, signed(forged, "s-new"))).toEqual({
      status: 503,
      outcome: "setup-pending",
    });
    expect(w.jobs).toEqual([]);
    w.setDoc({
      v: 1,
      businessId: "biz-1",
      secrets: [{ secret: "s-new", subscriptionId: "sub-2", addedAt: null }],
      setupUntil: new Date(NOW + 60_000).toISOString(),
    });
    expect(await receiveDelivery(w.deps, signed(body, "s-new"))).toMatchObject({
      outcome: "challenge-recorded",
    });
    expect(w.challenges).toEqual([["acme", "sub-2", "ch2"]]);
  });

  it("re-reads the secret fresh on a mismatch (rotation) but not on an unsigned delivery", async () => {
    const w = world();
    await receiveDelivery(w.deps, { ...signed("{}"), headers: {} });
    expect(w.reads.fresh).toBe(0);
    await receiveDelivery(w.deps, signed("{}", "rotated"));
    expect(w.reads.fresh).toBe(1);
  });
});

describe("nothing is read before it is authenticated", () => {
  afterEach(() => vi.restoreAllMocks());
  const setupOpen = (): WebhookSecretDoc => ({
    v: 1,
    businessId: "biz-1",
    secrets: [{ secret: "s-live", subscriptionId: "sub-1", addedAt: null }],
    setupUntil: new Date(NOW + 60_000).toISOString(),
  });

  it("during an open set-up, a forged verification is 503 and its body is never parsed", async () => {
    const w = world({ doc: setupOpen() });
    const parse = vi.spyOn(JSON, "parse");
    const forged = JSON.stringify({ id: "v9", type: "webhooks.verification", challenge: "attacker" });
    expect(await receiveDelivery(w.deps, signed(forged, "guessed"))).toEqual({
      status: 503,
      outcome: "setup-pending",
    });
    // Not JSON at all: still 503, not a parse failure of any kind.
    expect(await receiveDelivery(w.deps, signed("{not json", "guessed"))).toEqual({
      status: 503,
      outcome: "setup-pending",
    });
    expect(parse).not.toHaveBeenCalled();
    expect(w.challenges).toEqual([]);
    expect(w.parked).toEqual([]);
  });

  it("with no set-up open, the same forged verification is 401, unparsed", async () => {
    const w = world();
    const parse = vi.spyOn(JSON, "parse");
    const forged = JSON.stringify({ id: "v9", type: "webhooks.verification", challenge: "attacker" });
    expect(await receiveDelivery(w.deps, signed(forged, "guessed"))).toEqual({
      status: 401,
      outcome: "unauthorized",
      reason: "mismatch",
    });
    expect(await receiveDelivery(w.deps, signed("{not json", "guessed"))).toEqual({
      status: 401,
      outcome: "unauthorized",
      reason: "mismatch",
    });
    expect(parse).not.toHaveBeenCalled();
  });

  it("an unsigned delivery is 401 even during a set-up (no secret stored later can verify it)", async () => {
    const w = world({ doc: setupOpen() });
    const body = JSON.stringify({ id: "v9", type: "webhooks.verification", challenge: "x" });
    expect(await receiveDelivery(w.deps, { ...signed(body), headers: {} })).toEqual({
      status: 401,
      outcome: "unauthorized",
      reason: "unsigned",
    });
  });

  it("a body over the cap is 413 before the tenant, the secret or the HMAC is looked at, signed or not", async () => {
    const w = world();
    const parse = vi.spyOn(JSON, "parse");
    const big = event("e-big", "transactions.ready_to_sync", { id: "t", pad: "x".repeat(MAX_BODY_BYTES) });
    expect(await receiveDelivery(w.deps, signed(big))).toEqual({ status: 413, outcome: "too-large" });
    expect(w.reads).toEqual({ cached: 0, fresh: 0 });
    expect(parse).not.toHaveBeenCalled();
    expect(w.jobs).toEqual([]);
    expect(w.parked).toEqual([]);
    // At the cap exactly: accepted as usual.
    const prefix = event("e-cap", "transactions.ready_to_sync", { id: "t", pad: "" });
    const atCap = event("e-cap", "transactions.ready_to_sync", {
      id: "t",
      pad: "x".repeat(MAX_BODY_BYTES - Buffer.byteLength(prefix)),
    });
    expect(Buffer.byteLength(atCap)).toBe(MAX_BODY_BYTES);
    expect((await receiveDelivery(w.deps, signed(atCap))).status).toBe(200);
  });
});
