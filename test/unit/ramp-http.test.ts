import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RampLogger } from "../../lib/domain/logger.js";
import { createRampClient } from "../../lib/ramp/client.js";
import { RampApiError, RampResponseError } from "../../lib/ramp/errors.js";
import { createMemoryRateLimiter, createMemoryTokenStore } from "../../lib/ramp/memory.js";
import { splitSyncReport } from "../../lib/ramp/sync-report.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
type Handler = (req: Seen, res: ServerResponse) => void;

/** A scripted stand-in for Ramp on loopback: routes answer in turn, every request is recorded. */
async function fakeRamp(routes: Record<string, Handler[] | Handler>) {
  const seen: Seen[] = [];
  const counters = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      const url = req.url ?? "/";
      const entry: Seen = { method: req.method ?? "", url, headers: req.headers, body };
      seen.push(entry);
      const key = `${req.method} ${url.split("?")[0]}`;
      const route = routes[key];
      if (!route) {
        json(res, 404, { error_v2: { error_code: "NOT_FOUND", message: key } });
        return;
      }
      const n = counters.get(key) ?? 0;
      counters.set(key, n + 1);
      const handler = Array.isArray(route) ? (route[Math.min(n, route.length - 1)] as Handler) : route;
      handler(entry, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    calls: (key: string) => seen.filter((s) => `${s.method} ${s.url.split("?")[0]}` === key),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", "x-trace-id": `trace-${status}`, ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const TOKEN = "POST /developer/v1/token";
let tokenSerial = 0;
const mintToken: Handler = (_req, res) =>
  json(res, 200, { access_token: `tok-${++tokenSerial}`, token_type: "Bearer", expires_in: 864000 });

function setup(baseUrl: string, opts: { retry?: { maxAttempts?: number; maxTotalMs?: number } } = {}) {
  let now = 1_750_000_000_000;
  const sleeps: number[] = [];
  const clock = () => now;
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms;
  };
  const logs: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  const logger: RampLogger = {
    debug: (message, data) => logs.push({ level: "debug", message, data }),
    info: (message, data) => logs.push({ level: "info", message, data }),
    warn: (message, data) => logs.push({ level: "warn", message, data }),
    error: (message, data) => logs.push({ level: "error", message, data }),
  };
  const tokens = createMemoryTokenStore();
  const limiter = createMemoryRateLimiter({ clock, sleep });
  const client = createRampClient({
    tenantId: "t1",
    baseUrl,
    credentials: { get: async () => ({ clientId: "cid", clientSecret: "s3cret-value" }) },
    tokens,
    limiter,
    clock,
    sleep,
    random: () => 0.5,
    logger,
    retry: { maxAttempts: 4, maxTotalMs: 300_000, ...opts.retry },
  });
  return { client, tokens, limiter, sleeps, logs, advance: (ms: number) => (now += ms), now: () => now };
}

const entity = (id: string) => ({ id, entity_name: `E ${id}`, currency: "USD", is_primary: id === "e1" });

describe("token", () => {
  it("mints with Basic auth and a form body, caches it, and reuses it", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/entities": (_r, res) =>
        json(res, 200, { data: [entity("e1")], page: { next: null } }),
    });
    const { client, tokens, logs } = setup(ramp.baseUrl);
    await collect(client.listEntities());
    await collect(client.listEntities());
    const tokenCalls = ramp.calls(TOKEN);
    expect(tokenCalls).toHaveLength(1);
    const call = tokenCalls[0]!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from("cid:s3cret-value").toString("base64")}`);
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(call.body);
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("scope")?.split(" ")).toContain("accounting:write");
    const bearer = ramp.calls("GET /developer/v1/entities").map((c) => c.headers.authorization);
    expect(new Set(bearer)).toEqual(new Set([`Bearer ${(await tokens.get("t1"))?.accessToken}`]));
    // Neither the token nor the secret is ever logged.
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain("s3cret-value");
    expect(logged).not.toContain((await tokens.get("t1"))!.accessToken);
    expect(logged).toContain("trace-200");
  });

  it("refreshes ahead of expiry", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/entities": (_r, res) => json(res, 200, { data: [], page: { next: null } }),
    });
    const { client, tokens, now } = setup(ramp.baseUrl);
    await tokens.put("t1", { accessToken: "almost-expired", expiresAt: now() + 4 * 60_000 });
    await collect(client.listEntities());
    expect(ramp.calls(TOKEN)).toHaveLength(1);
    expect(ramp.calls("GET /developer/v1/entities")[0]!.headers.authorization).not.toBe(
      "Bearer almost-expired",
    );
  });

  it("refreshes once on a 401 and retries; a second 401 is an error", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/transfers/x1": [
        (_r, res) => json(res, 401, { error_v2: { error_code: "UNAUTHORIZED", message: "expired" } }),
        (_r, res) =>
          json(res, 200, {
            id: "x1",
            amount: { amount: 500, currency_code: "USD" },
            sync_status: "SYNC_READY",
          }),
      ],
      "GET /developer/v1/transfers/x2": (_r, res) => json(res, 401, { error_v2: { message: "nope" } }),
    });
    const { client, tokens } = setup(ramp.baseUrl);
    await tokens.put("t1", { accessToken: "revoked", expiresAt: 9_999_999_999_999 });
    const t = await client.getTransfer("x1");
    expect(t.amount).toEqual({ minor: 500, currency: "USD" });
    const auths = ramp.calls("GET /developer/v1/transfers/x1").map((c) => c.headers.authorization);
    expect(auths[0]).toBe("Bearer revoked");
    expect(auths[1]).not.toBe("Bearer revoked");
    expect((await tokens.get("t1"))?.accessToken).not.toBe("revoked");

    const err = await client.getTransfer("x2").catch((e) => e);
    expect(err).toBeInstanceOf(RampApiError);
    expect(err.status).toBe(401);
    expect(ramp.calls("GET /developer/v1/transfers/x2")).toHaveLength(2);
  });
});

describe("retries", () => {
  it("retries 5xx with growing jittered backoff, then succeeds", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": [
        (_r, res) => json(res, 503, null),
        (_r, res) => json(res, 502, null),
        (_r, res) => json(res, 200, { id: "c1", amount: { amount: 1200, currency_code: "JPY" } }),
      ],
    });
    const { client, sleeps } = setup(ramp.baseUrl);
    const c = await client.getCashback("c1");
    expect(c.amount).toEqual({ minor: 1200, currency: "JPY" });
    expect(ramp.calls("GET /developer/v1/cashbacks/c1")).toHaveLength(3);
    // random()=0.5 → half of 500·2^(n−1)
    expect(sleeps).toEqual([250, 500]);
  });

  it("honours Retry-After when it asks for longer than the backoff", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": [
        (_r, res) => json(res, 503, null, { "retry-after": "7" }),
        (_r, res) => json(res, 200, { id: "c1", amount: { amount: 1, currency_code: "USD" } }),
      ],
    });
    const { client, sleeps } = setup(ramp.baseUrl);
    await client.getCashback("c1");
    expect(sleeps).toEqual([7000]);
  });

  it("stops after maxAttempts with a typed error carrying status, code and trace id", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/bills/b1": (_r, res) =>
        json(res, 500, { error_v2: { error_code: "INTERNAL", message: "boom" } }, { "x-trace-id": "abc123" }),
    });
    const { client } = setup(ramp.baseUrl);
    const err = await client.getBill("b1").catch((e) => e);
    expect(err).toBeInstanceOf(RampApiError);
    expect(err).toMatchObject({ status: 500, code: "INTERNAL", traceId: "abc123", retryable: true });
    expect(ramp.calls("GET /developer/v1/bills/b1")).toHaveLength(4);
  });

  it("stops when the total time budget would be exceeded", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/bills/b1": (_r, res) => json(res, 503, null, { "retry-after": "60" }),
    });
    const { client } = setup(ramp.baseUrl, { retry: { maxAttempts: 10, maxTotalMs: 100_000 } });
    await expect(client.getBill("b1")).rejects.toMatchObject({ status: 503 });
    // 0 s, 60 s: a third attempt would start after 120 s.
    expect(ramp.calls("GET /developer/v1/bills/b1")).toHaveLength(2);
  });

  it("retries a dropped connection", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": [
        (_r, res) => res.socket?.destroy(),
        (_r, res) => json(res, 200, { id: "c1", amount: { amount: 3, currency_code: "USD" } }),
      ],
    });
    const { client } = setup(ramp.baseUrl);
    expect((await client.getCashback("c1")).amount.minor).toBe(3);
    expect(ramp.calls("GET /developer/v1/cashbacks/c1")).toHaveLength(2);
  });

  it("does not retry validation errors (400 and 422 alike)", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "PATCH /developer/v1/accounting/accounts/g1": (_r, res) =>
        json(res, 400, {
          error_v2: { error_code: "DEVELOPER_7001", message: "bad", additional_info: { name: ["x"] } },
        }),
      "PATCH /developer/v1/accounting/accounts/g2": (_r, res) =>
        json(res, 422, { error_v2: { error_code: "DEVELOPER_7001", message: "bad" } }),
    });
    const { client } = setup(ramp.baseUrl);
    for (const id of ["g1", "g2"]) {
      const err = await client.patchGlAccount(id, { name: "New" }).catch((e) => e);
      expect(err).toBeInstanceOf(RampApiError);
      expect(err.isValidation).toBe(true);
      expect(err.retryable).toBe(false);
    }
    expect(ramp.seen.filter((s) => s.method === "PATCH")).toHaveLength(2);
  });

  it("never re-sends a webhook subscription after a 5xx (it could subscribe twice)", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "POST /developer/v1/webhooks": (_r, res) => json(res, 502, null),
    });
    const { client } = setup(ramp.baseUrl);
    await expect(
      client.createWebhook({
        endpoint_url: "https://example.com/hook",
        event_types: ["bills.ready_to_sync"],
      }),
    ).rejects.toMatchObject({ status: 502 });
    expect(ramp.calls("POST /developer/v1/webhooks")).toHaveLength(1);
  });

  it("rejects a 2xx body that breaks the contract", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": (_r, res) => json(res, 200, { id: "c1", amount: 12.5 }),
    });
    const { client } = setup(ramp.baseUrl);
    await expect(client.getCashback("c1")).rejects.toBeInstanceOf(RampResponseError);
  });
});

describe("429 lockout", () => {
  it("silences the tenant for 60 s after a 429, then retries", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": [
        (_r, res) => json(res, 429, null),
        (_r, res) => json(res, 200, { id: "c1", amount: { amount: 9, currency_code: "USD" } }),
      ],
    });
    const { client, limiter, sleeps, now } = setup(ramp.baseUrl);
    const before = now();
    await client.getCashback("c1");
    expect(limiter.blockedUntil).toBe(before + 60_000);
    expect(now() - before).toBeGreaterThanOrEqual(60_000);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60_000);
  });

  it("uses Retry-After when it is longer than the lockout", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": [
        (_r, res) => json(res, 429, null, { "retry-after": "90" }),
        (_r, res) => json(res, 200, { id: "c1", amount: { amount: 9, currency_code: "USD" } }),
      ],
    });
    const { client, limiter, now } = setup(ramp.baseUrl);
    const before = now();
    await client.getCashback("c1");
    expect(limiter.blockedUntil).toBe(before + 90_000);
    expect(now()).toBeGreaterThanOrEqual(before + 90_000);
  });

  it("gives up at once when the lockout outlasts the time budget, leaving the lockout recorded", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/cashbacks/c1": (_r, res) => json(res, 429, null),
    });
    const { client, limiter, now } = setup(ramp.baseUrl, { retry: { maxTotalMs: 30_000 } });
    const before = now();
    await expect(client.getCashback("c1")).rejects.toMatchObject({ status: 429 });
    expect(ramp.calls("GET /developer/v1/cashbacks/c1")).toHaveLength(1);
    expect(limiter.blockedUntil).toBe(before + 60_000);
  });
});

describe("pagination", () => {
  it("follows page.next (path only, never another host) with entity_id and page_size=100", async () => {
    const tx = (id: string, amount: number) => ({
      id,
      entity_id: "e1",
      sync_status: "SYNC_READY",
      amount,
      currency_code: "USD",
      accounting_field_selections: [],
      line_items: [],
      some_future_field: { nested: true },
    });
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "GET /developer/v1/transactions": (req, res) => {
        const q = new URL(req.url, "http://x").searchParams;
        const start = q.get("start");
        const next = (s: string) =>
          `https://api.ramp.com/developer/v1/transactions?entity_id=e1&sync_status=SYNC_READY&page_size=100&start=${s}`;
        if (!start) json(res, 200, { data: [tx("a", 12.34), tx("b", -0.5)], page: { next: next("b") } });
        else if (start === "b") json(res, 200, { data: [tx("c", 1000)], page: { next: next("c") } });
        else json(res, 200, { data: [], page: { next: null } });
      },
    });
    const { client } = setup(ramp.baseUrl);
    const items = await collect(client.listTransactions({ entityId: "e1", syncStatus: "SYNC_READY" }));
    expect(items.map((t) => [t.id, t.amount.minor])).toEqual([
      ["a", 1234],
      ["b", -50],
      ["c", 100000],
    ]);
    const calls = ramp.calls("GET /developer/v1/transactions");
    expect(calls).toHaveLength(3);
    const first = new URL(calls[0]!.url, "http://x").searchParams;
    expect(first.get("entity_id")).toBe("e1");
    expect(first.get("page_size")).toBe("100");
    expect(new URL(calls[1]!.url, "http://x").searchParams.get("start")).toBe("b");
  });
});

describe("sync reports", () => {
  const okBody = { sync_id: "s-1" };
  it("posts a report, omitting empty lists, and reads accepted / already-applied / refused answers", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "POST /developer/v1/accounting/syncs": [
        (_r, res) => json(res, 201, okBody),
        (_r, res) =>
          json(res, 400, {
            error_v2: { error_code: "DEVELOPER_7005", message: "Idempotency key already used" },
          }),
        (_r, res) =>
          json(res, 422, {
            error_v2: {
              error_code: "DEVELOPER_7001",
              message: "refused",
              additional_info: {
                refused: [
                  { id: "t2", reason: "ALREADY_SYNCED" },
                  { id: "t3", reason: "VENDOR_CODING_REQUIRED", message: "code a vendor" },
                  { id: "t4", reason: "SOMETHING_NEW" },
                ],
              },
            },
          }),
        (_r, res) => json(res, 422, { error_v2: { error_code: "DEVELOPER_7001", message: "bad sync_type" } }),
      ],
    });
    const { client } = setup(ramp.baseUrl);
    const [call] = splitSyncReport({
      tenantId: "t1",
      syncType: "TRANSACTION_SYNC",
      syncRequestId: "req-9",
      successful: [{ id: "t1", reference_id: "JE-1" }],
      failed: [],
    });
    expect(await client.postSync(call!)).toEqual({
      outcome: "accepted",
      syncId: "s-1",
      idempotencyKey: call!.idempotency_key,
    });
    const sent = JSON.parse(ramp.calls("POST /developer/v1/accounting/syncs")[0]!.body);
    expect(sent).toEqual({
      idempotency_key: call!.idempotency_key,
      sync_type: "TRANSACTION_SYNC",
      sync_request_id: "req-9",
      successful_syncs: [{ id: "t1", reference_id: "JE-1" }],
    });
    expect(await client.postSync(call!)).toMatchObject({ outcome: "already_applied" });
    expect(await client.postSync(call!)).toMatchObject({
      outcome: "refused",
      refused: [
        { id: "t2", reason: "ALREADY_SYNCED", message: null },
        { id: "t3", reason: "VENDOR_CODING_REQUIRED", message: "code a vendor" },
        { id: "t4", reason: "UNKNOWN", message: null },
      ],
    });
    await expect(client.postSync(call!)).rejects.toBeInstanceOf(RampApiError);
    // Never sends an empty report.
    await expect(
      client.postSync({ idempotency_key: "k", sync_type: "TRANSACTION_SYNC", successful_syncs: [] }),
    ).rejects.toThrow();
    expect(ramp.calls("POST /developer/v1/accounting/syncs")).toHaveLength(4);
  });

  it("reports a large result in calls of at most 5,000 per list, even when destructured", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "POST /developer/v1/accounting/syncs": (_r, res) => json(res, 201, { sync_id: "s" }),
    });
    const { reportSyncs } = setup(ramp.baseUrl).client;
    const successful = Array.from({ length: 5_001 }, (_, i) => ({ id: `t${i}`, reference_id: `JE-${i}` }));
    const results = await reportSyncs({
      tenantId: "t1",
      syncType: "TRANSACTION_SYNC",
      successful,
      failed: [],
    });
    expect(results.map((r) => r.outcome)).toEqual(["accepted", "accepted"]);
    const bodies = ramp.calls("POST /developer/v1/accounting/syncs").map((c) => JSON.parse(c.body));
    expect(bodies.map((b) => b.successful_syncs.length)).toEqual([5000, 1]);
    expect(bodies.every((b) => !("failed_syncs" in b))).toBe(true);
  });

  it("codes a transaction with accounting_field_selections", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "POST /developer/v1/accounting/codings": (_r, res) => json(res, 200, {}),
    });
    const { client } = setup(ramp.baseUrl);
    // An answer that is not the transaction (Ramp's is undocumented) comes back as null.
    expect(
      await client.setTransactionCoding("tx-1", [{ accounting_field_option_id: "opt-ramp-id" }]),
    ).toBeNull();
    expect(JSON.parse(ramp.calls("POST /developer/v1/accounting/codings")[0]!.body)).toEqual({
      object_type: "TRANSACTION",
      object_id: "tx-1",
      accounting_field_selections: [{ accounting_field_option_id: "opt-ramp-id" }],
    });
  });

  it("hands back the coded transaction when the coding answer is one (the sandbox's answer)", async () => {
    const vendor = {
      id: "opt-ramp-id",
      name: "Globex",
      external_id: "us:V-1",
      category_info: { id: "field-v", name: "Vendor", external_id: "vendors", type: "MERCHANT" },
    };
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "POST /developer/v1/accounting/codings": (_r, res) =>
        json(res, 200, {
          id: "tx-1",
          sync_status: "SYNC_READY",
          amount: 12.5,
          currency_code: "USD",
          accounting_field_selections: [vendor],
          line_items: [],
          requires_accounting_vendor_creation_to_sync: false,
        }),
    });
    const { client } = setup(ramp.baseUrl);
    const coded = await client.setTransactionCoding("tx-1", [{ accounting_field_option_id: "opt-ramp-id" }]);
    expect(coded).toMatchObject({
      id: "tx-1",
      requiresAccountingVendorCreation: false,
      selections: [{ optionRampId: "opt-ramp-id", optionRemoteId: "us:V-1", type: "MERCHANT" }],
    });
  });
});

describe("chart of accounts uploads", () => {
  it("chunks uploads to 500 items per call", async () => {
    const ramp = await fakeRamp({
      [TOKEN]: mintToken,
      "POST /developer/v1/accounting/vendors": (req, res) => {
        const body = JSON.parse(req.body) as { vendors: Array<{ id: string; name: string }> };
        json(res, 201, {
          vendors: body.vendors.map((v) => ({ ramp_id: `r-${v.id}`, id: v.id, name: v.name })),
          uploaded: body.vendors.map((v) => `r-${v.id}`),
        });
      },
    });
    const { client } = setup(ramp.baseUrl);
    const vendors = Array.from({ length: 1201 }, (_, i) => ({ id: `c1:V${i}`, name: `Vendor ${i}` }));
    const result = await client.uploadAccountingVendors(vendors, "conn-2");
    const calls = ramp.calls("POST /developer/v1/accounting/vendors").map((c) => JSON.parse(c.body));
    expect(calls.map((c) => c.vendors.length)).toEqual([500, 500, 201]);
    expect(calls.every((c) => c.accounting_connection_id === "conn-2")).toBe(true);
    expect(result.uploaded).toHaveLength(1201);
    expect(result.items[1200]).toMatchObject({ id: "c1:V1200", ramp_id: "r-c1:V1200" });
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
